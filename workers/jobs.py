"""Jobs: a scheduler that sends what the ``jobs`` read model says is due, and dramatiq
actors that do it.

Nothing is lost: a due row stays until the events of its completion are projected, and
the scheduler sends it again once its lease (a Redis key per row and notification id)
runs out. Nothing is repeated: the lease keeps a live message from being sent twice
needlessly, and every actor goes through an aggregate that records nothing the second
time, so several processes may run schedulers and workers against one database.

Actors are declared on the broker given, not the global one, so the broker is always
set before any actor exists (dramatiq binds actors when they are declared), and several
job systems (test databases, each its own namespace) live in one process.
"""

import logging
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import dramatiq
import psycopg
import redis
from dramatiq.brokers.redis import RedisBroker

from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.domain.errors import NotFound
from tidings.projections import jobs
from tidings.projections.tracking import read_position
from tidings.workers.actors import KINDS
from tidings.workers.actors.context import JobContext

log = logging.getLogger("tidings.jobs")

BATCH = 100  # due rows sent per look
CATCH_UP_DELAY_MS = 250  # a job ahead of the jobs read model is retried after this


class Clock:
    """The time jobs judge by; tests move it on instead of waiting an hour."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, by: timedelta) -> None:
        self.offset += by


def broker_for(settings: Settings) -> RedisBroker:
    if settings.redis_url is None:
        raise ValueError("jobs need redis_url")
    broker: RedisBroker = RedisBroker(  # type: ignore[no-untyped-call]  # dramatiq's own
        url=settings.redis_url, namespace=settings.job_namespace
    )
    return broker


class JobSystem:
    """A job worker and a scheduler in this process, on the settings' database."""

    def __init__(
        self,
        settings: Settings,
        tidings: Tidings,
        clock: Clock | None = None,
        *,
        worker_threads: int = 2,
        scheduler: bool = True,
    ) -> None:
        if settings.database_url is None or settings.redis_url is None:
            raise ValueError("jobs need database_url and redis_url")
        self.settings = settings
        self.dsn = settings.database_url
        self.clock = clock or Clock()
        self.context = JobContext(tidings=tidings, clock=self.clock.now)
        self.broker = broker_for(settings)
        self.actors = {kind: self._declare(kind) for kind in KINDS}
        self._redis = redis.Redis.from_url(settings.redis_url)
        self._worker_threads = worker_threads
        self._worker: dramatiq.Worker | None = None
        self._with_scheduler = scheduler
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _declare(self, kind: str) -> dramatiq.Actor[Any, Any]:
        def perform(key: str, notification_id: int) -> None:
            self.perform(key, notification_id)

        declare = dramatiq.actor(actor_name=kind, broker=self.broker, max_retries=20)
        return declare(perform)

    def start(self) -> None:
        poll_ms = int(self.settings.job_poll_interval * 1000)
        self._worker = dramatiq.Worker(
            self.broker,
            worker_threads=self._worker_threads,
            worker_timeout=max(50, min(1000, poll_ms)),
        )
        self._worker.start()
        if self._with_scheduler:
            self._thread = threading.Thread(
                target=self._schedule, name="job-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._worker is not None:
            self._worker.stop(timeout=5000)
        self.broker.close()
        self._redis.close()

    # The scheduler.

    def _schedule(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True) as conn:
                    while not self._stop.is_set():
                        self.send_due(conn)
                        self._stop.wait(self.settings.job_poll_interval)
            except (psycopg.Error, redis.RedisError) as error:
                log.warning("job scheduler lost a connection: %s", error)
                self._stop.wait(1.0)
            except Exception:  # a bug must not end the loop: log it and look again
                log.exception("job scheduler failed; starting over")
                self._stop.wait(1.0)

    def send_due(self, conn: psycopg.Connection[Any]) -> int:
        """Sends every due row whose lease is free; returns how many were sent."""
        sent = 0
        for key, kind, notification_id in jobs.due(conn, self.clock.now(), BATCH):
            if kind not in self.actors:
                log.error("no actor for due job %s of kind %s", key, kind)
                continue
            if self._lease(key, notification_id):
                self.actors[kind].send(key, notification_id)
                sent += 1
        return sent

    def _lease(self, key: str, notification_id: int) -> bool:
        """One process sends a row per lease period. The lease names the notification id,
        so a row made due again (a changed schedule) is sent at its new time."""
        name = f"{self.settings.job_namespace}:lease:{key}:{notification_id}"
        taken = self._redis.set(name, "1", nx=True, px=int(self.settings.job_lease * 1000))
        return bool(taken)

    # The actors' common body.

    def perform(self, key: str, notification_id: int) -> None:
        """Runs the job ``key`` as the jobs read model shows it at ``notification_id`` or
        later; a row gone by then was completed or canceled, which is success."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            if read_position(conn, jobs.Jobs.name) < notification_id:
                raise dramatiq.Retry("the jobs read model is behind", delay=CATCH_UP_DELAY_MS)
            job = jobs.job(conn, key)
        if job is not None:
            self.run(job.kind, job.payload)

    def run(self, kind: str, payload: dict[str, Any]) -> None:
        try:
            KINDS[kind](self.context, payload)
        except NotFound:
            return  # what the job acts on is gone: nothing left to do
