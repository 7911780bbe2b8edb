"""Home and public timelines: who sees what, and paging through them."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg

from tests.api.test_statuses import VISIBILITIES, follow, post
from tests.helpers import Client, User, event_count


def timeline(client: Client, path: str, user: User | None = None, **query: Any) -> list[str]:
    response = client.get(
        f"/api/v1/timelines/{path}", headers=user.auth if user else {}, params=query
    )
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def test_home_shows_followed_posts_including_private_ones_until_unfollow(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    dave = client.register("dave")
    before = {v: post(client, alice, v, visibility=v)["id"] for v in VISIBILITIES}
    follow(client, bob, alice)
    after = {v: post(client, alice, f"{v} again", visibility=v)["id"] for v in VISIBILITIES}
    to_bob = post(client, alice, "@bob just you", visibility="direct")["id"]
    strangers = post(client, dave, "dave's friends only", visibility="private")["id"]

    home = timeline(client, "home", bob)
    followed = [s[v] for s in (before, after) for v in ("public", "unlisted", "private")]
    assert set(home) == {*followed, to_bob}
    assert home == sorted(home, reverse=True)
    assert strangers not in home and before["direct"] not in home
    assert set(timeline(client, "home", bob, **{"exclude_visibilities[]": "direct"})) == set(
        followed
    )
    assert set(timeline(client, "home", alice)) == {*before.values(), *after.values(), to_bob}

    unfollowed = client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=bob.auth)
    assert unfollowed.status_code == 200
    assert timeline(client, "home", bob) == [to_bob]
    assert client.get("/api/v1/timelines/home").status_code == 401


def test_public_timeline_shows_only_public_posts(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    posted = {v: post(client, alice, v, visibility=v)["id"] for v in VISIBILITIES}
    assert timeline(client, "public") == [posted["public"]]
    assert timeline(client, "public", bob) == [posted["public"]]
    assert timeline(client, "public", local="true") == [posted["public"]]
    assert timeline(client, "public", remote="true") == []
    statuses = client.get("/api/v1/timelines/public").json()
    assert statuses[0]["account"]["username"] == "alice"


def _link(response: Any, rel: str) -> dict[str, list[str]]:
    match = re.search(rf'<([^>]+)>; rel="{rel}"', response.headers["link"])
    assert match, response.headers["link"]
    return parse_qs(urlsplit(match[1]).query)


def test_timelines_page_by_id_with_link_headers(client: Client) -> None:
    alice = client.register("alice")
    ids = [post(client, alice, f"post {n}")["id"] for n in range(5)]  # oldest first
    for path in ("home", "public"):
        first = client.get(f"/api/v1/timelines/{path}", headers=alice.auth, params={"limit": 2})
        assert [s["id"] for s in first.json()] == [ids[4], ids[3]]
        next_query = _link(first, "next")
        assert next_query["max_id"] == [ids[3]] and next_query["limit"] == ["2"]
        assert _link(first, "prev")["min_id"] == [ids[4]]
        assert timeline(client, path, alice, limit=2, max_id=ids[3]) == [ids[2], ids[1]]
        # min_id pages upwards from a point, still newest first within the page.
        assert timeline(client, path, alice, limit=2, min_id=ids[0]) == [ids[2], ids[1]]
        assert timeline(client, path, alice, since_id=ids[2]) == [ids[4], ids[3]]
        assert timeline(client, path, alice, limit=100) == ids[::-1]  # capped at 40
    empty = client.get("/api/v1/timelines/public", params={"max_id": ids[0]})
    assert empty.json() == [] and "link" not in empty.headers


def test_tag_timeline_matches_any_case_and_any_all_none(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    cats = post(client, alice, "I like #Cats")["id"]
    both = post(client, alice, "#cats and #dogs")["id"]
    dogs = post(client, alice, "only #DOGS")["id"]
    hidden = post(client, alice, "#cats for friends", visibility="private")["id"]
    quiet = post(client, alice, "#cats unlisted", visibility="unlisted")["id"]
    local = post(client, alice, "#cats here only", visibility="local")["id"]
    assert timeline(client, "tag/cats") == [both, cats]
    assert timeline(client, "tag/CATS", bob) == [local, both, cats]
    assert hidden not in timeline(client, "tag/cats", alice) and quiet not in timeline(
        client, "tag/cats", alice
    )
    assert timeline(client, "tag/cats", None, **{"any[]": "dogs"}) == [dogs, both, cats]
    assert timeline(client, "tag/cats", None, **{"all[]": "Dogs"}) == [both]
    assert timeline(client, "tag/cats", None, **{"none[]": "dogs"}) == [cats]
    assert timeline(client, "tag/cats", only_media="true") == []
    assert timeline(client, "tag/cats", local="true") == [both, cats]
    assert timeline(client, "tag/nothing") == []
    first = client.get("/api/v1/timelines/tag/cats", params={"limit": 1})
    assert [s["id"] for s in first.json()] == [both]
    assert [s["id"] for s in client.get(_next(first)).json()] == [cats]


def _next(response: Any) -> str:
    match = re.search(r'<([^>]+)>; rel="next"', response.headers["link"])
    assert match
    return match[1]


def test_direct_timeline_holds_direct_posts_written_or_received(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, bob, alice)
    to_bob = post(client, alice, "@bob psst", visibility="direct")["id"]
    to_carol = post(client, alice, "@carol psst", visibility="direct")["id"]
    from_bob = post(client, bob, "@alice hi", visibility="direct")["id"]
    post(client, alice, "@bob in public")
    post(client, alice, "followers", visibility="private")
    assert timeline(client, "direct", alice) == [from_bob, to_carol, to_bob]
    assert timeline(client, "direct", bob) == [from_bob, to_bob]
    assert timeline(client, "direct", carol) == [to_carol]
    assert timeline(client, "direct", alice, limit=1, max_id=to_carol) == [to_bob]
    assert timeline(client, "direct", alice, **{"exclude_visibilities[]": "direct"}) == []
    assert client.get("/api/v1/timelines/direct").status_code == 401


def test_public_timeline_instance_and_remote_filters(client: Client) -> None:
    alice = client.register("alice")
    status = post(client, alice, "hello")["id"]
    assert timeline(client, "public", instance="testserver.local") == [status]
    assert timeline(client, "public", instance="TestServer.Local") == [status]
    assert timeline(client, "public", instance="elsewhere.example") == []
    assert timeline(client, "public", remote="true") == []
    assert timeline(client, "public", only_media="true") == []
    assert timeline(client, "public", local="1") == [status]


def test_reply_visibility_keeps_replies_to_the_reader_or_followed_accounts(
    client: Client,
) -> None:
    alice, bob, carol, dave = (client.register(n) for n in ("alice", "bob", "carol", "dave"))
    follow(client, alice, bob)
    follow(client, alice, carol)
    root_bob = post(client, bob, "bob's")["id"]
    root_dave = post(client, dave, "dave's")["id"]
    root_alice = post(client, alice, "alice's")["id"]
    to_alice = post(client, carol, "for alice", in_reply_to_id=root_alice)["id"]
    to_bob = post(client, carol, "for bob", in_reply_to_id=root_bob)["id"]
    to_dave = post(client, carol, "for dave", in_reply_to_id=root_dave)["id"]
    by_alice = post(client, alice, "mine", in_reply_to_id=root_dave)["id"]
    everything = {root_bob, root_dave, root_alice, to_alice, to_bob, to_dave, by_alice}
    roots = {root_bob, root_dave, root_alice}
    for path in ("home", "public"):
        shown = set(timeline(client, path, alice))
        assert shown == everything - ({root_dave} if path == "home" else set())
        following = set(timeline(client, path, alice, reply_visibility="following"))
        assert following == (shown - {to_dave})
        mine = set(timeline(client, path, alice, reply_visibility="self"))
        assert mine == (shown & roots) | {to_alice, by_alice}
    # Visitors have no one to filter for: Pleroma ignores the parameter for them.
    assert set(timeline(client, "public", reply_visibility="self")) == everything


def test_bad_timeline_filters_are_refused_in_pleromas_words(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    for path in ("home", "public", "tag/cats", "direct"):
        bad = client.get(
            f"/api/v1/timelines/{path}", headers=alice.auth, params={"reply_visibility": "bogus"}
        )
        assert bad.status_code == 400, (path, bad.text)
        assert bad.json() == {"error": "reply_visibility - Invalid value for enum."}
        scope = client.get(
            f"/api/v1/timelines/{path}",
            headers=alice.auth,
            params={"exclude_visibilities[]": "secret"},
        )
        assert scope.status_code == 400
        assert scope.json() == {"error": "secret - Invalid value for enum."}
    assert client.get("/api/v1/timelines/public", params={"limit": "many"}).status_code == 422
    assert event_count(db) == before
