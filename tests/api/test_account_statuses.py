"""An account's statuses, its favourites for others to see, and v2 search: each only with
what the reader may see, paged with Link headers."""

import re
from typing import Any

import psycopg

from tests.api.test_favourites import act
from tests.api.test_statuses import follow, post
from tests.helpers import Client, User, event_count


def ids(client: Client, path: str, user: User | None = None, **query: Any) -> list[str]:
    response = client.get(path, headers=user.auth if user else {}, params=query)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def links(response: Any) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])
    }


def test_account_statuses_show_each_reader_what_they_may_see(client: Client) -> None:
    alice, bob, carol, dave = (client.register(n) for n in ("alice", "bob", "carol", "dave"))
    follow(client, bob, alice)
    public = post(client, alice, "public")["id"]
    unlisted = post(client, alice, "unlisted", visibility="unlisted")["id"]
    private = post(client, alice, "private", visibility="private")["id"]
    direct = post(client, alice, "@carol direct", visibility="direct")["id"]
    local = post(client, alice, "local", visibility="local")["id"]
    path = f"/api/v1/accounts/{alice.id}/statuses"
    assert ids(client, path) == [unlisted, public]
    assert ids(client, path, dave) == [local, unlisted, public]
    assert ids(client, path, bob) == [local, private, unlisted, public]
    assert ids(client, path, carol) == [local, direct, unlisted, public]
    assert ids(client, path, alice) == [local, direct, private, unlisted, public]
    # Pleroma also takes the nickname.
    assert ids(client, "/api/v1/accounts/alice/statuses") == [unlisted, public]
    assert ids(client, path, alice, **{"exclude_visibilities[]": ["direct", "local"]}) == [
        private,
        unlisted,
        public,
    ]
    first = client.get(path, headers=alice.auth, params={"limit": 2})
    assert [s["id"] for s in first.json()] == [local, direct]
    second = client.get(links(first)["next"], headers=alice.auth)
    assert [s["id"] for s in second.json()] == [private, unlisted]
    assert [s["id"] for s in client.get(links(second)["prev"], headers=alice.auth).json()] == [
        local,
        direct,
    ]
    assert ids(client, path, alice, min_id=unlisted, limit=1) == [private]


def test_account_statuses_filters(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    root = post(client, alice, "about #Cats")["id"]
    thread = post(client, alice, "and more", in_reply_to_id=root)["id"]
    theirs = post(client, bob, "bob's")["id"]
    answer = post(client, alice, "@bob answer", in_reply_to_id=theirs)["id"]
    path = f"/api/v1/accounts/{alice.id}/statuses"
    assert ids(client, path) == [answer, thread, root]
    # Mastodon keeps a thread of one's own: only replies to others leave.
    assert ids(client, path, exclude_replies="true") == [thread, root]
    assert ids(client, path, tagged="cats") == [root]
    assert ids(client, path, tagged="#CATS") == [root]
    assert ids(client, path, only_media="true") == []
    assert ids(client, path, pinned="true") == []  # nothing can be pinned yet
    assert ids(client, path, exclude_reblogs="true") == [answer, thread, root]
    assert client.get("/api/v1/accounts/nobody/statuses").status_code == 404
    bad = client.get(path, params={"exclude_visibilities[]": "bogus"})
    assert bad.status_code == 400


def test_pleroma_user_favourites_honour_hide_favorites(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, bob, carol)
    public = post(client, carol, "public")["id"]
    private = post(client, carol, "private", visibility="private")["id"]
    act(client, bob, public, "favourite")
    act(client, bob, private, "favourite")
    path = f"/api/v1/pleroma/accounts/{bob.id}/favourites"
    before = event_count(db)
    hidden = client.get(path, headers=alice.auth)
    assert hidden.status_code == 403 and hidden.json() == {"error": "Can't get favorites"}
    assert client.get(path).status_code == 403
    assert event_count(db) == before
    assert ids(client, path, bob) == [private, public]  # one's own are never hidden
    shown = client.patch(
        "/api/v1/accounts/update_credentials", headers=bob.auth, data={"hide_favorites": "false"}
    )
    assert shown.status_code == 200, shown.text
    assert ids(client, path) == [public]
    assert ids(client, path, alice) == [public]
    assert ids(client, path, carol) == [private, public]
    first = client.get(path, headers=carol.auth, params={"limit": 1})
    assert [s["id"] for s in first.json()] == [private]
    assert [s["id"] for s in client.get(links(first)["next"], headers=carol.auth).json()] == [
        public
    ]
    assert ids(client, "/api/v1/pleroma/accounts/bob/favourites") == [public]
    assert client.get("/api/v1/pleroma/accounts/nobody/favourites").status_code == 404


def search(client: Client, user: User | None = None, **query: Any) -> dict[str, Any]:
    response = client.get("/api/v2/search", headers=user.auth if user else {}, params=query)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_search_finds_accounts_statuses_and_hashtags_the_reader_may_see(client: Client) -> None:
    alice, bob, dave = client.register("alice"), client.register("bob"), client.register("dave")
    follow(client, bob, alice)
    public = post(client, alice, "Pumpkin soup #Autumn")["id"]
    private = post(client, alice, "pumpkin pie", visibility="private")["id"]
    post(client, alice, "secret #hidden", visibility="private")
    other = post(client, dave, "pumpkin bread #autumnal")["id"]
    found = search(client, q="pumpkin")
    assert [s["id"] for s in found["statuses"]] == [other, public]
    assert [s["id"] for s in search(client, bob, q="PUMPKIN")["statuses"]] == [
        other,
        private,
        public,
    ]
    assert [s["id"] for s in search(client, alice, q="pumpkin soup")["statuses"]] == [public]
    assert [s["id"] for s in search(client, bob, q="pumpkin", account_id=dave.id)["statuses"]] == [
        other
    ]
    assert [s["id"] for s in search(client, bob, q="pumpkin", limit=1, offset=1)["statuses"]] == [
        private
    ]
    assert [s["id"] for s in search(client, bob, q="pumpkin", max_id=other)["statuses"]] == [
        private,
        public,
    ]
    tags = search(client, q="#autumn", type="hashtags")
    assert tags["accounts"] == [] and tags["statuses"] == []
    assert tags["hashtags"] == [
        {"name": "autumn", "url": "http://testserver.local/tag/autumn", "history": []},
        {"name": "autumnal", "url": "http://testserver.local/tag/autumnal", "history": []},
    ]
    gone = client.delete(f"/api/v1/statuses/{other}", headers=dave.auth)
    assert gone.status_code == 200
    assert [t["name"] for t in search(client, q="autumn")["hashtags"]] == ["autumn"]
    assert search(client, dave, q="hid", type="hashtags")["hashtags"] == []
    assert [t["name"] for t in search(client, bob, q="hid")["hashtags"]] == ["hidden"]
    people = search(client, q="ali", type="accounts")
    assert [a["id"] for a in people["accounts"]] == [alice.id] and people["statuses"] == []
    assert [a["id"] for a in search(client, bob, q="a", following="true")["accounts"]] == [alice.id]


def test_bad_searches_are_refused(client: Client, db: psycopg.Connection[Any]) -> None:
    before = event_count(db)
    assert client.get("/api/v2/search").status_code == 422
    bogus = client.get("/api/v2/search", params={"q": "x", "type": "people"})
    assert bogus.status_code == 400 and bogus.json() == {"error": "type - Invalid value for enum."}
    assert client.get("/api/v2/search", params={"q": "x", "offset": "-1"}).status_code == 422
    assert client.get("/api/v2/search", params={"q": "x", "following": "true"}).status_code == 401
    assert event_count(db) == before


def test_search_and_tag_timelines_follow_an_edit(client: Client) -> None:
    alice = client.register("alice")
    status = post(client, alice, "pumpkin #autumn")["id"]
    edited = client.put(
        f"/api/v1/statuses/{status}", headers=alice.auth, data={"status": "snow #winter"}
    )
    assert edited.status_code == 200, edited.text
    assert [t["name"] for t in search(client, q="winter")["hashtags"]] == ["winter"]
    assert search(client, q="autumn")["hashtags"] == []
    assert [s["id"] for s in search(client, q="snow")["statuses"]] == [status]
    assert search(client, q="pumpkin")["statuses"] == []
    assert ids(client, "/api/v1/timelines/tag/winter") == [status]
    assert ids(client, "/api/v1/timelines/tag/autumn") == []
