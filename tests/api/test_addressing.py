"""Whom a post goes to: Pleroma's ``to`` instead of the mentioned, local-only posts, and
posts to a list's members; each checked for every kind of reader on every read path."""

from typing import Any

import psycopg

from tests.api.test_lists import add, make_list
from tests.api.test_statuses import follow, post
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify

Readers = dict[str, dict[str, str]]


def _shown(client: Client, status_id: str, readers: Readers) -> set[str]:
    return {
        name
        for name, headers in readers.items()
        if client.get(f"/api/v1/statuses/{status_id}", headers=headers).status_code == 200
    }


def _home(client: Client, user: User) -> list[str]:
    response = client.get("/api/v1/timelines/home", headers=user.auth)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def _public(client: Client, headers: dict[str, str]) -> list[str]:
    return [s["id"] for s in client.get("/api/v1/timelines/public", headers=headers).json()]


def _context(client: Client, status_id: str, headers: dict[str, str]) -> list[str]:
    response = client.get(f"/api/v1/statuses/{status_id}/context", headers=headers)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()["descendants"]]


def test_to_addresses_the_named_instead_of_the_mentioned(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    response = client.post(
        "/api/v1/statuses",
        headers=alice.auth,
        json={
            "status": "for you, not @carol",
            "visibility": "direct",
            "to": ["bob@testserver.local", "ghost", "carol@elsewhere.example"],
        },
    )
    assert response.status_code == 200, response.text
    status = response.json()
    # carol is still linked in the text, but only bob is addressed.
    assert 'data-user="' + carol.id + '"' in status["content"]
    assert [m["id"] for m in status["mentions"]] == [carol.id, bob.id]
    readers = {"alice": alice.auth, "bob": bob.auth, "carol": carol.auth, "visitor": {}}
    assert _shown(client, status["id"], readers) == {"alice", "bob"}
    assert status["id"] in _home(client, bob)
    assert status["id"] not in _home(client, carol)
    # Only unknown names: addressed to no one but the author.
    alone = post(client, alice, "@bob hello?", visibility="direct", **{"to[]": "ghost"})
    assert _shown(client, alone["id"], readers) == {"alice"}
    assert alone["id"] not in _home(client, bob)
    # One name as a plain form field, as some clients send it.
    single = post(client, alice, "psst", visibility="direct", to="carol")
    assert _shown(client, single["id"], readers) == {"alice", "carol"}


def test_local_posts_are_for_signed_in_readers_of_this_instance_only(client: Client) -> None:
    alice, follower, stranger = (client.register(n) for n in ("alice", "follower", "stranger"))
    follow(client, follower, alice)
    parent = post(client, alice, "open question")
    local = post(client, alice, "only here", visibility="local", in_reply_to_id=parent["id"])
    assert local["visibility"] == "local"
    readers = {"alice": alice.auth, "follower": follower.auth, "stranger": stranger.auth}
    assert _shown(client, local["id"], {**readers, "visitor": {}}) == set(readers)
    assert local["id"] in _home(client, follower)
    assert local["id"] not in _home(client, stranger)
    assert local["id"] in _public(client, stranger.auth)
    assert local["id"] not in _public(client, {})
    assert _context(client, parent["id"], stranger.auth) == [local["id"]]
    assert _context(client, parent["id"], {}) == []


def test_a_list_post_reaches_the_lists_members_and_no_one_else(
    client: Client, database: str, store: Tidings
) -> None:
    alice, member, follower, stranger = (
        client.register(n) for n in ("alice", "member", "follower", "stranger")
    )
    follow(client, alice, member)
    follow(client, follower, alice)
    follow(client, member, alice)
    friends = make_list(client, alice)
    add(client, alice, friends["id"], member)
    parent = post(client, alice, "open question")
    status = post(
        client,
        alice,
        "just for the list",
        visibility=f"list:{friends['id']}",
        in_reply_to_id=parent["id"],
    )
    assert status["visibility"] == "list"
    assert status["mentions"] == []  # members are the audience, not mentioned
    readers = {
        "alice": alice.auth,
        "member": member.auth,
        "follower": follower.auth,
        "stranger": stranger.auth,
        "visitor": {},
    }
    assert _shown(client, status["id"], readers) == {"alice", "member"}
    assert status["id"] in _home(client, alice)
    assert status["id"] in _home(client, member)
    assert status["id"] not in _home(client, follower)
    for headers in readers.values():
        assert status["id"] not in _public(client, headers)
    for name, headers in readers.items():
        expected = [status["id"]] if name in ("alice", "member") else []
        assert _context(client, parent["id"], headers) == expected, name
    # A later follow does not backfill it; the follower never was its audience.
    newcomer = client.register("newcomer")
    follow(client, newcomer, alice)
    assert status["id"] not in _home(client, newcomer)
    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("statuses", "home_timeline", "lists"):
            assert set(verify(conn, store, name).values()) == {0}, name


def test_list_visibility_is_only_for_the_owners_own_lists(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    theirs = make_list(client, bob)
    gone = make_list(client, alice, "gone")
    assert client.delete(f"/api/v1/lists/{gone['id']}", headers=alice.auth).status_code == 200
    before = event_count(db)
    for visibility in (
        f"list:{theirs['id']}",
        f"list:{gone['id']}",
        "list:not-an-id",
        "list:",
        f"list:{'9' * 18}",
    ):
        for extra in ({}, {"preview": "true"}):
            response = client.post(
                "/api/v1/statuses",
                headers=alice.auth,
                data={"status": "hi", "visibility": visibility, **extra},
            )
            assert response.status_code == 404, (visibility, response.text)
            assert response.json() == {"error": "Record not found"}
    refused = client.post(
        "/api/v1/statuses", headers=alice.auth, data={"status": "hi", "visibility": "lists"}
    )
    assert refused.status_code == 422
    assert event_count(db) == before
