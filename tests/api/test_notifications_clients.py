"""Notifications through Mastodon.py on a real socket, the hook streaming calls for the
notifications an event made, and a rebuilt read model that agrees with the live one."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import msgspec
import psycopg
from psycopg.rows import dict_row

from tests.api.test_statuses import follow, post
from tests.helpers import Client, mastodon_py
from tidings.api.mastodon.notifications import came_due, created_by
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify
from tidings.projections.schema import search_path


def test_mastodon_py_lists_filters_dismisses_and_clears_notifications(live_server: str) -> None:
    alice, bob = mastodon_py(live_server, "alice"), mastodon_py(live_server, "bob")
    me = alice.me()
    bob.account_follow(me.id)
    mine = alice.status_post("mine")
    bob.status_favourite(mine.id)
    bob.status_reblog(mine.id)
    mention = bob.status_post("@alice hi")
    found = alice.notifications()
    assert [n.type for n in found] == ["mention", "reblog", "favourite", "follow"]
    assert found[0].status.id == mention.id and found[0].account.username == "bob"
    assert found[0].pleroma.is_seen is False
    assert [n.type for n in alice.notifications(types=["favourite", "follow"])] == [
        "favourite",
        "follow",
    ]
    assert [n.type for n in alice.notifications(exclude_types=["mention", "reblog"])] == [
        "favourite",
        "follow",
    ]
    assert [n.type for n in alice.notifications(account_id=bob.me().id, limit=1)] == ["mention"]
    first = alice.notifications(limit=2)
    rest = alice.fetch_next(first)
    assert rest is not None and [n.type for n in rest] == ["favourite", "follow"]
    assert alice.notifications(id=found[1].id).type == "reblog"
    alice.notifications_dismiss(found[0].id)
    assert [n.type for n in alice.notifications()] == ["reblog", "favourite", "follow"]
    alice.notifications_clear()
    assert alice.notifications() == []


def test_mastodon_py_saves_and_reads_markers(live_server: str) -> None:
    alice, bob = mastodon_py(live_server, "alice"), mastodon_py(live_server, "bob")
    bob.status_post("@alice one")
    newest = alice.notifications()[0].id
    home = alice.status_post("read up to here").id
    saved = alice.markers_set(["home", "notifications"], [home, newest])
    assert saved.home.last_read_id == home and saved.notifications.last_read_id == newest
    again = alice.markers_set("home", home + "0")
    assert again.home.version == 1
    got = alice.markers_get(["home", "notifications"])
    assert got.home.last_read_id == home + "0"
    assert got.notifications.version == 0
    assert got.notifications.pleroma.unread_count == 1


def latest_position(database: str) -> int:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT max(notification_id) FROM tidings_events").fetchone()
    assert row is not None
    return int(row[0])


Hook = Callable[[psycopg.AsyncConnection[Any]], Awaitable[list[tuple[str, Any]]]]


def _hook(database: str, call: Hook) -> list[tuple[str, dict[str, Any]]]:
    """A streaming hook over a connection set up as the API's pool sets up its own."""

    async def run() -> list[tuple[str, dict[str, Any]]]:
        conn = await psycopg.AsyncConnection.connect(
            database,
            autocommit=True,
            row_factory=dict_row,
            options=f"-c search_path={search_path().replace(' ', '')}",
        )
        async with conn:
            made = await call(conn)
        return [(account_id, msgspec.to_builtins(n)) for account_id, n in made]

    return asyncio.run(run())


def created_for(
    database: str, settings: Settings, position: int
) -> list[tuple[str, dict[str, Any]]]:
    return _hook(database, lambda conn: created_by(conn, position, settings))


def test_the_streaming_hook_renders_what_an_event_made_for_each_recipient(
    client: Client, database: str, settings: Settings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status = post(client, alice, "@bob @carol hello")["id"]
    made = created_for(database, settings, latest_position(database))
    assert sorted((a, n["type"], n["status"]["id"]) for a, n in made) == sorted(
        [(bob.id, "mention", status), (carol.id, "mention", status)]
    )
    listed = client.get("/api/v1/notifications", headers=bob.auth).json()
    assert [n for a, n in made if a == bob.id] == listed
    client.post(f"/api/v1/statuses/{status}/mute", headers=carol.auth)
    follow(client, carol, alice)
    assert [n["type"] for _, n in created_for(database, settings, latest_position(database))] == [
        "follow"
    ]
    # A poll's end is made ahead of time: nothing to stream until it comes.
    post(client, alice, "q", **{"poll[options][]": ["a", "b"], "poll[expires_in]": "3600"})
    assert created_for(database, settings, latest_position(database)) == []


def test_a_rebuilt_read_model_keeps_the_same_ids_and_read_state(
    client: Client, database: str, store: Tidings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    mine = post(client, alice, "mine")["id"]
    poll = post(client, alice, "q", **{"poll[options][]": ["a", "b"], "poll[expires_in]": "60"})
    client.post(
        f"/api/v1/polls/{poll['poll']['id']}/votes", headers=bob.auth, data={"choices[]": "1"}
    )
    client.post(f"/api/v1/statuses/{mine}/favourite", headers=bob.auth)
    client.post(f"/api/v1/statuses/{mine}/reblog", headers=bob.auth)
    client.put(f"/api/v1/statuses/{mine}", headers=alice.auth, data={"status": "edited @bob"})
    for n in range(3):
        post(client, bob, f"@alice {n}")
    ids = [n["id"] for n in client.get("/api/v1/notifications", headers=alice.auth).json()]
    client.post(f"/api/v1/notifications/{ids[0]}/dismiss", headers=alice.auth)
    client.post("/api/v1/pleroma/notifications/read", headers=alice.auth, data={"max_id": ids[2]})
    client.post("/api/v1/notifications/clear", headers=bob.auth)
    client.put(
        "/api/v1/pleroma/notification_settings",
        headers=alice.auth,
        data={"hide_notification_contents": "true"},
    )
    client.post("/api/v1/markers", headers=alice.auth, data={"home[last_read_id]": mine})
    with psycopg.connect(database, autocommit=True) as conn:
        assert verify(conn, store, "notifications") == dict.fromkeys(
            [
                "markers",
                "notification_follows",
                "notification_poll_voters",
                "notification_polls",
                "notification_reblogs",
                "notification_settings",
                "notifications",
                "tracking",
            ],
            0,
        )


def test_polls_ends_come_due_for_streaming_once_they_have_ended(
    client: Client, database: str, settings: Settings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    start = datetime.now(UTC)
    poll = post(client, alice, "q", **{"poll[options][]": ["a", "b"], "poll[expires_in]": "2"})
    voted = client.post(
        f"/api/v1/polls/{poll['poll']['id']}/votes", headers=bob.auth, data={"choices[]": "0"}
    )
    assert voted.status_code == 200, voted.text
    assert created_for(database, settings, latest_position(database)) == []
    before = datetime.now(UTC)
    assert _hook(database, lambda conn: came_due(conn, start, before, settings)) == []
    deadline = time.monotonic() + 10
    while datetime.now(UTC) <= datetime.fromisoformat(poll["poll"]["expires_at"]):
        assert time.monotonic() < deadline
        time.sleep(0.2)
    due = _hook(database, lambda conn: came_due(conn, before, datetime.now(UTC), settings))
    assert sorted((a, n["type"], n["status"]["id"]) for a, n in due) == sorted(
        [(alice.id, "poll", poll["id"]), (bob.id, "poll", poll["id"])]
    )


def test_the_unread_count_counts_what_the_list_shows_unread(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    for n in range(3):
        post(client, bob, f"@alice {n}")
    newest = client.get("/api/v1/notifications", headers=alice.auth).json()[1]["id"]
    client.post("/api/v1/pleroma/notifications/read", headers=alice.auth, data={"max_id": newest})
    counted = client.get("/api/v1/notifications/unread_count", headers=alice.auth)
    assert counted.status_code == 200 and counted.json() == {"count": 1}
