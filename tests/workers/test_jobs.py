"""The job machinery below the API: the scheduler sends each due row once per lease, the
actors wait for the jobs read model, and however often a job runs, or on how many workers
at once, its effect is recorded once."""

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
import redis

from tests.helpers import event_count, events_of, eventually
from tidings.api.settings import Settings
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.application import Tidings
from tidings.domain.ids import new_id, stream_id
from tidings.domain.scheduled.commands import PublishScheduledStatus, ScheduleStatus
from tidings.domain.scheduled.events import PreparedPost
from tidings.domain.statuses.commands import PostStatus
from tidings.projections.jobs import EXPIRE_STATUS, Jobs, expire_key
from tidings.projections.tracking import apply_page, read_position
from tidings.workers.jobs import JobSystem
from tidings.workers.runner import ProjectionRunners


@pytest.fixture
def job_settings(settings: Settings) -> Iterator[Settings]:
    """The test's settings; its namespace's keys are cleared from the shared Redis after."""
    yield settings
    client = redis.Redis.from_url(settings.redis_url or "")
    keys = list(client.scan_iter(match=f"{settings.job_namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def expiring_status(store: Tidings, expires_at: datetime) -> tuple[str, int]:
    """An author and a status of theirs due to expire; returns its id and the position."""
    author = new_id()
    store.handle(
        RegisterAccount(account_id=author, username="author", email=None, password_hash="x")
    )
    status_id = new_id()
    position = store.handle(
        PostStatus(
            status_id=status_id,
            account_id=author,
            content="<p>brief</p>",
            source="brief",
            visibility="public",
            expires_at=expires_at,
        )
    )
    return status_id, position


def catch_up_jobs(database: str, store: Tidings) -> None:
    with psycopg.connect(database, autocommit=True) as conn:
        apply_page(conn, Jobs(), store.mapper, Jobs.name)


def deletes(db: psycopg.Connection[Any], status_id: str) -> list[dict[str, Any]]:
    return events_of(db, stream_id(status_id), "Delete")


def test_each_due_row_is_sent_once_per_lease_and_again_when_it_runs_out(
    job_settings: Settings, store: Tidings, database: str, db: psycopg.Connection[Any]
) -> None:
    status_id, _ = expiring_status(store, datetime.now(UTC) + timedelta(hours=1))
    catch_up_jobs(database, store)
    leased = dataclasses.replace(job_settings, job_lease=0.5)
    # Two processes' schedulers, neither with a worker: their messages stay queued.
    first = JobSystem(leased, store, scheduler=False)
    second = JobSystem(leased, store, scheduler=False)
    try:
        with psycopg.connect(database, autocommit=True) as conn:
            assert first.send_due(conn) == 0  # not due yet
            first.clock.advance(timedelta(hours=2))
            second.clock.advance(timedelta(hours=2))
            assert first.send_due(conn) == 1
            assert second.send_due(conn) == 0  # the lease is taken
            assert first.send_due(conn) == 0
            time.sleep(0.6)  # the message is presumed lost once the lease runs out
            assert second.send_due(conn) == 1
        queued = redis.Redis.from_url(leased.redis_url or "")
        assert queued.llen(f"{leased.job_namespace}:default") == 2
        queued.close()
    finally:
        first.stop()
        second.stop()
    # Sending changes nothing in the read model: only the job's own events will.
    assert db.execute("SELECT key FROM jobs.due_jobs").fetchall() == [(expire_key(status_id),)]


def test_a_job_ahead_of_its_read_model_is_retried_until_it_catches_up(
    job_settings: Settings, store: Tidings, database: str, db: psycopg.Connection[Any]
) -> None:
    status_id, position = expiring_status(store, datetime.now(UTC) - timedelta(seconds=1))
    system = JobSystem(job_settings, store, scheduler=False)
    system.start()
    try:
        assert read_position(db, Jobs.name) < position
        system.actors[EXPIRE_STATUS].send(expire_key(status_id), position)
        time.sleep(1.0)  # the actor has run and put itself off at least once
        assert deletes(db, status_id) == []
        catch_up_jobs(database, store)
        eventually(lambda: deletes(db, status_id))
    finally:
        system.stop()
    assert len(deletes(db, status_id)) == 1


def test_redelivery_and_racing_workers_record_the_effect_once(
    job_settings: Settings, store: Tidings, database: str, db: psycopg.Connection[Any]
) -> None:
    status_id, position = expiring_status(store, datetime.now(UTC) - timedelta(seconds=1))
    catch_up_jobs(database, store)
    # Lease every poll, so both schedulers send the row again and again until it is gone.
    eager = dataclasses.replace(job_settings, job_lease=0.001, job_poll_interval=0.02)
    systems = [JobSystem(eager, store), JobSystem(eager, store)]
    runners = ProjectionRunners(database, store)
    before = event_count(db)
    for system in systems:
        system.start()
    runners.start()
    try:
        eventually(lambda: deletes(db, status_id))
        eventually(lambda: read_position(db, Jobs.name) > position)
        time.sleep(0.5)  # messages sent before the row went are still being run
        # And the work itself, run by many threads at once, as redeliveries would.
        threads = [
            threading.Thread(
                target=systems[n % 2].run, args=(EXPIRE_STATUS, {"status_id": status_id})
            )
            for n in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        runners.stop()
        for system in systems:
            system.stop()
    assert len(deletes(db, status_id)) == 1
    assert deletes(db, status_id)[0]["expired"] is True
    assert event_count(db) == before + 1
    assert db.execute("SELECT count(*) FROM jobs.due_jobs").fetchone() == (0,)


def test_a_job_whose_row_is_gone_is_done(
    job_settings: Settings, store: Tidings, database: str, db: psycopg.Connection[Any]
) -> None:
    """A message for a job completed or canceled since it was sent succeeds doing nothing."""
    catch_up_jobs(database, store)
    system = JobSystem(job_settings, store, scheduler=False)
    try:
        before = event_count(db)
        system.perform(expire_key(new_id()), 0)
        system.run(EXPIRE_STATUS, {"status_id": new_id()})  # a status that never was
        assert event_count(db) == before
    finally:
        system.stop()


def test_racing_publications_of_a_scheduled_status_post_it_once(
    store: Tidings, db: psycopg.Connection[Any]
) -> None:
    author = new_id()
    store.handle(
        RegisterAccount(account_id=author, username="author", email=None, password_hash="x")
    )
    scheduled_id = new_id()
    when = datetime.now(UTC) + timedelta(minutes=10)
    store.handle(
        ScheduleStatus(
            scheduled_id=scheduled_id,
            account_id=author,
            scheduled_at=when,
            post=PreparedPost(content="<p>once</p>", source="once", visibility="public"),
            now=datetime.now(UTC),
        )
    )
    early = PublishScheduledStatus(scheduled_id=scheduled_id, now=when - timedelta(seconds=1))
    assert store.handle(early) == 0  # not yet: a message sent before a move finds nothing
    publish = PublishScheduledStatus(scheduled_id=scheduled_id, now=when + timedelta(seconds=1))
    positions: list[int] = []
    threads = [
        threading.Thread(target=lambda: positions.append(store.handle(publish))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(positions) == 8  # none failed
    assert len([p for p in positions if p]) == 1  # one wrote, the others found it done
    published = events_of(db, stream_id(scheduled_id), "SchedulePublished")
    assert len(published) == 1
    status_id = published[0]["status_id"]
    assert len(events_of(db, stream_id(status_id), "Create")) == 1
    created = db.execute(
        "SELECT count(*) FROM tidings_events WHERE topic LIKE '%statuses.events:Create'"
    ).fetchone()
    assert created == (1,)
