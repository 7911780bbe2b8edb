"""Who sees what, everywhere a status can show: every visibility against every kind of
reader, in every endpoint. The expectations come from ``sees`` below, a restatement of
Mastodon's and Pleroma's documented audiences, never from the code under test.

A list post (Pleroma's ``list:<id>``) is addressed to the author's list, whose one member
is the ``member`` reader. An endpoint is one ``Row``: how to tell whether the status shows
there, and (when the endpoint narrows what it shows) what it should show. The ``blocked``
reader followed the author until the author blocked them; the ``blocker`` followed the
author until they blocked the author.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.api.test_lists import add, make_list
from tests.api.test_statuses import follow, post
from tests.helpers import Client, User

VISIBILITIES = ("public", "unlisted", "private", "direct", "local", "list")
READERS = ("author", "follower", "mentioned", "member", "stranger", "blocked", "blocker", "visitor")
SIGNED_IN = READERS[:-1]
WORD = "zebrafish"  # only the statuses under test carry it, for search
TAG = "matrix"


def sees(visibility: str, reader: str) -> bool:
    """The oracle. The author and every mentioned account see any post; public and
    unlisted posts are for everyone; local-only ones for anyone signed in here; private
    ones for followers; list posts for the list's members; direct ones for no one else.
    Whom the author blocks sees nothing of theirs, as if it had never been written; whom
    the reader blocks shows to them as to a stranger where they look for it (the status,
    the profile: Mastodon's StatusPolicy), never in what is fed to them (``in_feeds``)."""
    if reader == "blocked":
        return False
    if reader == "blocker":  # blocking ended their follow
        reader = "stranger"
    if reader in ("author", "mentioned") or visibility in ("public", "unlisted"):
        return True
    if visibility == "list":
        return reader == "member"
    if reader == "visitor":
        return False
    return visibility == "local" or (visibility == "private" and reader == "follower")


def in_feeds(expect: "Expect") -> "Expect":
    """Timelines, threads and search leave out whoever is blocked either way."""
    return lambda v, r: r != "blocker" and expect(v, r)


def counted(visibility: str) -> bool:
    """Replies that add to a parent's replies_count: only those addressed to the public
    (local-only included, as Pleroma)."""
    return visibility in ("public", "unlisted", "local")


@dataclass
class World:
    """The author's post of each visibility (mentioning the mentioned reader, tagged and
    worded for search, with a poll), each a reply to a public parent that it also quotes,
    and with a public reply of its own; the follower follows the author and lists them; the author
    follows the member and lists them; the author favourited every post and shows their
    favourites."""

    client: Client
    users: dict[str, User]
    parent: dict[str, str]
    status: dict[str, str]
    child: dict[str, str]
    poll: dict[str, str]
    list_id: str

    def get(self, reader: str, path: str, **query: Any) -> httpx.Response:
        return self.client.get(path, headers=self.auth(reader), params=query)

    def auth(self, reader: str) -> dict[str, str]:
        return self.users[reader].auth if reader in self.users else {}

    def ids(self, reader: str, path: str, **query: Any) -> list[str]:
        response = self.get(reader, path, limit=40, **query)
        if reader == "blocked" and response.status_code == 404:
            return []  # a list about one of the author's statuses, as if there were none
        assert response.status_code == 200, (path, response.text)
        return [s["id"] for s in response.json()]

    def found(self, response: httpx.Response) -> bool:
        """200 or 404 (the same for missing and hidden); anything else is a bug."""
        assert response.status_code in (200, 404), response.text
        return response.status_code == 200

    def acted(self, reader: str, path: str) -> bool:
        return self.found(self.client.post(path, headers=self.auth(reader)))


def build(client: Client) -> World:
    users = {r: client.register(r) for r in SIGNED_IN}
    author = users["author"]
    follow(client, users["follower"], author)
    follow(client, users["blocked"], author)
    follow(client, users["blocker"], author)
    follow(client, author, users["member"])
    members = make_list(client, author, "members")
    add(client, author, members["id"], users["member"])
    listed = client.post("/api/v1/lists", headers=users["follower"].auth, data={"title": "l"})
    list_id = listed.json()["id"]
    added = client.post(
        f"/api/v1/lists/{list_id}/accounts",
        headers=users["follower"].auth,
        data={"account_ids[]": author.id},
    )
    assert added.status_code == 200, added.text
    shown = client.patch(
        "/api/v1/accounts/update_credentials", headers=author.auth, data={"hide_favorites": "0"}
    )
    assert shown.status_code == 200, shown.text
    parent, status, child, poll = {}, {}, {}, {}
    for v in VISIBILITIES:
        parent[v] = post(client, author, f"parent of the {v} one")["id"]
        made = post(
            client,
            author,
            f"@mentioned {WORD} #{TAG} {v}",
            visibility=f"list:{members['id']}" if v == "list" else v,
            in_reply_to_id=parent[v],
            quote_id=parent[v],
            **{"poll[options][]": ["yes", "no"], "poll[expires_in]": "86400"},
        )
        status[v], poll[v] = made["id"], made["poll"]["id"]
        child[v] = post(client, author, "a public reply", in_reply_to_id=status[v])["id"]
        liked = client.post(f"/api/v1/statuses/{status[v]}/favourite", headers=author.auth)
        assert liked.status_code == 200, liked.text
    for blocker, blocked in ((author, users["blocked"]), (users["blocker"], author)):
        done = client.post(f"/api/v1/accounts/{blocked.id}/block", headers=blocker.auth)
        assert done.status_code == 200, done.text
    return World(client, users, parent, status, child, poll, list_id)


Probe = Callable[[World, str, str], bool]
Expect = Callable[[str, str], bool]


@dataclass
class Row:
    name: str
    shows: Probe  # does the (visibility's) status show to the reader here?
    expect: Expect = sees
    readers: tuple[str, ...] = READERS


def _in(path: str, **query: Any) -> Probe:
    """A list endpoint: the status shows if its id is in the answer. ``path`` may name
    the world's fields (``{w.list_id}``); a field per visibility needs a probe of its own."""
    return lambda w, r, v: w.status[v] in w.ids(r, path.format(w=w, v=v), **query)


def _public(v: str, reader: str) -> bool:
    if reader == "blocked":
        return False
    return v == "public" or (v == "local" and reader != "visitor")


def _favourite_then(listing: str, action: str) -> Probe:
    def probe(w: World, reader: str, v: str) -> bool:
        w.acted(reader, f"/api/v1/statuses/{w.status[v]}/{action}")
        return w.status[v] in w.ids(reader, listing)

    return probe


def _search(w: World, reader: str, v: str) -> bool:
    response = w.get(reader, "/api/v2/search", q=WORD, type="statuses", limit=40)
    assert response.status_code == 200, response.text
    return w.status[v] in [s["id"] for s in response.json()["statuses"]]


def _context(of: str, side: str) -> Probe:
    def probe(w: World, reader: str, v: str) -> bool:
        around = getattr(w, of)[v]
        response = w.get(reader, f"/api/v1/statuses/{around}/context")
        if reader == "blocked" and response.status_code == 404:
            return False  # around one of the author's statuses: there is no thread to see
        assert response.status_code == 200, response.text
        return w.status[v] in [s["id"] for s in response.json()[side]]

    return probe


def _quote(w: World, reader: str, v: str) -> bool:
    """Quoting answers 404 for what the reader may not see (and 422 for what they see but
    may not quote): the status shows if the answer is not a 404."""
    response = w.client.post(
        "/api/v1/statuses",
        headers=w.auth(reader),
        data={"status": "quoting", "quote_id": w.status[v]},
    )
    assert response.status_code in (200, 404, 422), response.text
    return response.status_code != 404


def _vote(w: World, reader: str, v: str) -> bool:
    """Voting answers 404 for a poll the reader may not see (422 for one they may see but
    not vote in, such as their own)."""
    response = w.client.post(
        f"/api/v1/polls/{w.poll[v]}/votes", headers=w.auth(reader), data={"choices[]": "0"}
    )
    assert response.status_code in (200, 404, 422), response.text
    return response.status_code != 404


def _reblog(w: World, reader: str, v: str) -> bool:
    """Reblogging answers 404 for what the reader may not see (403 for what they see but
    may not reblog: a direct or list post, someone else's private one)."""
    response = w.client.post(f"/api/v1/statuses/{w.status[v]}/reblog", headers=w.auth(reader))
    assert response.status_code in (200, 403, 404), response.text
    return response.status_code != 404


def _replies_count(w: World, reader: str, v: str) -> bool:
    response = w.get(reader, f"/api/v1/statuses/{w.parent[v]}")
    assert response.status_code == 200, response.text
    count: int = response.json()["replies_count"]
    assert count in (0, 1)
    return count == 1


ROWS = [
    Row("show", lambda w, r, v: w.found(w.get(r, f"/api/v1/statuses/{w.status[v]}"))),
    Row(
        "statuses by ids",
        lambda w, r, v: (
            w.status[v]
            in [
                s["id"]
                for s in w.get(r, "/api/v1/statuses", **{"ids[]": list(w.status.values())}).json()
            ]
        ),
    ),
    Row("context of the public parent", _context("parent", "descendants"), in_feeds(sees)),
    Row("context of a public reply", _context("child", "ancestors"), in_feeds(sees)),
    Row(
        "home",
        _in("/api/v1/timelines/home"),
        # Homes hold what the reader follows or is addressed by; strangers have neither,
        # and the member follows no one (only the list post addresses them).
        in_feeds(lambda v, r: sees(v, r) and r != "stranger" and (r != "member" or v == "list")),
        SIGNED_IN,
    ),
    Row("public", _in("/api/v1/timelines/public"), in_feeds(_public)),
    Row("public local", _in("/api/v1/timelines/public", local="true"), in_feeds(_public)),
    Row("tag", _in(f"/api/v1/timelines/tag/{TAG}"), in_feeds(_public)),
    Row(
        "direct",
        _in("/api/v1/timelines/direct"),
        in_feeds(lambda v, r: v == "direct" and sees(v, r)),
        SIGNED_IN,
    ),
    Row(
        "list of the follower",
        _in("/api/v1/timelines/list/{w.list_id}"),
        # A list never holds direct posts, nor posts to another list.
        lambda v, r: sees(v, r) and v not in ("direct", "list"),
        ("follower",),
    ),
    Row("account statuses", _in("/api/v1/accounts/{w.users[author].id}/statuses")),
    Row(
        "favourite",
        lambda w, r, v: w.acted(r, f"/api/v1/statuses/{w.status[v]}/favourite"),
        readers=SIGNED_IN,
    ),
    Row("own favourites", _favourite_then("/api/v1/favourites", "favourite"), readers=SIGNED_IN),
    Row("own bookmarks", _favourite_then("/api/v1/bookmarks", "bookmark"), readers=SIGNED_IN),
    Row("the author's favourites", _in("/api/v1/pleroma/accounts/{w.users[author].id}/favourites")),
    Row(
        "favourited_by",
        lambda w, r, v: w.found(w.get(r, f"/api/v1/statuses/{w.status[v]}/favourited_by")),
    ),
    Row(
        "mute the thread",
        lambda w, r, v: w.acted(r, f"/api/v1/statuses/{w.status[v]}/mute"),
        readers=SIGNED_IN,
    ),
    Row("reblog it", _reblog, readers=SIGNED_IN),
    Row(
        "reblogged_by",
        lambda w, r, v: w.found(w.get(r, f"/api/v1/statuses/{w.status[v]}/reblogged_by")),
    ),
    Row("search", _search, in_feeds(sees)),
    Row(
        "quotes of the parent",
        lambda w, r, v: w.status[v] in w.ids(r, f"/api/v1/pleroma/statuses/{w.parent[v]}/quotes"),
    ),
    Row("quote it", _quote, readers=SIGNED_IN),
    Row("poll", lambda w, r, v: w.found(w.get(r, f"/api/v1/polls/{w.poll[v]}"))),
    Row("vote", _vote, readers=SIGNED_IN),
    Row(
        "edit history",
        lambda w, r, v: w.found(w.get(r, f"/api/v1/statuses/{w.status[v]}/history")),
    ),
    Row(
        "replies_count of the parent",
        _replies_count,
        lambda v, r: counted(v),
        tuple(r for r in READERS if r != "blocked"),  # the parent is the author's too
    ),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_reader_sees_exactly_their_share(client: Client, row: Row) -> None:
    world = build(client)
    wrong = [
        (visibility, reader, f"expected {expected}")
        for visibility in VISIBILITIES
        for reader in row.readers
        if (expected := row.expect(visibility, reader)) != row.shows(world, reader, visibility)
    ]
    assert wrong == []


def test_the_oracle_agrees_with_the_documented_audiences() -> None:
    """The oracle itself, spelled out once as a table, so a slip in it cannot hide."""
    table = {
        "public": "author follower mentioned member stranger blocker visitor",
        "unlisted": "author follower mentioned member stranger blocker visitor",
        "local": "author follower mentioned member stranger blocker",
        "private": "author follower mentioned",
        "direct": "author mentioned",
        "list": "author mentioned member",
    }
    for visibility, readers in table.items():
        assert [r for r in READERS if sees(visibility, r)] == readers.split()


def test_deleting_a_reply_takes_back_only_what_it_counted(client: Client) -> None:
    author = client.register("author")
    parent = post(client, author, "parent")["id"]
    public = post(client, author, "public reply", in_reply_to_id=parent)["id"]
    direct = post(client, author, "direct reply", in_reply_to_id=parent, visibility="direct")
    private = post(client, author, "private", in_reply_to_id=parent, visibility="private")

    def count() -> int:
        shown: int = client.get(f"/api/v1/statuses/{parent}").json()["replies_count"]
        return shown

    assert count() == 1
    for reply in (direct["id"], private["id"]):
        assert client.delete(f"/api/v1/statuses/{reply}", headers=author.auth).status_code == 200
        assert count() == 1
    assert client.delete(f"/api/v1/statuses/{public}", headers=author.auth).status_code == 200
    assert count() == 0
