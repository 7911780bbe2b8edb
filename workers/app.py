"""Assembling a running Tidings: the API plus, where asked, its projection runners."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import psycopg
from litestar import Litestar

from tidings.api.app import Hook, create_app
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.api.streaming.hub import running_hub
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.projections.schema import MIGRATE_LOCK, migrate
from tidings.workers.jobs import Clock, JobSystem
from tidings.workers.runner import ProjectionRunners
from tidings.workers.streaming import StreamingPublisher


@asynccontextmanager
async def projection_runners(services: Services) -> AsyncIterator[None]:
    assert services.settings.database_url is not None
    runners = ProjectionRunners(services.settings.database_url, services.tidings)
    runners.start()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(runners.stop)


def job_system(clock: Clock | None = None) -> Hook:
    """A job worker and scheduler beside the API, judging time by ``clock``."""

    @asynccontextmanager
    async def hook(services: Services) -> AsyncIterator[None]:
        system = JobSystem(services.settings, services.tidings, clock)
        await anyio.to_thread.run_sync(system.start)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(system.stop)

    return hook


@asynccontextmanager
async def streaming_publisher(services: Services) -> AsyncIterator[None]:
    """A standby unless it wins the publisher's lock: any number of processes may run one."""
    publisher = StreamingPublisher(services.settings, services.tidings)
    task = asyncio.create_task(publisher.run(services), name="streaming-publisher")
    try:
        yield
    finally:
        await publisher.close()
        # It notices within a second; wait_for cancels it past that.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(task, 3)


def prepare_database(dsn: str, secret: bytes) -> list[str]:
    """Creates the event store's tables and applies pending migrations, one process at a
    time (replicas starting together would otherwise race on the catalog)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATE_LOCK,))
        try:
            close_event_store(open_event_store(dsn, secret, create_tables=True))
            return migrate(conn)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATE_LOCK,))


def build_app(
    settings: Settings, with_runners: bool = True, clock: Clock | None = None
) -> Litestar:
    """With runners: the projections, the jobs they make due and the streaming publisher
    run in this process too. Every API process runs its streaming hub."""
    hooks: tuple[Hook, ...] = (running_hub,)
    if with_runners:
        hooks += (projection_runners, job_system(clock), streaming_publisher)
    return create_app(settings, hooks=hooks)
