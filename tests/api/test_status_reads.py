"""Reading statuses in batches, their threads and their source."""

from typing import Any

import psycopg

from tests.api.test_statuses import follow, post
from tests.helpers import Client, User, event_count


def ids_of(statuses: list[dict[str, Any]]) -> list[str]:
    return [s["id"] for s in statuses]


def context(client: Client, status_id: str, user: User | None) -> dict[str, list[str]]:
    headers = user.auth if user else {}
    response = client.get(f"/api/v1/statuses/{status_id}/context", headers=headers)
    assert response.status_code == 200, response.text
    thread = response.json()
    assert set(thread) == {"ancestors", "descendants"}
    return {side: ids_of(thread[side]) for side in thread}


def test_many_statuses_come_in_the_order_asked_without_what_the_viewer_may_not_see(
    client: Client,
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    first = post(client, alice, "first")["id"]
    hidden = post(client, alice, "followers only", visibility="private")["id"]
    second = post(client, alice, "second", visibility="unlisted")["id"]
    asked = [second, "not-an-id", hidden, "999999999999999999", first, second]
    query = [("ids[]", i) for i in asked]
    as_bob = client.get("/api/v1/statuses", params=query, headers=bob.auth)
    assert as_bob.status_code == 200, as_bob.text
    assert ids_of(as_bob.json()) == [second, first]
    as_alice = client.get("/api/v1/statuses", params=query, headers=alice.auth)
    assert ids_of(as_alice.json()) == [second, hidden, first]
    # Mastodon's id[] and a single ids value are read too, also by visitors.
    mastodon = client.get("/api/v1/statuses", params=[("id[]", first), ("id[]", hidden)])
    assert ids_of(mastodon.json()) == [first]
    single = client.get("/api/v1/statuses", params={"ids": second})
    assert ids_of(single.json()) == [second]


def test_more_than_a_hundred_ids_are_refused(client: Client, db: psycopg.Connection[Any]) -> None:
    alice = client.register("alice")
    status = post(client, alice, "one")["id"]
    before = event_count(db)
    response = client.get("/api/v1/statuses", params=[("ids[]", status)] * 101, headers=alice.auth)
    assert response.status_code == 422
    assert response.json() == {"error": "Validation failed: at most 100 ids"}
    assert event_count(db) == before
    exactly = client.get("/api/v1/statuses", params=[("ids[]", status)] * 100)
    assert ids_of(exactly.json()) == [status]


def test_a_private_reply_in_a_thread_shows_to_followers_only(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    follower = client.register("carol")
    stranger = client.register("dave")
    follow(client, follower, bob)
    root = post(client, alice, "root")["id"]
    private = post(client, bob, "quiet", in_reply_to_id=root, visibility="private")["id"]
    leaf = post(client, bob, "leaf", in_reply_to_id=private)["id"]
    assert context(client, leaf, follower) == {"ancestors": [root, private], "descendants": []}
    assert context(client, leaf, stranger) == {"ancestors": [root], "descendants": []}
    assert context(client, root, follower) == {"ancestors": [], "descendants": [private, leaf]}
    assert context(client, root, stranger) == {"ancestors": [], "descendants": [leaf]}
    # The hidden status's own thread is as missing as the status.
    refused = client.get(f"/api/v1/statuses/{private}/context", headers=stranger.auth)
    assert refused.status_code == 404 and refused.json() == {"error": "Record not found"}
    assert client.get("/api/v1/statuses/nonsense/context").status_code == 404


def test_descendants_of_a_branching_thread_come_by_id_for_visitors(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    root = post(client, alice, "root")["id"]
    a = post(client, bob, "a", in_reply_to_id=root)["id"]
    b = post(client, alice, "b", in_reply_to_id=root, visibility="unlisted")["id"]
    a1 = post(client, alice, "a1", in_reply_to_id=a)["id"]
    post(client, alice, "elsewhere")
    direct = post(client, alice, "@bob psst", in_reply_to_id=a, visibility="direct")["id"]
    assert context(client, root, None) == {"ancestors": [], "descendants": [a, b, a1]}
    assert context(client, a1, None) == {"ancestors": [root, a], "descendants": []}
    assert context(client, a, bob) == {"ancestors": [root], "descendants": [a1, direct]}
    rendered = client.get(f"/api/v1/statuses/{a}/context").json()
    assert rendered["descendants"][0]["in_reply_to_id"] == a
    assert rendered["descendants"][0]["account"]["id"] == alice.id


def test_only_the_author_reads_a_status_source(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    status = post(client, alice, "<b>raw</b> text", spoiler_text="cw")["id"]
    mine = client.get(f"/api/v1/statuses/{status}/source", headers=alice.auth)
    assert mine.status_code == 200, mine.text
    assert mine.json() == {
        "id": status,
        "text": "<b>raw</b> text",
        "spoiler_text": "cw",
        "content_type": "text/plain",
    }
    theirs = client.get(f"/api/v1/statuses/{status}/source", headers=bob.auth)
    assert theirs.status_code == 403
    assert theirs.json() == {"error": "This action is not allowed"}
    hidden = post(client, alice, "secret", visibility="private")["id"]
    unseen = client.get(f"/api/v1/statuses/{hidden}/source", headers=bob.auth)
    assert unseen.status_code == 404
    assert client.get(f"/api/v1/statuses/{status}/source").status_code == 401
