"""Quote posts: who may quote what, the quoted status nested one level deep as the viewer
may see it, the count kept as a column, and Pleroma's list of a status's quotes."""

from typing import Any

import psycopg

from tests.api.test_favourites import links
from tests.api.test_statuses import follow, post
from tests.helpers import Client, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify


def test_a_quote_nests_the_quoted_status_and_counts_on_it(
    client: Client, database: str, store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    original = post(client, alice, "quotable")
    quote = post(client, bob, "so true", quote_id=original["id"])
    pleroma = quote["pleroma"]
    assert pleroma["quote_id"] == original["id"]
    assert pleroma["quote_url"] == f"http://testserver.local/notice/{original['id']}"
    assert pleroma["quote_visible"] is True
    assert pleroma["quote"]["id"] == original["id"]
    assert pleroma["quote"]["content"] == "<p>quotable</p>"
    assert quote["quote"]["state"] == "accepted"
    assert quote["quote"]["quoted_status"]["id"] == original["id"]
    # Pleroma addresses the quoted author, as if mentioned.
    assert [m["id"] for m in quote["mentions"]] == [alice.id]
    shown = client.get(f"/api/v1/statuses/{original['id']}").json()
    assert shown["pleroma"]["quotes_count"] == 1
    # One level deep: a quote of a quote shows the middle one without its own quote.
    nested = post(client, carol, "meta", quote_id=quote["id"])
    inner = nested["pleroma"]["quote"]
    assert inner["id"] == quote["id"]
    assert inner["pleroma"]["quote_id"] == original["id"]
    assert inner["pleroma"]["quote"] is None and inner["quote"] is None
    # The quote's count goes when the quote does.
    assert client.delete(f"/api/v1/statuses/{quote['id']}", headers=bob.auth).status_code == 200
    shown = client.get(f"/api/v1/statuses/{original['id']}").json()
    assert shown["pleroma"]["quotes_count"] == 0
    left = client.get(f"/api/v1/statuses/{nested['id']}").json()
    assert left["pleroma"]["quote"] is None and left["pleroma"]["quote_visible"] is False
    assert left["quote"] == {"state": "deleted", "quoted_status": None}
    with psycopg.connect(database, autocommit=True) as conn:  # counts replay exactly
        assert set(verify(conn, store, "statuses").values()) == {0}


def test_a_quote_shows_nothing_of_a_status_its_reader_may_not_see(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    local = post(client, alice, "members only", visibility="local")
    quote = post(client, bob, "look", quote_id=local["id"])
    assert quote["pleroma"]["quote"]["id"] == local["id"]
    seen = client.get(f"/api/v1/statuses/{quote['id']}").json()  # a visitor
    assert seen["pleroma"]["quote"] is None
    assert seen["pleroma"]["quote_visible"] is False
    assert seen["pleroma"]["quote_id"] == local["id"]
    assert seen["quote"] == {"state": "unauthorized", "quoted_status": None}
    timeline = client.get("/api/v1/timelines/public").json()
    assert [(s["id"], s["pleroma"]["quote"]) for s in timeline] == [(quote["id"], None)]


def test_what_may_be_quoted(client: Client, db: psycopg.Connection[Any]) -> None:
    alice, follower, stranger = (client.register(n) for n in ("alice", "follower", "stranger"))
    follow(client, follower, alice)
    posted = {
        v: post(client, alice, f"@follower {v}", visibility=v)["id"]
        for v in ("public", "unlisted", "local", "private", "direct")
    }
    for visibility in ("public", "unlisted", "local"):
        assert post(client, stranger, "q", quote_id=posted[visibility])["pleroma"]["quote_visible"]
    # Its author may quote a private post, as Pleroma allows; no one may quote a direct one.
    assert post(client, alice, "me again", quote_id=posted["private"])["pleroma"]["quote_id"]
    before = event_count(db)
    cases = [
        (follower, posted["private"], 422),
        (alice, posted["direct"], 422),
        (follower, posted["direct"], 422),
        (stranger, posted["private"], 404),
        (stranger, posted["direct"], 404),
        (stranger, "9" * 18, 404),
        (stranger, "not-an-id", 404),
    ]
    for user, quote_id, expected in cases:
        for extra in ({}, {"preview": "true"}):
            response = client.post(
                "/api/v1/statuses",
                headers=user.auth,
                data={"status": "q", "quote_id": quote_id, **extra},
            )
            assert response.status_code == expected, (user.username, quote_id, response.text)
            assert isinstance(response.json()["error"], str)
    assert event_count(db) == before


def test_preview_of_a_quote_writes_nothing(client: Client, db: psycopg.Connection[Any]) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    original = post(client, alice, "quotable")
    before = event_count(db)
    preview = post(client, bob, "draft", quote_id=original["id"], preview="true")
    assert preview["pleroma"]["quote"]["id"] == original["id"]
    assert event_count(db) == before
    shown = client.get(f"/api/v1/statuses/{original['id']}").json()
    assert shown["pleroma"]["quotes_count"] == 0


def test_the_quotes_of_a_status_page_newest_first_and_only_what_the_reader_sees(
    client: Client,
) -> None:
    alice, bob, fan, stranger = (client.register(n) for n in ("alice", "bob", "fan", "stranger"))
    follow(client, fan, bob)
    original = post(client, alice, "quotable")
    quotes = [post(client, bob, f"quote {n}", quote_id=original["id"])["id"] for n in range(3)]
    private = post(client, bob, "quietly", quote_id=original["id"], visibility="private")["id"]
    post(client, bob, "unrelated")
    url = f"/api/v1/pleroma/statuses/{original['id']}/quotes"
    first = client.get(url, headers=fan.auth, params={"limit": 2})
    assert first.status_code == 200, first.text
    assert [s["id"] for s in first.json()] == [private, quotes[2]]
    rest = client.get(links(first)["next"], headers=fan.auth)
    assert [s["id"] for s in rest.json()] == [quotes[1], quotes[0]]
    for headers in (stranger.auth, {}):
        seen = client.get(url, headers=headers).json()
        assert [s["id"] for s in seen] == quotes[::-1]
    hidden = post(client, alice, "hidden", visibility="private")
    assert client.get(f"/api/v1/pleroma/statuses/{hidden['id']}/quotes").status_code == 404
    assert client.get("/api/v1/pleroma/statuses/bogus!/quotes").status_code == 404
