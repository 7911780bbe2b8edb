"""Pleroma's expiring statuses: ``expires_in`` at posting, and a job that deletes the
status when its time comes, as an event in the log every read model follows."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from tests.api.test_statuses import follow, post
from tests.helpers import Client, event_count, events_of, eventually
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.domain.ids import stream_id
from tidings.projections.jobs import EXPIRE_STATUS, expire_key
from tidings.projections.rebuild import verify
from tidings.workers.jobs import Clock, JobSystem


def due_jobs(db: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return db.execute("SELECT key, kind, due_at FROM jobs.due_jobs ORDER BY key").fetchall()


def test_an_expiring_status_shows_its_time_and_is_deleted_when_it_comes(
    client: Client, clock: Clock, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    keeper = post(client, alice, "stays")
    posted_at = datetime.now(UTC)
    status = post(client, alice, "gone in an hour", expires_in="3600")
    expires_at = datetime.fromisoformat(status["pleroma"]["expires_at"])
    assert abs(expires_at - (posted_at + timedelta(hours=1))) < timedelta(seconds=30)
    assert keeper["pleroma"]["expires_at"] is None
    shown = client.get(f"/api/v1/statuses/{status['id']}", headers=bob.auth).json()
    assert shown["pleroma"]["expires_at"] == status["pleroma"]["expires_at"]
    assert [k for k, _, _ in due_jobs(db)] == [expire_key(status["id"])]

    # Not before its time: the scheduler looks every 50 ms and leaves it alone.
    clock.advance(timedelta(minutes=59))
    before = event_count(db)
    time.sleep(0.5)
    assert client.get(f"/api/v1/statuses/{status['id']}").status_code == 200
    assert event_count(db) == before

    clock.advance(timedelta(minutes=2))
    eventually(lambda: client.get(f"/api/v1/statuses/{status['id']}").status_code == 404)
    home = client.get("/api/v1/timelines/home", headers=bob.auth).json()
    assert [s["id"] for s in home] == [keeper["id"]]
    public = client.get("/api/v1/timelines/public").json()
    assert [s["id"] for s in public] == [keeper["id"]]
    account = client.get(f"/api/v1/accounts/{alice.id}").json()
    assert account["statuses_count"] == 1
    # The log says who deleted it and why; the job is done.
    deletes = events_of(db, stream_id(status["id"]), "Delete")
    assert len(deletes) == 1
    assert (deletes[0]["actor"], deletes[0]["expired"]) == (alice.id, True)
    eventually(lambda: due_jobs(db) == [])

    # A redelivered message, and the job's work run again, find nothing to do.
    after = event_count(db)
    again = JobSystem(settings, store, clock, scheduler=False)
    try:
        again.perform(expire_key(status["id"]), 1)
        again.run(EXPIRE_STATUS, {"status_id": status["id"]})
    finally:
        again.stop()
    assert event_count(db) == after
    assert verify(db, store, "jobs") == {"due_jobs": 0, "tracking": 0}


def test_an_author_deleting_first_leaves_the_job_nothing_to_do(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    status = post(client, alice, "short-lived", expires_in=7200)
    assert client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth).status_code == 200
    assert due_jobs(db) == []  # the Delete completed the job before it was due
    before = event_count(db)
    clock.advance(timedelta(hours=3))
    post(client, alice, "a later post")  # the scheduler had time to look meanwhile
    assert event_count(db) == before + 1
    assert len(events_of(db, stream_id(status["id"]), "Delete")) == 1


def test_expires_in_must_be_a_whole_number_of_at_least_an_hour(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    for value, message in (
        ("3599", "Expiration date is too soon"),
        ("60", "Expiration date is too soon"),
        ("-3600", "Expiration date is too soon"),
        (str(2**62), "Expiration date is too far in the future"),
        (str(10**30), None),
        ("an hour", None),
        ("3600.5", None),
    ):
        response = client.post(
            "/api/v1/statuses", headers=alice.auth, data={"status": "hi", "expires_in": value}
        )
        assert response.status_code == 422, (value, response.text)
        error = response.json()["error"]
        assert message is None or error == message, (value, error)
    response = client.post(
        "/api/v1/statuses", headers=alice.auth, json={"status": "hi", "expires_in": 3600.5}
    )
    assert response.status_code == 422
    assert event_count(db) == before
    assert due_jobs(db) == []
