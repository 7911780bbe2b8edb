"""Favourites and bookmarks: idempotent marks, counts kept as columns, the viewer's lists
paged by when each mark was made, and nothing about a status the viewer may not see."""

import re
from typing import Any

import psycopg
import pytest

from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify


def act(client: Client, user: User, status_id: str, action: str, **data: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/statuses/{status_id}/{action}", headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def links(response: Any) -> dict[str, str]:
    return {
        rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', response.headers["link"])
    }


def test_favouriting_twice_counts_once_and_unfavouriting_takes_it_back(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status = post(client, alice, "like me")
    liked = act(client, bob, status["id"], "favourite")
    assert (liked["favourited"], liked["favourites_count"]) == (True, 1)
    before = event_count(db)
    again = act(client, bob, status["id"], "favourite")
    assert (again["favourited"], again["favourites_count"]) == (True, 1)
    assert event_count(db) == before  # a repeated favourite records nothing
    by_carol = act(client, carol, status["id"], "favourite")
    assert (by_carol["favourited"], by_carol["favourites_count"]) == (True, 2)
    # Each reader sees their own mark, in every rendering.
    shown = client.get(f"/api/v1/statuses/{status['id']}", headers=alice.auth).json()
    assert (shown["favourited"], shown["favourites_count"]) == (False, 2)
    home = client.get("/api/v1/timelines/public", headers=bob.auth).json()
    assert [(s["id"], s["favourited"]) for s in home] == [(status["id"], True)]
    undone = act(client, bob, status["id"], "unfavourite")
    assert (undone["favourited"], undone["favourites_count"]) == (False, 1)
    before = event_count(db)
    assert act(client, bob, status["id"], "unfavourite")["favourites_count"] == 1
    assert event_count(db) == before


def test_favourites_list_newest_favourite_first_paged_with_links(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    posted = [post(client, alice, f"post {n}")["id"] for n in range(5)]
    # Favourited in another order than posted: the list follows the favourites.
    order = [posted[3], posted[0], posted[4], posted[1], posted[2]]
    for status_id in order:
        act(client, bob, status_id, "favourite")
    first = client.get("/api/v1/favourites", headers=bob.auth, params={"limit": 2})
    assert first.status_code == 200, first.text
    assert [s["id"] for s in first.json()] == order[::-1][:2]
    assert all(s["favourited"] for s in first.json())
    rest = client.get(links(first)["next"], headers=bob.auth)
    assert [s["id"] for s in rest.json()] == order[::-1][2:4]
    newer = client.get(links(rest)["prev"], headers=bob.auth)
    assert [s["id"] for s in newer.json()] == order[::-1][:2]
    assert client.get("/api/v1/favourites", headers=alice.auth).json() == []


def test_bookmarks_mark_list_and_unmark(client: Client, db: psycopg.Connection[Any]) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    first, second = post(client, alice, "one")["id"], post(client, alice, "two")["id"]
    marked = act(client, bob, second, "bookmark")
    assert marked["bookmarked"] is True and marked["pleroma"]["bookmark_folder"] is None
    act(client, bob, first, "bookmark")
    before = event_count(db)
    act(client, bob, first, "bookmark")
    assert event_count(db) == before
    listed = client.get("/api/v1/bookmarks", headers=bob.auth, params={"limit": 1})
    assert [s["id"] for s in listed.json()] == [first]
    assert [s["id"] for s in client.get(links(listed)["next"], headers=bob.auth).json()] == [second]
    assert act(client, bob, first, "unbookmark")["bookmarked"] is False
    assert [s["id"] for s in client.get("/api/v1/bookmarks", headers=bob.auth).json()] == [second]
    assert client.get("/api/v1/bookmarks", headers=alice.auth).json() == []


def test_bookmark_folders_are_refused_until_they_exist(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    status_id = post(client, alice, "keep")["id"]
    before = event_count(db)
    response = client.post(
        f"/api/v1/statuses/{status_id}/bookmark", headers=alice.auth, data={"folder_id": "1"}
    )
    assert response.status_code == 422
    assert "bookmark folders are not supported yet" in response.json()["error"]
    listed = client.get("/api/v1/bookmarks", headers=alice.auth, params={"folder_id": "1"})
    assert listed.status_code == 422
    assert event_count(db) == before


@pytest.mark.parametrize("action", ["favourite", "unfavourite", "bookmark", "unbookmark"])
def test_stranger_cannot_mark_a_private_status(
    client: Client, db: psycopg.Connection[Any], action: str
) -> None:
    alice, stranger = client.register("alice"), client.register("stranger")
    status_id = post(client, alice, "followers only", visibility="private")["id"]
    before = event_count(db)
    for target in (status_id, "0000000000000000zz", "not-an-id!"):
        response = client.post(f"/api/v1/statuses/{target}/{action}", headers=stranger.auth)
        assert response.status_code == 404, response.text
        assert response.json() == {"error": "Record not found"}
    assert event_count(db) == before
    follow(client, stranger, alice)  # a follower may, and the count shows it
    field = {"favourite": "favourited", "bookmark": "bookmarked"}.get(action)
    if field:
        assert act(client, stranger, status_id, action)[field] is True


def test_marks_need_their_scopes(client: Client, db: psycopg.Connection[Any]) -> None:
    alice = client.register("alice")
    status_id = post(client, alice, "scoped")["id"]
    reading = scoped_auth(client, alice, "read")
    before = event_count(db)
    for action in ("favourite", "bookmark"):
        response = client.post(f"/api/v1/statuses/{status_id}/{action}", headers=reading)
        assert response.status_code == 403, response.text
        assert "error" in response.json()
    assert event_count(db) == before
    statuses_only = scoped_auth(client, alice, "read:statuses")
    for path in ("/api/v1/favourites", "/api/v1/bookmarks"):
        assert client.get(path, headers=statuses_only).status_code == 403
        assert client.get(path).status_code == 401
    fine = scoped_auth(client, alice, "read:bookmarks write:bookmarks")
    assert client.post(f"/api/v1/statuses/{status_id}/bookmark", headers=fine).status_code == 200
    assert client.get("/api/v1/bookmarks", headers=fine).status_code == 200


def test_favourited_by_lists_accounts_newest_first_and_hides_private_statuses(
    client: Client,
) -> None:
    alice = client.register("alice")
    fans = [client.register(f"fan{n}") for n in range(3)]
    status_id = post(client, alice, "popular")["id"]
    for fan in fans:
        act(client, fan, status_id, "favourite")
    page = client.get(f"/api/v1/statuses/{status_id}/favourited_by", params={"limit": 2})
    assert page.status_code == 200, page.text
    assert [a["id"] for a in page.json()] == [fans[2].id, fans[1].id]
    rest = client.get(links(page)["next"])
    assert [a["id"] for a in rest.json()] == [fans[0].id]
    private = post(client, alice, "hidden", visibility="private")["id"]
    assert client.get(f"/api/v1/statuses/{private}/favourited_by").status_code == 404
    stranger = fans[0]
    hidden = client.get(f"/api/v1/statuses/{private}/favourited_by", headers=stranger.auth)
    assert hidden.status_code == 404


def test_a_deleted_status_leaves_the_lists_and_the_models_replay_exactly(
    client: Client, db: psycopg.Connection[Any], database: str, store: Tidings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    kept, gone = post(client, alice, "stays")["id"], post(client, alice, "goes")["id"]
    for status_id in (kept, gone):
        act(client, bob, status_id, "favourite")
        act(client, bob, status_id, "bookmark")
    act(client, bob, kept, "unfavourite")
    act(client, bob, kept, "favourite")
    assert client.delete(f"/api/v1/statuses/{gone}", headers=alice.auth).status_code == 200
    for path in ("/api/v1/favourites", "/api/v1/bookmarks"):
        assert [s["id"] for s in client.get(path, headers=bob.auth).json()] == [kept]
    assert db.execute(
        "SELECT count(*) FROM interactions.favourites WHERE status_id = %s", (gone,)
    ).fetchone() == (0,)
    count = db.execute("SELECT favourites_count FROM statuses.statuses WHERE id = %s", (kept,))
    assert count.fetchone() == (1,)
    assert client.post(f"/api/v1/statuses/{gone}/favourite", headers=bob.auth).status_code == 404
    # What `tidings projections verify` checks: a replay from the log matches the live rows.
    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("interactions", "statuses"):
            assert set(verify(conn, store, name).values()) == {0}, name
