"""Assembling a running Tidings: the API plus, where asked, its projection runners."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
import psycopg
from litestar import Litestar

from tidings.api.app import create_app
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.projections.schema import migrate
from tidings.workers.runner import ProjectionRunners


@asynccontextmanager
async def projection_runners(services: Services) -> AsyncIterator[None]:
    assert services.settings.database_url is not None
    runners = ProjectionRunners(services.settings.database_url, services.tidings)
    runners.start()
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(runners.stop)


def prepare_database(dsn: str, secret: bytes) -> list[str]:
    """Creates the event store's tables and applies pending migrations."""
    close_event_store(open_event_store(dsn, secret))  # the library creates its tables
    with psycopg.connect(dsn, autocommit=True) as conn:
        return migrate(conn)


def build_app(settings: Settings, with_runners: bool = True) -> Litestar:
    return create_app(settings, hooks=(projection_runners,) if with_runners else ())
