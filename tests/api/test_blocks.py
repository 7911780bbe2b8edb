"""Blocks: a Block ends follows both ways and keeps them ended; the blocked sees nothing
of the blocker anywhere; timelines leave out whoever is blocked either way; domain blocks
are kept per account."""

from typing import Any

import psycopg

from tests.api.test_follows import lock
from tests.api.test_statuses import follow, post
from tests.helpers import Client, User, event_count, events_of
from tidings.domain.blocks.aggregates import block_stream
from tidings.domain.graph.aggregates import follow_stream


def block(client: Client, user: User, target: User, action: str = "block") -> dict[str, Any]:
    response = client.post(f"/api/v1/accounts/{target.id}/{action}", headers=user.auth)
    assert response.status_code == 200, response.text
    relationship: dict[str, Any] = response.json()
    return relationship


def relationship(client: Client, user: User, other: User) -> dict[str, Any]:
    response = client.get(
        "/api/v1/accounts/relationships", headers=user.auth, params={"id[]": other.id}
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()[0]
    return found


def ids(client: Client, user: User | None, path: str, **query: Any) -> list[str]:
    response = client.get(path, headers=user.auth if user else {}, params=query)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def test_blocking_ends_the_follows_both_ways_in_one_write(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    follow(client, bob, alice)
    before = event_count(db)
    rel = block(client, alice, bob)
    assert (rel["id"], rel["blocking"], rel["following"], rel["followed_by"]) == (
        bob.id,
        True,
        False,
        False,
    )
    # The Block, alice's Undo of her follow, and her Reject of bob's: each event's actor is
    # alice, who did it.
    assert event_count(db) == before + 3
    (blocked,) = events_of(db, block_stream(alice.id, bob.id), "Block")
    assert (blocked["actor"], blocked["object"]) == (alice.id, bob.id)
    assert len(events_of(db, follow_stream(alice.id, bob.id), "Undo")) == 1
    (removed,) = events_of(db, follow_stream(bob.id, alice.id), "Reject")
    assert (removed["actor"], removed["object"]) == (alice.id, bob.id)
    seen_by_bob = relationship(client, bob, alice)
    assert (seen_by_bob["blocked_by"], seen_by_bob["blocking"]) == (True, False)
    assert (seen_by_bob["following"], seen_by_bob["followed_by"]) == (False, False)
    followers = client.get(f"/api/v1/accounts/{alice.id}", headers=alice.auth).json()
    assert followers["followers_count"] == 0 and followers["following_count"] == 0


def test_blocking_twice_records_one_block_and_unblocking_ends_it(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    block(client, alice, bob)
    before = event_count(db)
    assert block(client, alice, bob)["blocking"] is True
    assert event_count(db) == before
    assert block(client, alice, bob, "unblock")["blocking"] is False
    assert len(events_of(db, block_stream(alice.id, bob.id), "Undo")) == 1
    assert relationship(client, bob, alice)["blocked_by"] is False
    after = event_count(db)
    assert block(client, alice, bob, "unblock")["blocking"] is False  # nothing to undo
    assert event_count(db) == after
    follow(client, bob, alice)  # following is possible again
    assert relationship(client, alice, bob)["followed_by"] is True


def test_following_across_a_block_is_refused_either_way(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    block(client, alice, bob)
    before = event_count(db)
    for follower, followed, says in ((alice, bob, "you are blocking"), (bob, alice, "blocked you")):
        refused = client.post(f"/api/v1/accounts/{followed.id}/follow", headers=follower.auth)
        assert refused.status_code == 403, refused.text
        assert says in refused.json()["error"]
    assert event_count(db) == before


def test_blocking_yourself_or_no_one_is_refused_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    for target, status in (
        (alice.id, 422),
        ("0000000000000000000000", 404),  # well-formed, but no account has it
        ("not an id!", 404),
    ):
        for action in ("block", "mute"):
            response = client.post(f"/api/v1/accounts/{target}/{action}", headers=alice.auth)
            assert response.status_code == status, (target, action, response.text)
            assert response.json()["error"]
    assert event_count(db) == before


def test_blocks_need_a_token_with_the_blocks_scope(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    assert client.post(f"/api/v1/accounts/{bob.id}/block").status_code == 401
    assert client.get("/api/v1/blocks").status_code == 401
    assert client.get("/api/v1/domain_blocks").status_code == 401
    assert client.get("/api/v1/blocks", headers=alice.auth).status_code == 200


def test_the_blocked_sees_nothing_of_the_blocker(client: Client) -> None:
    alice, bob, carol = (client.register(n) for n in ("alice", "bob", "carol"))
    follow(client, bob, alice)
    follow(client, bob, carol)
    status = post(client, alice, "a #blocked zebrafish")["id"]
    reply = post(client, carol, "a reply", in_reply_to_id=status)["id"]
    assert client.post(f"/api/v1/statuses/{status}/reblog", headers=carol.auth).status_code == 200
    block(client, alice, bob)
    # Shown to others, but to bob as if it had never been written.
    assert client.get(f"/api/v1/statuses/{status}", headers=carol.auth).status_code == 200
    for path in ("", "/context", "/favourited_by", "/reblogged_by"):
        response = client.get(f"/api/v1/statuses/{status}{path}", headers=bob.auth)
        assert response.status_code == 404, (path, response.text)
    for action in ("favourite", "reblog", "bookmark"):
        response = client.post(f"/api/v1/statuses/{status}/{action}", headers=bob.auth)
        assert response.status_code == 404, (action, response.text)
    for extra in ({"in_reply_to_id": status}, {"quote_id": status}):
        response = client.post(
            "/api/v1/statuses", headers=bob.auth, data={"status": "hello", **extra}
        )
        assert response.status_code == 404, (extra, response.text)
    assert ids(client, bob, f"/api/v1/accounts/{alice.id}/statuses") == []
    around = client.get(f"/api/v1/statuses/{reply}/context", headers=bob.auth).json()
    assert around["ancestors"] == []
    searched = client.get(
        "/api/v2/search", headers=bob.auth, params={"q": "zebrafish", "type": "statuses"}
    )
    assert searched.json()["statuses"] == []
    # Carol's reblog of it is hidden too, wherever it would show, and so is her reply.
    assert ids(client, bob, "/api/v1/timelines/home") == []
    assert ids(client, bob, "/api/v1/timelines/public") == []
    assert ids(client, bob, "/api/v1/timelines/tag/blocked") == []
    assert ids(client, bob, f"/api/v1/accounts/{carol.id}/statuses") == []
    assert status in ids(client, None, "/api/v1/timelines/public")


def test_timelines_leave_out_whom_the_reader_blocks(client: Client) -> None:
    """Mastodon's feeds: nothing by, reblogged from or replying to a blocked account;
    their profile (which the reader chose to open) and a status itself still show."""
    alice, bob, carol = (client.register(n) for n in ("alice", "bob", "carol"))
    follow(client, alice, carol)
    follow(client, alice, bob)
    status = post(client, bob, "by bob #tagged")["id"]
    reply = post(client, carol, "to bob", in_reply_to_id=status)["id"]
    reblog = client.post(f"/api/v1/statuses/{status}/reblog", headers=carol.auth).json()["id"]
    mine = post(client, alice, "mine, to bob", in_reply_to_id=status)["id"]
    direct = post(client, bob, "@alice hi", visibility="direct")["id"]
    kept = post(client, carol, "by carol")["id"]
    assert status in ids(client, alice, "/api/v1/timelines/public")
    block(client, alice, bob)
    assert ids(client, alice, "/api/v1/timelines/home") == [kept, mine]
    assert ids(client, alice, "/api/v1/timelines/public") == [kept, mine]
    assert ids(client, alice, "/api/v1/timelines/tag/tagged") == []
    assert ids(client, alice, "/api/v1/timelines/direct") == []
    assert ids(client, alice, f"/api/v1/accounts/{bob.id}/statuses") == [direct, status]
    assert ids(client, alice, f"/api/v1/accounts/{carol.id}/statuses") == [kept]
    assert client.get(f"/api/v1/statuses/{status}", headers=alice.auth).status_code == 200
    around = client.get(f"/api/v1/statuses/{reply}/context", headers=alice.auth).json()
    assert around["ancestors"] == []
    # Unblocking brings back what the home still holds: the follow was ended and stays
    # so, which took bob's posts (and the reblog the home skipped for its original) away.
    block(client, alice, bob, "unblock")
    assert ids(client, alice, "/api/v1/timelines/home") == [kept, direct, mine, reply]
    assert reblog in ids(client, alice, f"/api/v1/accounts/{carol.id}/statuses")


def test_the_blocks_list_pages_newest_first(client: Client) -> None:
    alice = client.register("alice")
    others = [client.register(f"user{i}") for i in range(3)]
    for other in others:
        block(client, alice, other)
    first = client.get("/api/v1/blocks", headers=alice.auth, params={"limit": 2})
    assert [a["id"] for a in first.json()] == [others[2].id, others[1].id]
    assert 'rel="next"' in first.headers["link"]
    next_url = first.headers["link"].split(">")[0].lstrip("<")
    rest = client.get(next_url, headers=alice.auth)
    assert [a["id"] for a in rest.json()] == [others[0].id]
    assert client.get("/api/v1/blocks", headers=others[0].auth).json() == []


def test_domain_blocks_are_listed_and_undone(client: Client, db: psycopg.Connection[Any]) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    for domain in ("spam.example", "Evil.Example."):
        response = client.post("/api/v1/domain_blocks", headers=alice.auth, data={"domain": domain})
        assert response.status_code == 200, response.text
        assert response.json() == {}
    before = event_count(db)
    again = client.post(
        "/api/v1/domain_blocks", headers=alice.auth, json={"domain": "spam.example"}
    )
    assert again.status_code == 200 and event_count(db) == before
    listed = client.get("/api/v1/domain_blocks", headers=alice.auth)
    assert listed.json() == ["evil.example", "spam.example"]
    assert client.get("/api/v1/domain_blocks", headers=bob.auth).json() == []
    gone = client.delete(
        "/api/v1/domain_blocks", headers=alice.auth, params={"domain": "evil.example"}
    )
    assert gone.status_code == 200, gone.text
    assert client.get("/api/v1/domain_blocks", headers=alice.auth).json() == ["spam.example"]
    # Every account here is on this domain: no relationship shows a domain block.
    assert relationship(client, alice, bob)["domain_blocking"] is False


def test_blocking_this_domain_or_no_domain_is_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    for domain, says in (
        ("testserver.local", "own domain"),
        ("TestServer.Local", "own domain"),
        ("", "blank"),
        ("  ", "blank"),
        ("not a domain", "valid domain"),
        ("-bad-.example", "valid domain"),
        ("a..b", "valid domain"),
        ("x" * 64 + ".example", "valid domain"),
        ("https://spam.example/", "valid domain"),
    ):
        response = client.post("/api/v1/domain_blocks", headers=alice.auth, data={"domain": domain})
        assert response.status_code == 422, (domain, response.text)
        assert says in response.json()["error"], (domain, response.json())
    missing = client.post("/api/v1/domain_blocks", headers=alice.auth)
    assert missing.status_code == 422
    assert event_count(db) == before
    assert client.get("/api/v1/domain_blocks", headers=alice.auth).json() == []


def test_mastodon_py_blocks_mutes_and_blocks_domains(live_server: str) -> None:
    from mastodon import Mastodon

    def signed_in(name: str) -> Any:
        client_id, client_secret = Mastodon.create_app(
            "mastodon.py", api_base_url=live_server, scopes=["read", "write", "follow", "push"]
        )
        api = Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=live_server,
            version_check_mode="none",
        )
        api.create_account(name, "correct horse", f"{name}@example.org", agreement=True)
        return api

    alice, bob = signed_in("alice"), signed_in("bob")
    bob_id = bob.account_verify_credentials().id
    alice.account_follow(bob_id)
    rel = alice.account_block(bob_id)
    assert rel.blocking is True and rel.following is False
    assert [a.id for a in alice.blocks()] == [bob_id]
    assert alice.account_unblock(bob_id).blocking is False
    assert alice.blocks() == []
    muted = alice.account_mute(bob_id, notifications=False, duration=3600)
    assert (muted.muting, muted.muting_notifications) == (True, False)
    (listed,) = alice.mutes()
    assert listed.id == bob_id and listed.mute_expires_at is not None
    assert alice.account_unmute(bob_id).muting is False
    assert alice.mutes() == []
    alice.domain_block("spam.example")
    assert alice.domain_blocks() == ["spam.example"]
    alice.domain_unblock("spam.example")
    assert alice.domain_blocks() == []


def test_conversations_leave_out_the_blocked_either_way(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    dm = post(client, bob, "@alice psst", visibility="direct")
    listed = client.get("/api/v1/conversations", headers=alice.auth).json()
    assert [c["last_status"]["id"] for c in listed] == [dm["id"]]
    participation = listed[0]["id"]
    block(client, alice, bob)
    shown = client.get("/api/v1/conversations", headers=alice.auth).json()
    assert [c["last_status"] for c in shown] == [None]
    own = client.get("/api/v1/conversations", headers=bob.auth).json()  # one's own stays
    assert [c["last_status"]["id"] for c in own] == [dm["id"]]
    thread = client.get(
        f"/api/v1/pleroma/conversations/{participation}/statuses", headers=alice.auth
    )
    assert thread.status_code == 200 and thread.json() == []


def test_a_mention_of_the_blocker_is_posted_but_never_fed_to_them(client: Client) -> None:
    """As Mastodon: the blocked may still write @blocker; the status exists, but none of
    the blocker's timelines or conversations carries it (the blocker may open it)."""
    alice, bob = client.register("alice"), client.register("bob")
    block(client, alice, bob)
    public = post(client, bob, "@alice hello")["id"]
    direct = post(client, bob, "@alice psst", visibility="direct")["id"]
    assert ids(client, alice, "/api/v1/timelines/home") == []
    assert ids(client, alice, "/api/v1/timelines/direct") == []
    conversations = client.get("/api/v1/conversations", headers=alice.auth).json()
    assert [c["last_status"] for c in conversations] == [None]
    assert ids(client, alice, "/api/v1/timelines/public") == []
    for status in (public, direct):
        assert client.get(f"/api/v1/statuses/{status}", headers=alice.auth).status_code == 200
    assert ids(client, bob, "/api/v1/timelines/direct") == [direct]


def test_blocking_rejects_the_targets_pending_follow_request(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, alice)
    asked = client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    assert asked.json()["requested"] is True, asked.text
    block(client, alice, bob)
    (rejected,) = events_of(db, follow_stream(bob.id, alice.id), "Reject")
    assert (rejected["actor"], rejected["object"]) == (alice.id, bob.id)
    assert client.get("/api/v1/follow_requests", headers=alice.auth).json() == []
    assert relationship(client, bob, alice)["requested"] is False
