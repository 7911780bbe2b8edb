"""The follow side of the social graph over HTTP: requests to locked accounts, removing
followers, subscriptions, notes, endorsements, follower lists and relationships."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import psycopg
import pytest

from tests.api.test_statuses import follow, post, scoped_auth
from tests.api.test_timelines import timeline
from tests.helpers import Client, User, event_count, events_of
from tidings.domain.application import Tidings
from tidings.domain.graph.aggregates import endorsements_stream, follow_stream, note_stream
from tidings.projections.rebuild import verify


def lock(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials", headers=user.auth, data={"locked": "true"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["locked"] is True


def act(client: Client, user: User, path: str, **data: Any) -> dict[str, Any]:
    response = client.post(path, headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def rel(client: Client, viewer: User, other: User) -> dict[str, Any]:
    response = client.get(
        "/api/v1/accounts/relationships", params={"id[]": [other.id]}, headers=viewer.auth
    )
    assert response.status_code == 200, response.text
    [relationship] = response.json()
    assert relationship["id"] == other.id
    answer: dict[str, Any] = relationship
    return answer


def ids(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()]


def me(client: Client, user: User) -> dict[str, Any]:
    answer: dict[str, Any] = client.get(
        "/api/v1/accounts/verify_credentials", headers=user.auth
    ).json()
    return answer


def refused(
    client: Client, db: psycopg.Connection[Any], user: User, path: str, status: int, **data: Any
) -> str:
    """The request is answered ``status`` with an error, and nothing was written."""
    before = event_count(db)
    response = client.post(path, headers=user.auth, data=data)
    assert response.status_code == status, response.text
    assert event_count(db) == before
    message: str = response.json()["error"]
    return message


# Locked accounts and follow requests


def test_following_a_locked_account_asks_instead_of_following(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, bob)
    answered = act(client, alice, f"/api/v1/accounts/{bob.id}/follow", notify="true")
    assert answered["requested"] is True and answered["following"] is False
    assert answered["notifying"] is True  # the request keeps the options it was sent with
    [stored] = events_of(db, follow_stream(alice.id, bob.id), "Follow")
    assert stored["requested"] is True and stored["actor"] == alice.id
    assert stored["object"] == bob.id

    seen_by_bob = rel(client, bob, alice)
    assert seen_by_bob["requested_by"] is True and seen_by_bob["followed_by"] is False
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == [alice.id]
    own = me(client, bob)
    assert own["source"]["follow_requests_count"] == 1
    assert own["follow_requests_count"] == 1
    assert own["followers_count"] == 0 and me(client, alice)["following_count"] == 0
    assert ids(client.get(f"/api/v1/accounts/{bob.id}/followers", headers=bob.auth)) == []
    assert "follow_requests_count" not in client.get(f"/api/v1/accounts/{bob.id}").json()

    again = act(client, alice, f"/api/v1/accounts/{bob.id}/follow", notify="true")
    assert again["requested"] is True  # a retried request records nothing more
    assert len(events_of(db, follow_stream(alice.id, bob.id), "Follow")) == 1


def test_a_request_shows_nothing_at_home_until_it_is_authorised(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, bob)
    earlier = post(client, bob, "for friends", visibility="private")["id"]
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    during = post(client, bob, "still for friends", visibility="private")["id"]
    assert timeline(client, "home", alice) == []
    assert client.get(f"/api/v1/statuses/{during}", headers=alice.auth).status_code == 404

    answered = act(client, bob, f"/api/v1/follow_requests/{alice.id}/authorize")
    assert answered["id"] == alice.id
    assert answered["followed_by"] is True and answered["requested_by"] is False
    [accept] = events_of(db, follow_stream(alice.id, bob.id), "Accept")
    assert accept["actor"] == bob.id and accept["object"] == alice.id

    assert set(timeline(client, "home", alice)) == {earlier, during}
    after = post(client, bob, "and now", visibility="private")["id"]
    assert timeline(client, "home", alice)[0] == after
    assert rel(client, alice, bob)["following"] is True
    assert rel(client, alice, bob)["requested"] is False
    assert ids(client.get(f"/api/v1/accounts/{bob.id}/followers", headers=bob.auth)) == [alice.id]
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == []
    assert me(client, bob)["followers_count"] == 1
    assert me(client, bob)["source"]["follow_requests_count"] == 0
    assert me(client, alice)["following_count"] == 1

    retried = act(client, bob, f"/api/v1/follow_requests/{alice.id}/authorize")
    assert retried["followed_by"] is True
    assert len(events_of(db, follow_stream(alice.id, bob.id), "Accept")) == 1


def test_a_rejected_request_is_gone_and_can_be_asked_again(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, bob)
    post(client, bob, "for friends", visibility="private")
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    answered = act(client, bob, f"/api/v1/follow_requests/{alice.id}/reject")
    assert answered["requested_by"] is False and answered["followed_by"] is False
    [reject] = events_of(db, follow_stream(alice.id, bob.id), "Reject")
    assert reject["actor"] == bob.id and reject["object"] == alice.id
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == []
    assert rel(client, alice, bob)["requested"] is False
    assert timeline(client, "home", alice) == []
    assert me(client, bob)["followers_count"] == 0

    assert act(client, alice, f"/api/v1/accounts/{bob.id}/follow")["requested"] is True
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == [alice.id]


def test_unfollowing_a_pending_request_withdraws_it(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, bob)
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    answered = act(client, alice, f"/api/v1/accounts/{bob.id}/unfollow")
    assert answered["requested"] is False and answered["following"] is False
    assert len(events_of(db, follow_stream(alice.id, bob.id), "Undo")) == 1
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == []
    assert me(client, bob)["source"]["follow_requests_count"] == 0
    refused(client, db, bob, f"/api/v1/follow_requests/{alice.id}/authorize", 404)


def test_answering_a_request_that_does_not_exist_is_404_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    lock(client, bob)
    follow(client, carol, alice)  # alice is not locked: carol simply follows
    for answer in ("authorize", "reject"):
        for who in (alice.id, "000000000000000000", "not a flake!"):
            message = refused(client, db, bob, f"/api/v1/follow_requests/{who}/{answer}", 404)
            assert message in ("Record not found", "Follow request not found")
    # an accepted follower is removed with remove_from_followers, not rejected
    refused(client, db, alice, f"/api/v1/follow_requests/{carol.id}/reject", 404)


def test_follow_requests_page_newest_first_with_link_headers(client: Client) -> None:
    bob = client.register("bob")
    lock(client, bob)
    askers = [client.register(f"asker{n}") for n in range(3)]
    for asker in askers:
        act(client, asker, f"/api/v1/accounts/{bob.id}/follow")
    first = client.get("/api/v1/follow_requests", params={"limit": 2}, headers=bob.auth)
    assert ids(first) == [askers[2].id, askers[1].id]
    next_url = re.search(r'<([^>]+)>; rel="next"', first.headers["link"])
    assert next_url is not None
    query = parse_qs(urlsplit(next_url[1]).query)
    second = client.get("/api/v1/follow_requests", params=query, headers=bob.auth)
    assert ids(second) == [askers[0].id]


def test_follow_requests_need_a_user_token_with_the_follow_scopes(client: Client) -> None:
    bob = client.register("bob")
    assert client.get("/api/v1/follow_requests").status_code == 401
    limited = scoped_auth(client, bob, "read:statuses")
    assert client.get("/api/v1/follow_requests", headers=limited).status_code == 403
    follows_only = scoped_auth(client, bob, "read:follows")
    assert client.get("/api/v1/follow_requests", headers=follows_only).status_code == 200


def test_unlocking_leaves_pending_requests_pending_and_new_follows_go_straight_through(
    client: Client,
) -> None:
    """Pleroma does not accept pending requests when an account unlocks (Mastodon does);
    the owner can still answer them, and a new follow is a follow."""
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    lock(client, bob)
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    client.patch("/api/v1/accounts/update_credentials", headers=bob.auth, data={"locked": "0"})
    assert rel(client, alice, bob)["requested"] is True
    assert act(client, carol, f"/api/v1/accounts/{bob.id}/follow")["following"] is True
    following = act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    assert following["following"] is True and following["requested"] is False
    assert ids(client.get("/api/v1/follow_requests", headers=bob.auth)) == []
    assert me(client, bob)["followers_count"] == 2


def test_a_follow_made_before_locking_stays_a_follow(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    lock(client, bob)
    changed = act(client, alice, f"/api/v1/accounts/{bob.id}/follow", reblogs="false")
    assert changed["following"] is True and changed["showing_reblogs"] is False
    assert changed["requested"] is False


# Removing followers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/accounts/{id}/remove_from_followers",
        "/api/v1/pleroma/accounts/{id}/remove_from_followers",
    ],
)
def test_a_removed_follower_stops_receiving(
    client: Client, db: psycopg.Connection[Any], path: str
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    shown = post(client, bob, "for friends", visibility="private")["id"]
    assert timeline(client, "home", alice) == [shown]

    answered = act(client, bob, path.format(id=alice.id))
    assert answered["id"] == alice.id and answered["followed_by"] is False
    [reject] = events_of(db, follow_stream(alice.id, bob.id), "Reject")
    assert reject["actor"] == bob.id and reject["object"] == alice.id
    assert rel(client, alice, bob)["following"] is False
    assert timeline(client, "home", alice) == []
    post(client, bob, "later", visibility="private")
    assert timeline(client, "home", alice) == []
    assert me(client, bob)["followers_count"] == 0
    assert me(client, alice)["following_count"] == 0
    assert ids(client.get(f"/api/v1/accounts/{bob.id}/followers", headers=bob.auth)) == []

    # someone who does not follow: nothing to remove, nothing written
    before = event_count(db)
    assert act(client, bob, path.format(id=alice.id))["followed_by"] is False
    assert event_count(db) == before
    refused(client, db, bob, path.format(id="000000000000000000"), 404)


# Subscriptions


def test_subscribing_is_the_follows_notify(client: Client, db: psycopg.Connection[Any]) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    on = act(client, alice, f"/api/v1/pleroma/accounts/{bob.id}/subscribe")
    assert on["subscribing"] is True and on["notifying"] is True and on["following"] is True
    [_, stored] = events_of(db, follow_stream(alice.id, bob.id), "Follow")
    assert stored["notify"] is True
    off = act(client, alice, f"/api/v1/pleroma/accounts/{bob.id}/unsubscribe")
    assert off["subscribing"] is False and off["notifying"] is False and off["following"] is True
    via_follow = act(client, alice, f"/api/v1/accounts/{bob.id}/follow", notify="true")
    assert via_follow["subscribing"] is True


def test_subscribing_without_following_is_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    message = refused(client, db, alice, f"/api/v1/pleroma/accounts/{bob.id}/subscribe", 422)
    assert "follow" in message
    before = event_count(db)
    assert (
        act(client, alice, f"/api/v1/pleroma/accounts/{bob.id}/unsubscribe")["subscribing"] is False
    )
    assert event_count(db) == before
    refused(client, db, alice, "/api/v1/pleroma/accounts/000000000000000000/subscribe", 404)
    refused(client, db, alice, f"/api/v1/pleroma/accounts/{alice.id}/subscribe", 422)


def test_subscribing_to_a_pending_request_keeps_it_a_request(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    lock(client, bob)
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow")
    on = act(client, alice, f"/api/v1/pleroma/accounts/{bob.id}/subscribe")
    assert on["requested"] is True and on["subscribing"] is True and on["following"] is False
    act(client, bob, f"/api/v1/follow_requests/{alice.id}/authorize")
    accepted = rel(client, alice, bob)
    assert accepted["following"] is True and accepted["notifying"] is True


# Notes


def test_a_note_is_its_authors_alone_and_stored_encrypted(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    answered = act(client, alice, f"/api/v1/accounts/{bob.id}/note", comment="met at the fair")
    assert answered["note"] == "met at the fair" and answered["id"] == bob.id
    assert rel(client, alice, bob)["note"] == "met at the fair"
    assert rel(client, bob, alice)["note"] == ""
    [stored] = events_of(db, note_stream(alice.id, bob.id), "AccountNoteChanged")
    assert "comment" not in stored and "_pii" in stored
    dumped = db.execute("SELECT state FROM tidings_events").fetchall()
    assert not any(b"the fair" in bytes(row[0]) for row in dumped)

    before = event_count(db)
    act(client, alice, f"/api/v1/accounts/{bob.id}/note", comment="met at the fair")
    assert event_count(db) == before  # the same note again records nothing
    cleared = act(client, alice, f"/api/v1/accounts/{bob.id}/note", comment="")
    assert cleared["note"] == ""


def test_bad_notes_are_refused_and_write_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    message = refused(client, db, alice, f"/api/v1/accounts/{bob.id}/note", 422, comment="x" * 2001)
    assert "too long" in message
    refused(client, db, alice, "/api/v1/accounts/000000000000000000/note", 404, comment="hi")
    refused(client, db, alice, "/api/v1/accounts/bob/note", 404, comment="hi")
    limited = scoped_auth(client, alice, "read")
    before = event_count(db)
    response = client.post(
        f"/api/v1/accounts/{bob.id}/note", headers=limited, data={"comment": "hi"}
    )
    assert response.status_code == 403 and event_count(db) == before


# Endorsements


def test_endorsing_needs_a_follow_and_ends_with_it(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    message = refused(client, db, alice, f"/api/v1/accounts/{bob.id}/pin", 422)
    assert "following" in message
    refused(client, db, alice, f"/api/v1/accounts/{alice.id}/pin", 422)
    refused(client, db, alice, "/api/v1/accounts/000000000000000000/pin", 404)

    follow(client, alice, bob)
    follow(client, alice, carol)
    assert act(client, alice, f"/api/v1/accounts/{bob.id}/pin")["endorsed"] is True
    assert act(client, alice, f"/api/v1/accounts/{carol.id}/pin")["endorsed"] is True
    assert len(events_of(db, endorsements_stream(alice.id), "Add")) == 2
    act(client, alice, f"/api/v1/accounts/{bob.id}/pin")  # twice records nothing
    assert len(events_of(db, endorsements_stream(alice.id), "Add")) == 2

    assert ids(client.get("/api/v1/endorsements", headers=alice.auth)) == [carol.id, bob.id]
    for path in (
        f"/api/v1/pleroma/accounts/{alice.id}/endorsements",
        f"/api/v1/accounts/{alice.id}/endorsements",
    ):
        assert ids(client.get(path)) == [carol.id, bob.id]  # visitors see them too
    assert rel(client, alice, bob)["endorsed"] is True
    assert rel(client, bob, alice)["endorsed"] is False

    assert act(client, alice, f"/api/v1/accounts/{carol.id}/unendorse")["endorsed"] is False
    act(client, alice, f"/api/v1/accounts/{bob.id}/unfollow")
    assert ids(client.get("/api/v1/endorsements", headers=alice.auth)) == []
    assert rel(client, alice, bob)["endorsed"] is False
    assert len(events_of(db, endorsements_stream(alice.id), "Remove")) == 2


def test_a_removed_follower_loses_its_endorsement(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    act(client, alice, f"/api/v1/accounts/{bob.id}/pin")
    act(client, bob, f"/api/v1/accounts/{alice.id}/remove_from_followers")
    assert ids(client.get(f"/api/v1/pleroma/accounts/{alice.id}/endorsements")) == []


# Followers and following


def test_followers_and_following_page_newest_first(client: Client) -> None:
    bob = client.register("bob")
    fans = [client.register(f"fan{n}") for n in range(3)]
    for fan in fans:
        follow(client, fan, bob)
        follow(client, bob, fan)
    path = f"/api/v1/accounts/{bob.id}/followers"
    first = client.get(path, params={"limit": 2})
    assert ids(first) == [fans[2].id, fans[1].id]
    link = first.headers["link"]
    next_url = re.search(r'<([^>]+)>; rel="next"', link)
    assert next_url is not None
    assert ids(client.get(path, params=parse_qs(urlsplit(next_url[1]).query))) == [fans[0].id]
    following = client.get(f"/api/v1/accounts/{bob.id}/following", headers=fans[0].auth)
    assert ids(following) == [fans[2].id, fans[1].id, fans[0].id]
    with_rels = client.get(
        f"/api/v1/accounts/{bob.id}/following",
        params={"with_relationships": "true", "limit": 1},
        headers=bob.auth,
    ).json()
    assert with_rels[0]["id"] == fans[2].id
    relationship = with_rels[0]["pleroma"]["relationship"]
    assert relationship["following"] is True and relationship["followed_by"] is True
    for missing in ("000000000000000000", "bob", "no.such!id"):
        assert client.get(f"/api/v1/accounts/{missing}/followers").status_code == 404


def test_hidden_lists_answer_empty_to_everyone_but_their_owner(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, alice, bob)
    follow(client, bob, alice)
    client.patch(
        "/api/v1/accounts/update_credentials",
        headers=bob.auth,
        data={"hide_followers": "true", "hide_follows": "true"},
    )
    for path in ("followers", "following"):
        url = f"/api/v1/accounts/{bob.id}/{path}"
        assert ids(client.get(url)) == []
        assert ids(client.get(url, headers=alice.auth)) == []
        assert ids(client.get(url, headers=bob.auth)) == [alice.id]


# Relationships


def test_relationships_answer_every_field_for_many_ids_in_order(client: Client) -> None:
    alice, bob, carol, dave = (client.register(n) for n in ("alice", "bob", "carol", "dave"))
    lock(client, dave)
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow", reblogs="false", notify="true")
    follow(client, carol, alice)
    act(client, alice, f"/api/v1/accounts/{dave.id}/follow")
    act(client, alice, f"/api/v1/accounts/{bob.id}/pin")
    act(client, alice, f"/api/v1/accounts/{carol.id}/note", comment="colleague")
    response = client.get(
        "/api/v1/accounts/relationships",
        params={"id[]": [dave.id, bob.id, carol.id, "000000000000000000", "bad!"]},
        headers=alice.auth,
    )
    assert response.status_code == 200, response.text
    to_dave, to_bob, to_carol = response.json()
    fields = {
        "id", "following", "showing_reblogs", "notifying", "subscribing", "followed_by",
        "requested", "requested_by", "endorsed", "note", "blocking", "blocked_by",
        "muting", "muting_notifications", "domain_blocking",
    }  # fmt: skip
    assert fields <= set(to_bob)
    assert to_bob["following"] is True and to_bob["showing_reblogs"] is False
    assert to_bob["notifying"] is True and to_bob["subscribing"] is True
    assert to_bob["endorsed"] is True and to_bob["followed_by"] is False
    assert to_carol["followed_by"] is True and to_carol["following"] is False
    assert to_carol["note"] == "colleague" and to_carol["showing_reblogs"] is True
    assert to_dave["requested"] is True and to_dave["following"] is False
    assert rel(client, dave, alice)["requested_by"] is True
    assert client.get("/api/v1/accounts/relationships", headers=alice.auth).json() == []


# Refusals


def test_follow_refusals_write_nothing(client: Client, db: psycopg.Connection[Any]) -> None:
    alice = client.register("alice")
    message = refused(client, db, alice, f"/api/v1/accounts/{alice.id}/follow", 422)
    assert "yourself" in message
    for missing in ("000000000000000000", "zzzzzzzzzzzzzzzzzzzzzzzzzz", "no.such!id"):
        refused(client, db, alice, f"/api/v1/accounts/{missing}/follow", 404)
        refused(client, db, alice, f"/api/v1/accounts/{missing}/unfollow", 404)


# Rebuilding


def test_rebuilt_read_models_match_the_live_ones(
    client: Client, database: str, store: Tidings
) -> None:
    """Page keys come from log positions, so a rebuild pages exactly as the live model."""
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    lock(client, bob)
    post(client, bob, "for friends", visibility="private")
    act(client, alice, f"/api/v1/accounts/{bob.id}/follow", notify="true")
    act(client, carol, f"/api/v1/accounts/{bob.id}/follow")
    act(client, bob, f"/api/v1/follow_requests/{alice.id}/authorize")
    act(client, bob, f"/api/v1/follow_requests/{carol.id}/reject")
    follow(client, bob, carol)
    follow(client, carol, alice)
    act(client, alice, f"/api/v1/accounts/{carol.id}/remove_from_followers")
    act(client, bob, f"/api/v1/accounts/{carol.id}/pin")
    act(client, bob, f"/api/v1/accounts/{alice.id}/note", comment="a friend")
    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("relationships", "home_timeline", "account_stats"):
            assert set(verify(conn, store, name).values()) == {0}, name
