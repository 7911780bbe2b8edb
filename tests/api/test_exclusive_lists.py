"""Exclusive lists (Mastodon 4.2): what a member of one of the reader's exclusive lists
posts or reblogs shows in that list and not in the reader's home. Decided when a post is
fanned out, as on Mastodon: changing the list later changes where later posts go, and
leaves the home as it is."""

from typing import Any

import psycopg

from tests.api.test_lists import _reblogs_option, add, make_list, remove
from tests.api.test_reblogs import reblog
from tests.api.test_statuses import follow, post
from tests.api.test_timelines import timeline
from tests.helpers import Client
from tidings.domain.application import Tidings
from tidings.projections.rebuild import rebuild, verify


def test_an_exclusive_lists_members_skip_the_owners_home_from_then_on(
    client: Client, database: str, store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    erin = client.register("erin")
    for friend in (bob, carol):
        follow(client, alice, friend)
    before = post(client, bob, "before")["id"]
    close = make_list(client, alice, "close", exclusive="true")["id"]
    add(client, alice, close, bob)
    assert timeline(client, "home", alice) == [before]  # what was there stays

    hidden = post(client, bob, "in the list only")["id"]
    boosted = reblog(client, bob, post(client, erin, "erin's")["id"])["id"]
    mention = post(client, bob, f"@{alice.username} hi", visibility="direct")["id"]
    by_carol = reblog(client, carol, hidden)["id"]  # carol is no member: her reblog shows
    assert timeline(client, f"list/{close}", alice) == [boosted, hidden, before]
    assert timeline(client, "home", alice) == [by_carol, before]
    assert mention in timeline(client, "direct", alice)
    assert timeline(client, "home", bob)[:2] == [mention, boosted]  # bob's own home is his
    # New follow options bring back recent posts, but none an exclusive list holds.
    _reblogs_option(client, alice, bob, shown=False)
    _reblogs_option(client, alice, bob, shown=True)
    assert timeline(client, "home", alice) == [by_carol, before]

    # No longer exclusive: later posts reach the home, the earlier ones stay out.
    client.put(f"/api/v1/lists/{close}", headers=alice.auth, json={"exclusive": False})
    shown = post(client, bob, "shown")["id"]
    assert timeline(client, "home", alice) == [shown, by_carol, before]
    client.put(f"/api/v1/lists/{close}", headers=alice.auth, json={"exclusive": True})
    post(client, bob, "hidden again")
    # Another, plain list holding bob changes nothing; leaving the exclusive one does.
    add(client, alice, make_list(client, alice, "plain")["id"], bob)
    assert timeline(client, "home", alice) == [shown, by_carol, before]
    remove(client, alice, close, bob)
    back = post(client, bob, "back")["id"]
    assert timeline(client, "home", alice)[0] == back

    # Deleting the list, or unfollowing (which takes bob out of it), frees him too.
    add(client, alice, close, bob)
    post(client, bob, "hidden once more")
    client.delete(f"/api/v1/lists/{close}", headers=alice.auth)
    freed = post(client, bob, "freed")["id"]
    assert timeline(client, "home", alice)[0] == freed
    other = make_list(client, alice, "other", replies_policy="none", exclusive="true")["id"]
    add(client, alice, other, bob)
    client.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.auth)
    follow(client, alice, bob)
    refollowed = post(client, bob, "after a new follow")["id"]
    assert timeline(client, "home", alice)[0] == refollowed

    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("home_timeline", "lists"):
            assert set(verify(conn, store, name).values()) == {0}, name
        home = timeline(client, "home", alice)
        rebuild(conn, store, "home_timeline")
        assert timeline(client, "home", alice) == home


def test_an_exclusive_list_hides_nothing_from_other_readers(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, alice, bob)
    follow(client, carol, bob)
    add(client, alice, make_list(client, alice, "close", exclusive="true")["id"], bob)
    posted = post(client, bob, "hello")["id"]
    assert timeline(client, "home", carol) == [posted]
    assert timeline(client, "home", alice) == []
    assert db.execute(
        "SELECT count(*) FROM home_timeline.home_timeline WHERE status_id = %s", (posted,)
    ).fetchone() == (2,)  # bob's own and carol's
