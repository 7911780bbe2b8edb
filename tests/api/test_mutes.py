"""Mutes: the muted leave the muter's timelines (Pleroma's ``with_muted`` lets them back),
with or without their notifications, for good or for a time whose end is an event the
expiry job appends."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from tests.api.test_blocks import ids, relationship
from tests.api.test_statuses import follow, post
from tests.helpers import Client, User, event_count, events_of, eventually
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.domain.blocks.aggregates import mute_stream
from tidings.projections.jobs import EXPIRE_MUTE, mute_key
from tidings.projections.rebuild import verify
from tidings.workers.jobs import Clock, JobSystem


def mute(client: Client, user: User, target: User, **data: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/accounts/{target.id}/mute", headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    relationship: dict[str, Any] = response.json()
    return relationship


def due_jobs(db: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return db.execute("SELECT key, due_at FROM jobs.due_jobs ORDER BY key").fetchall()


def test_muting_hides_the_muted_from_timelines_unless_asked_for(client: Client) -> None:
    alice, bob, carol = (client.register(n) for n in ("alice", "bob", "carol"))
    follow(client, alice, bob)
    follow(client, alice, carol)
    by_bob = post(client, bob, "by bob #tagged")["id"]
    reblog = client.post(f"/api/v1/statuses/{by_bob}/reblog", headers=carol.auth).json()["id"]
    kept = post(client, carol, "by carol #tagged")["id"]
    rel = mute(client, alice, bob)
    assert (rel["muting"], rel["muting_notifications"], rel["following"]) == (True, True, True)
    assert ids(client, alice, "/api/v1/timelines/home") == [kept]
    assert ids(client, alice, "/api/v1/timelines/public") == [kept]
    assert ids(client, alice, "/api/v1/timelines/tag/tagged") == [kept]
    assert ids(client, alice, "/api/v1/timelines/home", with_muted="true") == [kept, by_bob]
    assert ids(client, alice, "/api/v1/timelines/public", with_muted="true") == [kept, by_bob]
    # Carol's reblog of bob shows on carol's profile only with_muted; bob's own profile,
    # opened on purpose, and the status itself still show.
    assert ids(client, alice, f"/api/v1/accounts/{carol.id}/statuses") == [kept]
    with_muted = ids(client, alice, f"/api/v1/accounts/{carol.id}/statuses", with_muted="1")
    assert with_muted == [kept, reblog]
    assert ids(client, alice, f"/api/v1/accounts/{bob.id}/statuses") == [by_bob]
    assert client.get(f"/api/v1/statuses/{by_bob}", headers=alice.auth).status_code == 200
    # Nobody else is affected, and the muted does not learn of it.
    assert by_bob in ids(client, carol, "/api/v1/timelines/public")
    assert relationship(client, bob, alice)["muting"] is False
    rel = client.post(f"/api/v1/accounts/{bob.id}/unmute", headers=alice.auth).json()
    assert rel["muting"] is False
    assert ids(client, alice, "/api/v1/timelines/home") == [kept, by_bob]


def test_a_mute_may_spare_notifications_and_be_changed(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    rel = mute(client, alice, bob, notifications="false")
    assert (rel["muting"], rel["muting_notifications"]) == (True, False)
    before = event_count(db)
    mute(client, alice, bob, notifications="false")  # a retry records nothing
    assert event_count(db) == before
    rel = mute(client, alice, bob)  # notifications default to muted, as Mastodon
    assert (rel["muting"], rel["muting_notifications"]) == (True, True)
    assert len(events_of(db, mute_stream(alice.id, bob.id), "AccountMuted")) == 2
    after = event_count(db)
    assert client.post(f"/api/v1/accounts/{bob.id}/unmute", headers=alice.auth).status_code == 200
    assert client.post(f"/api/v1/accounts/{bob.id}/unmute", headers=alice.auth).status_code == 200
    assert event_count(db) == after + 1


def test_the_mutes_list_shows_when_each_mute_ends(client: Client) -> None:
    alice, bob, carol = (client.register(n) for n in ("alice", "bob", "carol"))
    muted_at = datetime.now(UTC)
    mute(client, alice, bob, expires_in="3600")  # Pleroma's parameter
    mute(client, alice, carol)
    listed = client.get("/api/v1/mutes", headers=alice.auth)
    assert listed.status_code == 200, listed.text
    (for_good, for_an_hour) = listed.json()
    assert (for_good["id"], for_good["mute_expires_at"]) == (carol.id, None)
    assert for_an_hour["id"] == bob.id
    ends = datetime.fromisoformat(for_an_hour["mute_expires_at"])
    assert abs(ends - (muted_at + timedelta(hours=1))) < timedelta(seconds=30)
    first = client.get("/api/v1/mutes", headers=alice.auth, params={"limit": 1})
    assert [a["id"] for a in first.json()] == [carol.id]
    next_url = first.headers["link"].split(">")[0].lstrip("<")
    assert [a["id"] for a in client.get(next_url, headers=alice.auth).json()] == [bob.id]
    related = client.get(
        "/api/v1/mutes", headers=alice.auth, params={"with_relationships": "true"}
    ).json()
    assert [a["pleroma"]["relationship"]["muting"] for a in related] == [True, True]
    assert client.get("/api/v1/mutes", headers=bob.auth).json() == []


def test_a_mute_ends_on_time_and_its_end_is_an_event(
    client: Client,
    clock: Clock,
    db: psycopg.Connection[Any],
    store: Tidings,
    settings: Settings,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    status = post(client, bob, "muted for a while")["id"]
    mute(client, alice, bob, duration="3600")  # Mastodon's parameter
    assert [k for k, _ in due_jobs(db)] == [mute_key(alice.id, bob.id)]
    assert ids(client, alice, "/api/v1/timelines/home") == []

    clock.advance(timedelta(minutes=59))
    before = event_count(db)
    time.sleep(0.5)  # the scheduler looks every 50 ms and leaves it alone
    assert event_count(db) == before
    assert relationship(client, alice, bob)["muting"] is True

    clock.advance(timedelta(minutes=2))
    eventually(lambda: relationship(client, alice, bob)["muting"] is False)
    (ended,) = events_of(db, mute_stream(alice.id, bob.id), "AccountUnmuted")
    assert ended["expired"] is True
    eventually(lambda: due_jobs(db) == [])
    assert ids(client, alice, "/api/v1/timelines/home") == [status]
    assert client.get("/api/v1/mutes", headers=alice.auth).json() == []

    # A redelivered message, and the job's work run again, find nothing to do.
    after = event_count(db)
    again = JobSystem(settings, store, clock, scheduler=False)
    try:
        again.run(EXPIRE_MUTE, {"account_id": alice.id, "target_id": bob.id})
    finally:
        again.stop()
    assert event_count(db) == after
    assert verify(db, store, "jobs") == {"due_jobs": 0, "tracking": 0}
    assert verify(db, store, "blocks")["mutes"] == 0


def test_muting_again_for_good_cancels_the_expiry(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    mute(client, alice, bob, expires_in="3600")
    mute(client, alice, bob)
    assert due_jobs(db) == []
    before = event_count(db)
    clock.advance(timedelta(hours=2))
    time.sleep(0.5)  # the scheduler had time to look
    assert event_count(db) == before
    assert relationship(client, alice, bob)["muting"] is True


def test_bad_durations_are_refused_and_write_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    before = event_count(db)
    for data in (
        {"duration": "-1"},
        {"expires_in": "-60"},
        {"duration": "an hour"},
        {"duration": str(10**12)},
        {"notifications": "maybe"},
    ):
        response = client.post(f"/api/v1/accounts/{bob.id}/mute", headers=alice.auth, data=data)
        assert response.status_code == 422, (data, response.text)
        assert response.json()["error"]
    assert event_count(db) == before
    assert due_jobs(db) == []
