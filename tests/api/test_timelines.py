"""Home and public timelines: who sees what, and paging through them."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.api.test_statuses import VISIBILITIES, follow, post
from tests.helpers import Client, User


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
