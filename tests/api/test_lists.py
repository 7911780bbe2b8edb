"""Lists: their owner alone sees and changes them, members must be followed, and the list
timeline shows what members post that the owner may see."""

from typing import Any

import psycopg

from tests.api.test_blocks import block
from tests.api.test_follows import lock
from tests.api.test_reblogs import reblog
from tests.api.test_statuses import follow, post, scoped_auth
from tests.api.test_timelines import _link, timeline
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.domain.ids import new_id
from tidings.projections.rebuild import verify


def make_list(client: Client, user: User, title: str = "friends", **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/lists", headers=user.auth, data={"title": title, **extra})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def add(client: Client, user: User, list_id: str, *members: User) -> None:
    response = client.post(
        f"/api/v1/lists/{list_id}/accounts",
        headers=user.auth,
        data={"account_ids[]": [m.id for m in members]},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {}


def remove(client: Client, user: User, list_id: str, *members: User) -> None:
    response = client.http.request(
        "DELETE",
        f"/api/v1/lists/{list_id}/accounts",
        headers=user.auth,
        params={"account_ids[]": [m.id for m in members]},
    )
    assert response.status_code == 200, response.text


def member_ids(client: Client, user: User, list_id: str, **query: Any) -> list[str]:
    response = client.get(f"/api/v1/lists/{list_id}/accounts", headers=user.auth, params=query)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()]


def test_an_owner_creates_renames_and_deletes_lists_no_one_else_sees(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    created = make_list(client, alice, "friends")
    assert created == {
        "id": created["id"],
        "title": "friends",
        "replies_policy": "list",
        "exclusive": False,
    }
    other = make_list(client, alice, "work", replies_policy="none", exclusive="true")
    assert (other["replies_policy"], other["exclusive"]) == ("none", True)
    listed = client.get("/api/v1/lists", headers=alice.auth).json()
    assert [item["id"] for item in listed] == [created["id"], other["id"]]

    path = f"/api/v1/lists/{created['id']}"
    updated = client.put(
        path, headers=alice.auth, json={"title": "close friends", "replies_policy": "followed"}
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["title"] == "close friends"
    assert client.get(path, headers=alice.auth).json()["replies_policy"] == "followed"

    before = event_count(db)
    assert client.get("/api/v1/lists", headers=bob.auth).json() == []
    for method in ("GET", "PUT", "DELETE"):
        response = client.http.request(method, path, headers=bob.auth, json={"title": "mine"})
        assert response.status_code == 404, (method, response.text)
        assert response.json() == {"error": "Record not found"}
    for sub in ("accounts", "../../timelines/list/" + created["id"]):
        assert client.get(f"{path}/{sub}", headers=bob.auth).status_code == 404
    assert event_count(db) == before

    assert client.delete(path, headers=alice.auth).json() == {}
    assert client.get(path, headers=alice.auth).status_code == 404
    assert [item["id"] for item in client.get("/api/v1/lists", headers=alice.auth).json()] == [
        other["id"]
    ]


def test_only_followed_accounts_join_and_members_page_with_links(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    others = [client.register(f"friend{n}") for n in range(3)]
    stranger = client.register("stranger")
    listed = make_list(client, alice)["id"]
    for friend in others:
        follow(client, alice, friend)

    before = event_count(db)
    refused = client.post(
        f"/api/v1/lists/{listed}/accounts",
        headers=alice.auth,
        data={"account_ids[]": [others[0].id, stranger.id]},
    )
    assert refused.status_code == 422
    assert "follow" in refused.json()["error"]
    assert event_count(db) == before and member_ids(client, alice, listed) == []

    add(client, alice, listed, *others)
    add(client, alice, listed, others[0])  # already there: nothing changes
    ids = sorted(f.id for f in others)
    assert member_ids(client, alice, listed) == ids[::-1]
    first = client.get(f"/api/v1/lists/{listed}/accounts", headers=alice.auth, params={"limit": 2})
    assert [a["id"] for a in first.json()] == [ids[2], ids[1]]
    assert first.json()[0]["username"].startswith("friend")
    next_query = _link(first, "next")
    assert next_query["max_id"] == [ids[1]]
    assert member_ids(client, alice, listed, limit=2, max_id=ids[1]) == [ids[0]]

    of_friend = client.get(f"/api/v1/accounts/{others[0].id}/lists", headers=alice.auth)
    assert [item["id"] for item in of_friend.json()] == [listed]
    assert client.get(f"/api/v1/accounts/{stranger.id}/lists", headers=alice.auth).json() == []

    remove(client, alice, listed, others[0])
    assert others[0].id not in member_ids(client, alice, listed)
    assert client.get(f"/api/v1/accounts/{others[0].id}/lists", headers=alice.auth).json() == []


def test_list_timeline_shows_what_members_post_that_the_owner_may_see(
    client: Client, db: psycopg.Connection[Any], store: Tidings
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    dave = client.register("dave")
    for friend in (bob, carol, dave):
        follow(client, alice, friend)
    early = post(client, bob, "before joining")["id"]
    listed = make_list(client, alice)["id"]
    add(client, alice, listed, bob, dave)
    assert timeline(client, f"list/{listed}", alice) == [early]  # backfilled

    posted = {v: post(client, bob, v, visibility=v)["id"] for v in ("public", "unlisted")}
    posted["private"] = post(client, bob, "followers only", visibility="private")["id"]
    post(client, bob, "@alice just us", visibility="direct")
    post(client, carol, "not a member")
    dave_public = post(client, dave, "dave in public")["id"]
    dave_private = post(client, dave, "dave's followers", visibility="private")["id"]
    shown = timeline(client, f"list/{listed}", alice)
    assert shown == sorted([early, *posted.values(), dave_public, dave_private], reverse=True)
    assert set(
        timeline(client, f"list/{listed}", alice, **{"exclude_visibilities[]": "private"})
    ) == {early, posted["public"], posted["unlisted"], dave_public}

    deleted = client.delete(f"/api/v1/statuses/{posted['unlisted']}", headers=bob.auth)
    assert deleted.status_code == 200
    remove(client, alice, listed, dave)
    assert timeline(client, f"list/{listed}", alice) == sorted(
        [early, posted["public"], posted["private"]], reverse=True
    )

    page = client.get(f"/api/v1/timelines/list/{listed}", headers=alice.auth, params={"limit": 2})
    newest = sorted([early, posted["public"], posted["private"]], reverse=True)
    assert [s["id"] for s in page.json()] == newest[:2]
    assert _link(page, "next")["max_id"] == [newest[1]]
    assert timeline(client, f"list/{listed}", alice, max_id=newest[1]) == newest[2:]
    assert timeline(client, f"list/{listed}", alice, min_id=newest[2], limit=1) == [newest[1]]

    client.delete(f"/api/v1/lists/{make_list(client, alice, 'gone')['id']}", headers=alice.auth)
    assert set(verify(db, store, "lists").values()) == {0}


def test_replies_follow_the_lists_policy(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    erin = client.register("erin")
    follow(client, alice, bob)
    follow(client, alice, carol)
    listed = make_list(client, alice)["id"]
    add(client, alice, listed, bob)
    to_carol = post(client, carol, "hi")["id"]
    to_erin = post(client, erin, "hello")["id"]
    reply_carol = post(client, bob, "@carol yes", in_reply_to_id=to_carol)["id"]
    reply_erin = post(client, bob, "@erin yes", in_reply_to_id=to_erin)["id"]
    path = f"list/{listed}"
    assert timeline(client, path, alice) == []  # "list": only replies to members
    add(client, alice, listed, carol)
    assert reply_carol in timeline(client, path, alice)
    remove(client, alice, listed, carol)
    client.put(f"/api/v1/lists/{listed}", headers=alice.auth, json={"replies_policy": "followed"})
    assert timeline(client, path, alice) == [reply_carol]
    client.put(f"/api/v1/lists/{listed}", headers=alice.auth, json={"replies_policy": "none"})
    assert timeline(client, path, alice) == []
    assert reply_erin not in timeline(client, path, alice)


def test_bad_list_input_is_refused_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    follow(client, alice, bob)
    listed = make_list(client, alice)["id"]
    read_only = scoped_auth(client, alice, "read")
    write_only = scoped_auth(client, alice, "write")
    before = event_count(db)
    refused = [
        client.post("/api/v1/lists", headers=alice.auth, data={}),
        client.post("/api/v1/lists", headers=alice.auth, data={"title": "   "}),
        client.post("/api/v1/lists", headers=alice.auth, data={"title": "x" * 256}),
        client.post(
            "/api/v1/lists", headers=alice.auth, data={"title": "ok", "replies_policy": "all"}
        ),
        client.put(f"/api/v1/lists/{listed}", headers=alice.auth, json={"title": ""}),
        client.get(f"/api/v1/lists/{new_id()}", headers=alice.auth),
        client.get("/api/v1/lists/not-a-list!", headers=alice.auth),
        client.delete("/api/v1/lists/not-a-list!", headers=alice.auth),
        client.get("/api/v1/timelines/list/not-a-list!", headers=alice.auth),
        client.post(f"/api/v1/lists/{listed}/accounts", headers=alice.auth, data={}),
        client.post(
            f"/api/v1/lists/{listed}/accounts",
            headers=alice.auth,
            data={"account_ids[]": [new_id()]},
        ),
        client.post(
            f"/api/v1/lists/{listed}/accounts",
            headers=alice.auth,
            data={"account_ids[]": ["bogus!"]},
        ),
    ]
    codes = [r.status_code for r in refused]
    assert codes == [422, 422, 422, 422, 422, 404, 404, 404, 404, 422, 404, 404]
    assert all(r.json()["error"] for r in refused)
    assert "too long" in refused[2].json()["error"]
    assert event_count(db) == before

    assert client.post("/api/v1/lists", headers=read_only, data={"title": "x"}).status_code == 403
    assert client.get("/api/v1/lists", headers=write_only).status_code == 403
    assert client.get(f"/api/v1/timelines/list/{listed}", headers=write_only).status_code == 403
    assert client.get("/api/v1/lists").status_code == 401
    assert event_count(db) == before


def _reblogs_option(client: Client, follower: User, followed: User, shown: bool) -> None:
    response = client.post(
        f"/api/v1/accounts/{followed.id}/follow",
        headers=follower.auth,
        data={"reblogs": "true" if shown else "false"},
    )
    assert response.status_code == 200, response.text


def test_members_reblogs_reach_the_list_as_they_reach_the_home(
    client: Client, db: psycopg.Connection[Any], store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    erin = client.register("erin")
    for friend in (bob, carol):
        follow(client, alice, friend)
    listed = make_list(client, alice)["id"]
    add(client, alice, listed, bob)
    path = f"list/{listed}"

    news = post(client, erin, "news")["id"]
    boosted = reblog(client, bob, news)["id"]
    reblog(client, carol, news)  # carol is no member
    page = client.get(f"/api/v1/timelines/{path}", headers=alice.auth).json()
    assert [(s["id"], s["reblog"]["id"]) for s in page] == [(boosted, news)]
    assert page[0]["account"]["id"] == bob.id

    # Never a reblog of the owner's own post, nor one of a post the list already holds.
    reblog(client, bob, post(client, alice, "mine")["id"])
    add(client, alice, listed, carol)
    by_carol = post(client, carol, "carol's")["id"]
    reblog(client, bob, by_carol)
    assert timeline(client, path, alice) == [by_carol, boosted]

    # Hiding bob's reblogs takes them out; showing them brings the recent ones back.
    _reblogs_option(client, alice, bob, shown=False)
    assert timeline(client, path, alice) == [by_carol]
    later = reblog(client, bob, post(client, erin, "later")["id"])["id"]
    assert timeline(client, path, alice) == [by_carol]
    _reblogs_option(client, alice, bob, shown=True)
    assert timeline(client, path, alice) == [later, by_carol, boosted]

    # Unreblogged, or its original deleted: gone from the list.
    client.post(f"/api/v1/statuses/{news}/unreblog", headers=bob.auth)
    assert timeline(client, path, alice) == [later, by_carol]
    gone = client.get(f"/api/v1/statuses/{later}").json()["reblog"]["id"]
    assert client.delete(f"/api/v1/statuses/{gone}", headers=erin.auth).status_code == 200
    assert timeline(client, path, alice) == [by_carol]

    # A member joining brings their recent reblogs along, as a new follow does.
    dave = client.register("dave")
    follow(client, alice, dave)
    again = reblog(client, dave, post(client, erin, "again")["id"])["id"]
    other = make_list(client, alice, "dave")["id"]
    add(client, alice, other, dave)
    assert timeline(client, f"list/{other}", alice) == [again]
    remove(client, alice, other, dave)
    assert timeline(client, f"list/{other}", alice) == []
    assert set(verify(db, store, "lists").values()) == {0}


def test_a_reblog_is_shown_in_a_list_only_where_its_original_may_be_seen(client: Client) -> None:
    alice, bob, erin = client.register("alice"), client.register("bob"), client.register("erin")
    follow(client, alice, bob)
    listed = make_list(client, alice)["id"]
    add(client, alice, listed, bob)
    # Only its author may reblog a private post: bob's own, shown as alice follows him.
    private = post(client, bob, "followers", visibility="private")["id"]
    own = reblog(client, bob, private)
    assert own["visibility"] == "private"
    assert timeline(client, f"list/{listed}", alice) == [private]  # the original, once
    public = post(client, erin, "public")["id"]
    boosted = reblog(client, bob, public, visibility="unlisted")["id"]
    assert timeline(client, f"list/{listed}", alice) == [boosted, private]
    assert timeline(client, f"list/{listed}", alice, **{"exclude_visibilities[]": "unlisted"}) == [
        private
    ]


def test_unfollowing_takes_the_account_out_of_the_followers_lists(
    client: Client, db: psycopg.Connection[Any], store: Tidings, database: str
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    for friend in (bob, carol):
        follow(client, alice, friend)
    follow(client, carol, bob)
    first, second = make_list(client, alice, "one")["id"], make_list(client, alice, "two")["id"]
    theirs = make_list(client, carol, "carol's")["id"]
    add(client, alice, first, bob, carol)
    add(client, alice, second, bob)
    add(client, carol, theirs, bob)
    public = post(client, bob, "public")["id"]
    reblogged = reblog(client, bob, post(client, carol, "boost me")["id"])["id"]
    by_carol = client.get(f"/api/v1/statuses/{reblogged}").json()["reblog"]["id"]
    events_before = event_count(db)

    assert client.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.auth).status_code == 200
    for listed in (first, second):
        assert bob.id not in member_ids(client, alice, listed)
    assert member_ids(client, alice, first) == [carol.id]
    assert client.get(f"/api/v1/accounts/{bob.id}/lists", headers=alice.auth).json() == []
    assert timeline(client, f"list/{first}", alice) == [by_carol]  # all bob put there left
    assert timeline(client, f"list/{second}", alice) == []
    assert member_ids(client, carol, theirs) == [bob.id]  # only the unfollower's lists
    assert public in timeline(client, f"list/{theirs}", carol)
    # Derived from the Undo: the lists' streams record nothing more.
    assert event_count(db) == events_before + 1

    # Following again does not bring bob back into the lists; adding him again does.
    follow(client, alice, bob)
    assert bob.id not in member_ids(client, alice, second)
    assert timeline(client, f"list/{second}", alice) == []
    add(client, alice, second, bob)
    assert member_ids(client, alice, second) == [bob.id]
    assert timeline(client, f"list/{second}", alice) == [reblogged, public]

    # A list post reaches the members of the moment: not one whose follow ended.
    client.post(f"/api/v1/accounts/{bob.id}/unfollow", headers=alice.auth)
    listed_post = post(client, alice, "for the list", visibility=f"list:{second}")["id"]
    assert client.get(f"/api/v1/statuses/{listed_post}", headers=bob.auth).status_code == 404
    assert listed_post not in timeline(client, "home", bob)

    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("lists", "home_timeline"):
            assert set(verify(conn, store, name).values()) == {0}, name


def test_a_removal_from_followers_or_a_block_ends_membership_and_a_request_must_be_accepted(
    client: Client, db: psycopg.Connection[Any], store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    dave = client.register("dave")
    for friend in (bob, carol):
        follow(client, alice, friend)
    listed = make_list(client, alice)["id"]
    add(client, alice, listed, bob, carol)
    post(client, bob, "bob's")
    by_carol = post(client, carol, "carol's")["id"]

    # bob removes alice from his followers (a Reject on her follow's stream).
    removed = client.post(f"/api/v1/accounts/{alice.id}/remove_from_followers", headers=bob.auth)
    assert removed.status_code == 200, removed.text
    assert member_ids(client, alice, listed) == [carol.id]
    assert timeline(client, f"list/{listed}", alice) == [by_carol]
    # carol blocks alice: the block ends alice's follow of her, and the membership with it.
    assert block(client, carol, alice)["blocking"] is True
    assert member_ids(client, alice, listed) == []
    assert timeline(client, f"list/{listed}", alice) == []

    # A follow request is no follow: dave joins only once he accepts it.
    lock(client, dave)
    follow(client, alice, dave)
    before = event_count(db)
    refused = client.post(
        f"/api/v1/lists/{listed}/accounts", headers=alice.auth, data={"account_ids[]": dave.id}
    )
    assert refused.status_code == 422 and event_count(db) == before
    private = post(client, dave, "followers only", visibility="private")["id"]
    accepted = client.post(f"/api/v1/follow_requests/{alice.id}/authorize", headers=dave.auth)
    assert accepted.status_code == 200, accepted.text
    add(client, alice, listed, dave)
    assert timeline(client, f"list/{listed}", alice) == [private]
    assert set(verify(db, store, "lists").values()) == {0}
