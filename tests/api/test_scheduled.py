"""Scheduled statuses: POST /api/v1/statuses with ``scheduled_at``, Mastodon's endpoints to
list, show, move and cancel them, and the job that publishes each once at its time."""

import re
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import requests
from mastodon import Mastodon

from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count, events_of, eventually
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.domain.ids import stream_id
from tidings.projections.jobs import PUBLISH_SCHEDULED
from tidings.projections.rebuild import verify
from tidings.workers.jobs import Clock, JobSystem

TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"


def at(clock: Clock, **delta: float) -> str:
    return (clock.now() + timedelta(**delta)).isoformat()


def schedule(client: Client, user: User, text: str, when: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        "/api/v1/statuses", headers=user.auth, data={"status": text, "scheduled_at": when, **extra}
    )
    assert response.status_code == 200, response.text
    scheduled: dict[str, Any] = response.json()
    return scheduled


def public_texts(client: Client) -> list[str]:
    return [
        s["pleroma"]["content"]["text/plain"] for s in client.get("/api/v1/timelines/public").json()
    ]


def test_a_scheduled_status_waits_then_is_published_once_at_its_time(
    client: Client, clock: Clock, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    earlier = post(client, alice, "before")
    when = clock.now() + timedelta(minutes=10)
    scheduled = schedule(
        client,
        alice,
        "later, @bob #soon",
        when.isoformat(),
        spoiler_text="cw",
        visibility="unlisted",
        language="en",
        expires_in="7200",
    )
    assert set(scheduled) == {"id", "scheduled_at", "params", "media_attachments"}
    assert datetime.fromisoformat(scheduled["scheduled_at"]) - when < timedelta(milliseconds=1)
    params = scheduled["params"]
    assert params["text"] == "later, @bob #soon"
    assert (params["visibility"], params["spoiler_text"], params["sensitive"]) == (
        "unlisted",
        "cw",
        True,
    )
    assert (params["language"], params["expires_in"], params["in_reply_to_id"]) == (
        "en",
        7200,
        None,
    )
    assert params["scheduled_at"] is None and scheduled["media_attachments"] == []
    listed = client.get("/api/v1/scheduled_statuses", headers=alice.auth).json()
    assert listed == [scheduled]
    assert (
        client.get(f"/api/v1/scheduled_statuses/{scheduled['id']}", headers=alice.auth).json()
        == scheduled
    )
    # Nothing is posted before its time.
    clock.advance(timedelta(minutes=9))
    time.sleep(0.5)
    home = client.get("/api/v1/timelines/home", headers=bob.auth).json()
    assert [s["id"] for s in home] == [earlier["id"]]

    clock.advance(timedelta(minutes=2))
    home = eventually(
        lambda: (h := client.get("/api/v1/timelines/home", headers=bob.auth).json())[1:] and h
    )
    published = home[0]
    assert [s["id"] for s in home] == [published["id"], earlier["id"]]
    assert published["id"] > earlier["id"]
    assert published["content"].startswith('<p>later, <span class="h-card">')
    assert [m["id"] for m in published["mentions"]] == [bob.id]
    assert [t["name"] for t in published["tags"]] == ["soon"]
    assert (published["visibility"], published["spoiler_text"], published["language"]) == (
        "unlisted",
        "cw",
        "en",
    )
    # Pleroma's expires_in counts from publication.
    expires_at = datetime.fromisoformat(published["pleroma"]["expires_at"])
    assert abs(expires_at - (clock.now() + timedelta(hours=2))) < timedelta(seconds=30)
    assert client.get("/api/v1/scheduled_statuses", headers=alice.auth).json() == []
    gone = client.get(f"/api/v1/scheduled_statuses/{scheduled['id']}", headers=alice.auth)
    assert gone.status_code == 404
    assert [
        e["status_id"] for e in events_of(db, stream_id(scheduled["id"]), "SchedulePublished")
    ] == [published["id"]]
    assert len(events_of(db, stream_id(published["id"]), "Create")) == 1

    # A redelivered message publishes nothing more.
    before = event_count(db)
    again = JobSystem(settings, store, clock, scheduler=False)
    try:
        again.run(PUBLISH_SCHEDULED, {"scheduled_id": scheduled["id"]})
    finally:
        again.stop()
    assert event_count(db) == before
    for name in ("jobs", "scheduled_statuses", "statuses"):
        assert set(verify(db, store, name).values()) == {0}, name


def test_moving_a_scheduled_status_later_publishes_it_at_the_new_time(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    scheduled = schedule(client, alice, "moved", at(clock, minutes=10))
    moved_to = clock.now() + timedelta(hours=1)
    response = client.put(
        f"/api/v1/scheduled_statuses/{scheduled['id']}",
        headers=alice.auth,
        data={"scheduled_at": moved_to.isoformat()},
    )
    assert response.status_code == 200, response.text
    assert datetime.fromisoformat(response.json()["scheduled_at"]) - moved_to < timedelta(
        milliseconds=1
    )
    assert response.json()["params"]["text"] == "moved"
    clock.advance(timedelta(minutes=30))
    time.sleep(0.5)
    assert public_texts(client) == []  # the old time came and went: nothing
    clock.advance(timedelta(minutes=31))
    eventually(lambda: public_texts(client) == ["moved"])


def test_canceling_a_scheduled_status_means_it_is_never_published(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    scheduled = schedule(client, alice, "never", at(clock, minutes=10))
    kept = schedule(client, alice, "kept", at(clock, minutes=10))
    response = client.delete(f"/api/v1/scheduled_statuses/{scheduled['id']}", headers=alice.auth)
    assert (response.status_code, response.json()) == (200, {})
    listed = client.get("/api/v1/scheduled_statuses", headers=alice.auth).json()
    assert [s["id"] for s in listed] == [kept["id"]]
    again = client.delete(f"/api/v1/scheduled_statuses/{scheduled['id']}", headers=alice.auth)
    assert again.status_code == 404
    clock.advance(timedelta(minutes=11))
    eventually(lambda: public_texts(client) == ["kept"])
    assert events_of(db, stream_id(scheduled["id"]), "SchedulePublished") == []


def test_a_scheduled_reply_to_a_deleted_status_is_dropped_as_mastodon_does(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    parent = post(client, alice, "ask me")
    reply = schedule(client, bob, "an answer", at(clock, minutes=10), in_reply_to_id=parent["id"])
    assert reply["params"]["in_reply_to_id"] == parent["id"]
    assert client.delete(f"/api/v1/statuses/{parent['id']}", headers=alice.auth).status_code == 200
    clock.advance(timedelta(minutes=11))
    canceled = eventually(lambda: events_of(db, stream_id(reply["id"]), "ScheduleCanceled"))
    assert canceled[0]["reason"] == "in_reply_to_deleted"
    # The job wrote by another path than this client's: its read model follows in moments.
    eventually(lambda: client.get("/api/v1/scheduled_statuses", headers=bob.auth).json() == [])
    assert public_texts(client) == []


def test_a_scheduled_quote_of_a_deleted_status_is_dropped_saying_why(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    original = post(client, alice, "quotable")
    kept = post(client, alice, "also quotable")
    gone = schedule(client, bob, "so true", at(clock, minutes=10), quote_id=original["id"])
    stays = schedule(client, bob, "indeed", at(clock, minutes=10), quote_id=kept["id"])
    assert (
        client.delete(f"/api/v1/statuses/{original['id']}", headers=alice.auth).status_code == 200
    )
    clock.advance(timedelta(minutes=11))
    canceled = eventually(lambda: events_of(db, stream_id(gone["id"]), "ScheduleCanceled"))
    assert canceled[0]["reason"] == "refused: Record not found"
    eventually(lambda: "indeed" in public_texts(client))
    assert "so true" not in public_texts(client)
    assert events_of(db, stream_id(stays["id"]), "SchedulePublished")
    # The job wrote by another path than this client's: its read model follows in moments.
    eventually(lambda: client.get("/api/v1/scheduled_statuses", headers=bob.auth).json() == [])


def test_scheduled_statuses_are_paged_newest_first_with_links(client: Client, clock: Clock) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    made = [schedule(client, alice, f"post {n}", at(clock, hours=n + 1))["id"] for n in range(3)]
    schedule(client, bob, "bob's own", at(clock, hours=1))
    first = client.get("/api/v1/scheduled_statuses", headers=alice.auth, params={"limit": 2})
    assert [s["id"] for s in first.json()] == [made[2], made[1]]
    links = dict(
        (rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first.headers["link"])
    )
    rest = client.get(links["next"].removeprefix("http://testserver.local"), headers=alice.auth)
    assert [s["id"] for s in rest.json()] == [made[0]]


def test_only_the_author_sees_moves_or_cancels_a_scheduled_status(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    scheduled = schedule(client, alice, "mine", at(clock, minutes=10))
    url = f"/api/v1/scheduled_statuses/{scheduled['id']}"
    reader = scoped_auth(client, alice, "read")
    writer = scoped_auth(client, alice, "write")
    before = event_count(db)
    assert client.get(url, headers=bob.auth).status_code == 404
    assert client.get("/api/v1/scheduled_statuses", headers=bob.auth).json() == []
    for response in (
        client.put(url, headers=bob.auth, data={"scheduled_at": at(clock, hours=1)}),
        client.delete(url, headers=bob.auth),
    ):
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    assert client.get(url).status_code == 401
    assert client.get(url, headers=writer).status_code == 403
    assert client.delete(url, headers=reader).status_code == 403
    assert (
        client.put(url, headers=reader, data={"scheduled_at": at(clock, hours=1)}).status_code
        == 403
    )
    assert event_count(db) == before
    assert client.get(url, headers=alice.auth).json() == scheduled


def test_bad_times_are_refused_and_write_nothing(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    scheduled = schedule(client, alice, "fine", at(clock, minutes=10))
    url = f"/api/v1/scheduled_statuses/{scheduled['id']}"
    before = event_count(db)
    for when, message in (
        (at(clock, minutes=-5), TOO_SOON),
        (at(clock, minutes=4), TOO_SOON),
        ("tomorrow", "Validation failed: scheduled_at must be an ISO 8601 date and time"),
        (
            "2026-13-01T10:00:00Z",
            "Validation failed: scheduled_at must be an ISO 8601 date and time",
        ),
        (  # past the end of time once in UTC
            "9999-12-31T23:59:00-05:00",
            "Validation failed: scheduled_at must be an ISO 8601 date and time",
        ),
    ):
        created = client.post(
            "/api/v1/statuses", headers=alice.auth, data={"status": "x", "scheduled_at": when}
        )
        assert (created.status_code, created.json()) == (422, {"error": message}), when
        moved = client.put(url, headers=alice.auth, data={"scheduled_at": when})
        assert (moved.status_code, moved.json()) == (422, {"error": message}), when
    too_short = client.post(
        "/api/v1/statuses",
        headers=alice.auth,
        data={"status": "x", "scheduled_at": at(clock, hours=1), "expires_in": "60"},
    )
    assert too_short.status_code == 422
    assert client.put(url, headers=alice.auth, data={}).status_code == 422
    missing = client.put(
        "/api/v1/scheduled_statuses/" + "0" * 18,
        headers=alice.auth,
        data={"scheduled_at": at(clock, hours=1)},
    )
    assert missing.status_code == 404
    assert (
        client.delete("/api/v1/scheduled_statuses/not-an-id!", headers=alice.auth).status_code
        == 404
    )
    assert event_count(db) == before
    assert client.get("/api/v1/scheduled_statuses", headers=alice.auth).json() == [scheduled]


def test_mastodon_py_schedules_lists_moves_and_cancels(live_server: str, clock: Clock) -> None:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may carry this traffic
    client_id, client_secret = Mastodon.create_app(
        "scheduling", scopes=["read", "write"], api_base_url=live_server, session=session
    )
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=live_server,
        version_check_mode="none",
        session=session,
    )
    name = f"planner{secrets.token_hex(3)}"
    api.create_account(
        name,
        "correct horse battery",
        f"{name}@example.org",
        agreement=True,
        locale="en",
        scopes=["read", "write"],
        to_file=None,
    )
    first = api.status_post("first", scheduled_at=clock.now() + timedelta(minutes=30))
    second = api.status_post("second", scheduled_at=clock.now() + timedelta(minutes=40))
    assert first.params.text == "first"
    assert [s.id for s in api.scheduled_statuses()] == [second.id, first.id]
    moved = api.scheduled_status_update(first, clock.now() + timedelta(hours=2))
    assert moved.scheduled_at > second.scheduled_at
    api.scheduled_status_delete(second)
    assert [s.id for s in api.scheduled_statuses()] == [first.id]
    assert api.scheduled_status(first).params.text == "first"
    clock.advance(timedelta(hours=3))
    eventually(lambda: [s.content for s in api.timeline_public()] == ["<p>first</p>"])
    assert api.scheduled_statuses() == []
    assert datetime.now(UTC) < moved.scheduled_at  # published by the moved clock, not waiting


def test_a_retried_schedule_with_its_idempotency_key_schedules_once(
    client: Client, clock: Clock, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    headers = {**alice.auth, "Idempotency-Key": "retry-me"}
    data = {"status": "once", "scheduled_at": at(clock, minutes=10)}
    first = client.post("/api/v1/statuses", headers=headers, data=data)
    before = event_count(db)
    again = client.post("/api/v1/statuses", headers=headers, data=data)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["params"]["idempotency"] == "retry-me"
    assert event_count(db) == before
    assert len(client.get("/api/v1/scheduled_statuses", headers=alice.auth).json()) == 1


def test_a_scheduled_poll_opens_when_its_status_is_published(client: Client, clock: Clock) -> None:
    alice = client.register("alice")
    scheduled = schedule(
        client,
        alice,
        "which?",
        at(clock, minutes=10),
        **{"poll[options][]": ["tea", "coffee"], "poll[expires_in]": "3600"},
    )
    assert scheduled["params"]["poll"] == {
        "options": ["tea", "coffee"],
        "expires_in": 3600,
        "multiple": False,
        "hide_totals": False,
    }
    clock.advance(timedelta(minutes=11))
    eventually(lambda: public_texts(client) == ["which?"])
    published = client.get("/api/v1/timelines/public").json()[0]
    assert [o["title"] for o in published["poll"]["options"]] == ["tea", "coffee"]
    # The poll runs its hour from publication, not from when it was scheduled.
    ends = datetime.fromisoformat(published["poll"]["expires_at"])
    assert ends - datetime.fromisoformat(published["created_at"]) > timedelta(minutes=59)
