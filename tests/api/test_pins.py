"""Pinned statuses: only one's own, never direct ones nor reblogs, at most the instance's
limit, shown as pinned to the author alone, and left behind when a status is deleted."""

import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from tests.api.test_favourites import act
from tests.api.test_statuses import post, scoped_auth
from tests.helpers import Client, User, event_count, eventually
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.domain.ids import flake_at
from tidings.domain.pins.aggregates import pins_stream
from tidings.projections import statuses
from tidings.projections.rebuild import verify
from tidings.workers.app import build_app
from tidings.workers.jobs import Clock

LIMIT = 3


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[Client]:
    """The app with a small pin limit, so reaching it takes few posts."""
    limited = dataclasses.replace(settings, max_pinned_statuses=LIMIT)
    app = build_app(limited, clock=clock)
    with TestClient(app=app, base_url="http://testserver.local") as test_client:
        yield Client(test_client)


def pin(client: Client, user: User, status_id: str) -> dict[str, Any]:
    return act(client, user, status_id, "pin")


class Window:
    """The newest pins first, as a client's first page asks."""

    limit = 40

    def where(self, column: str) -> tuple[str, list[Any], str]:
        return f"{column} > %s", [flake_at(0)], "DESC"


def pinned_ids(client: Client, account: User) -> list[str]:
    """The account's pinned statuses as other code reads them (``pinned_page``)."""
    svc = client.http.app.state.services

    async def read() -> list[str]:
        async with svc.pool.connection() as conn:
            return [r["id"] for r in await statuses.pinned_page(conn, account.id, Window())]

    ids: list[str] = client.http.blocking_portal.call(read)
    return ids


def test_pinning_shows_pinned_to_the_author_and_pinned_at_to_everyone(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status_id = post(client, alice, "featured")["id"]
    pinned = pin(client, alice, status_id)
    assert pinned["pinned"] is True and pinned["pleroma"]["pinned_at"] is not None
    before = event_count(db)
    again = pin(client, alice, status_id)
    assert event_count(db) == before  # pinning twice records nothing
    assert again["pleroma"]["pinned_at"] == pinned["pleroma"]["pinned_at"]
    by_bob = client.get(f"/api/v1/statuses/{status_id}", headers=bob.auth).json()
    assert by_bob["pinned"] is False
    assert by_bob["pleroma"]["pinned_at"] == pinned["pleroma"]["pinned_at"]
    visitor = client.get(f"/api/v1/statuses/{status_id}").json()
    assert (visitor["pinned"], visitor["pleroma"]["pinned_at"]) == (
        False,
        pinned["pleroma"]["pinned_at"],
    )
    unpinned = act(client, alice, status_id, "unpin")
    assert (unpinned["pinned"], unpinned["pleroma"]["pinned_at"]) == (False, None)
    before = event_count(db)
    assert act(client, alice, status_id, "unpin")["pinned"] is False
    assert event_count(db) == before  # unpinning what is not pinned records nothing


def test_pinned_statuses_list_newest_pin_first(client: Client) -> None:
    alice = client.register("alice")
    posted = [post(client, alice, f"post {n}")["id"] for n in range(3)]
    for status_id in (posted[1], posted[0], posted[2]):
        pin(client, alice, status_id)
    assert pinned_ids(client, alice) == [posted[2], posted[0], posted[1]]
    act(client, alice, posted[0], "unpin")
    pin(client, alice, posted[0])  # a pin made again goes to the top
    assert pinned_ids(client, alice) == [posted[0], posted[2], posted[1]]


def test_at_most_the_limit_is_pinned_and_the_instance_says_so(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    posted = [post(client, alice, f"post {n}")["id"] for n in range(LIMIT + 1)]
    for status_id in posted[:LIMIT]:
        pin(client, alice, status_id)
    before = event_count(db)
    refused = client.post(f"/api/v1/statuses/{posted[LIMIT]}/pin", headers=alice.auth)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "Validation failed: You have already pinned the maximum number of posts"
    }
    assert event_count(db) == before
    assert pin(client, alice, posted[0])["pinned"] is True  # one already pinned is no new pin
    act(client, alice, posted[0], "unpin")
    assert pin(client, alice, posted[LIMIT])["pinned"] is True
    instance = client.get("/api/v2/instance").json()
    assert instance["configuration"]["accounts"]["max_pinned_statuses"] == LIMIT


def test_a_deleted_status_leaves_the_pins_and_frees_its_place(
    client: Client, db: psycopg.Connection[Any], database: str, store: Tidings
) -> None:
    alice = client.register("alice")
    posted = [post(client, alice, f"post {n}")["id"] for n in range(LIMIT + 1)]
    for status_id in posted[:LIMIT]:
        pin(client, alice, status_id)
    assert client.delete(f"/api/v1/statuses/{posted[1]}", headers=alice.auth).status_code == 200
    assert posted[1] not in pinned_ids(client, alice)
    # The log says it left the featured collection, so it no longer counts against the limit.
    removes = [type(e).__name__ for e in store.stream_events(pins_stream(alice.id))]
    assert removes == ["Add"] * LIMIT + ["Remove"]
    assert pin(client, alice, posted[LIMIT])["pinned"] is True
    assert pinned_ids(client, alice) == [posted[LIMIT], posted[2], posted[0]]
    assert db.execute(
        "SELECT count(*) FROM statuses.pinned_statuses WHERE status_id = %s", (posted[1],)
    ).fetchone() == (0,)
    with psycopg.connect(database, autocommit=True) as conn:
        assert set(verify(conn, store, "statuses").values()) == {0}


def test_an_expired_status_leaves_the_pins_too(
    client: Client, clock: Clock, store: Tidings
) -> None:
    alice = client.register("alice")
    short = post(client, alice, "for an hour", expires_in="3600")["id"]
    kept = post(client, alice, "for good")["id"]
    pin(client, alice, short)
    pin(client, alice, kept)
    clock.advance(timedelta(hours=2))
    eventually(lambda: client.get(f"/api/v1/statuses/{short}").status_code == 404)
    assert pinned_ids(client, alice) == [kept]
    assert [type(e).__name__ for e in store.stream_events(pins_stream(alice.id))] == [
        "Add",
        "Add",
        "Remove",
    ]


def test_only_ones_own_statuses_are_pinned_and_never_direct_ones_nor_reblogs(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    theirs = post(client, bob, "bob's")["id"]
    direct = post(client, alice, "@bob psst", visibility="direct")["id"]
    hidden = post(client, bob, "bob's friends", visibility="private")["id"]
    boosted = act(client, alice, theirs, "reblog")["id"]
    own_boost = act(client, alice, post(client, alice, "mine")["id"], "reblog")["id"]
    reading = scoped_auth(client, alice, "read write:statuses")
    before = event_count(db)
    for status_id, code, error in (
        (theirs, 422, "Validation failed: Someone else's post cannot be pinned"),
        (
            direct,
            422,
            "Validation failed: Posts that are only visible to mentioned users cannot be pinned",
        ),
        (boosted, 422, "Validation failed: A boost cannot be pinned"),
        (own_boost, 422, "Validation failed: A boost cannot be pinned"),
        (hidden, 404, "Record not found"),
        ("0000000000000000zz", 404, "Record not found"),
        ("not-an-id!", 404, "Record not found"),
    ):
        response = client.post(f"/api/v1/statuses/{status_id}/pin", headers=alice.auth)
        assert response.status_code == code, (status_id, response.text)
        assert response.json() == {"error": error}
    assert event_count(db) == before
    mine = post(client, alice, "scoped")["id"]
    before = event_count(db)
    for action in ("pin", "unpin"):  # Mastodon asks for write:accounts
        response = client.post(f"/api/v1/statuses/{mine}/{action}", headers=reading)
        assert response.status_code == 403 and "error" in response.json()
        assert client.post(f"/api/v1/statuses/{mine}/{action}").status_code == 401
    # Unpinning someone else's status changes nothing and says so plainly.
    assert act(client, alice, theirs, "unpin")["pinned"] is False
    assert event_count(db) == before
    private = post(client, alice, "friends only", visibility="private")["id"]
    assert pin(client, alice, private)["pinned"] is True  # Mastodon 3.5 allows it


def test_account_statuses_pinned_lists_pins_by_pin_and_hides_what_the_reader_may_not_see(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    public = post(client, alice, "for all")["id"]
    private = post(client, alice, "for followers", visibility="private")["id"]
    post(client, alice, "not pinned")
    pin(client, alice, private)
    pin(client, alice, public)
    url = f"/api/v1/accounts/{alice.id}/statuses?pinned=true"
    mine = client.get(url, headers=alice.auth)
    assert [s["id"] for s in mine.json()] == [public, private]
    assert all(s["pinned"] for s in mine.json())
    assert 'rel="next"' in mine.headers["link"]
    assert [s["id"] for s in client.get(url).json()] == [public]  # a visitor
    assert [s["id"] for s in client.get(url, headers=bob.auth).json()] == [public]


def test_account_statuses_exclude_reblogs_keeps_the_accounts_own_posts(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    theirs = post(client, bob, "boost me")["id"]
    own = post(client, alice, "my own")["id"]
    reblog = act(client, alice, theirs, "reblog")["id"]
    url = f"/api/v1/accounts/{alice.id}/statuses"
    assert [s["id"] for s in client.get(url).json()] == [reblog, own]
    assert [s["id"] for s in client.get(f"{url}?exclude_reblogs=true").json()] == [own]
