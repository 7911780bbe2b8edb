"""Notifications: what each kind of event tells whom, the list's filters and paging, and the
reader's own acts (dismiss, clear, read), which survive a rebuild of the read model."""

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count
from tidings.domain.ids import is_flake
from tidings.projections.notifications import notification_flake


def notifications(client: Client, user: User, **query: Any) -> list[dict[str, Any]]:
    response = client.get("/api/v1/notifications", headers=user.auth, params=query)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def kinds(client: Client, user: User, **query: Any) -> list[tuple[str, str]]:
    """(type, sender username) of each notification, newest first."""
    return [(n["type"], n["account"]["username"]) for n in notifications(client, user, **query)]


def test_a_mention_notifies_the_mentioned_with_the_status_rendered_for_them(
    client: Client,
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status = post(client, alice, "hello @bob")
    found = notifications(client, bob)
    assert len(found) == 1
    note = found[0]
    assert note["type"] == "mention"
    assert note["account"]["id"] == alice.id
    assert note["status"]["id"] == status["id"]
    assert note["status"]["favourited"] is False
    assert note["pleroma"] == {"is_seen": False, "is_muted": False}
    assert note["created_at"].endswith("Z")
    assert notifications(client, carol) == []
    assert notifications(client, alice) == []  # never told of one's own acts
    shown = client.get(f"/api/v1/notifications/{note['id']}", headers=bob.auth)
    assert shown.status_code == 200 and shown.json() == note
    # Someone else's notification is not found, as an unknown one.
    assert client.get(f"/api/v1/notifications/{note['id']}", headers=carol.auth).status_code == 404


def test_an_edit_mentioning_someone_new_does_not_notify_them(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = post(client, alice, "hello")
    edited = client.put(
        f"/api/v1/statuses/{status['id']}", headers=alice.auth, data={"status": "hello @bob"}
    )
    assert edited.status_code == 200, edited.text
    assert notifications(client, bob) == []


def test_direct_messages_notify_as_mentions_and_list_members_are_not_mentioned(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    post(client, alice, "@bob psst", visibility="direct")
    assert kinds(client, bob) == [("mention", "alice")]


def test_favourites_and_reblogs_notify_the_author_and_undoing_takes_them_back(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = post(client, alice, "a post")["id"]
    for path in ("favourite", "reblog"):
        response = client.post(f"/api/v1/statuses/{status}/{path}", headers=bob.auth)
        assert response.status_code == 200, response.text
    assert kinds(client, alice) == [("reblog", "bob"), ("favourite", "bob")]
    assert [n["status"]["id"] for n in notifications(client, alice)] == [status, status]
    # One's own favourite of one's own post tells no one.
    client.post(f"/api/v1/statuses/{status}/favourite", headers=alice.auth)
    assert len(notifications(client, alice)) == 2
    client.post(f"/api/v1/statuses/{status}/unfavourite", headers=bob.auth)
    assert kinds(client, alice) == [("reblog", "bob")]
    client.post(f"/api/v1/statuses/{status}/unreblog", headers=bob.auth)
    assert kinds(client, alice) == []


def test_deleting_a_status_takes_its_notifications(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = post(client, alice, "hi @bob")["id"]
    mine = post(client, bob, "mine")["id"]
    client.post(f"/api/v1/statuses/{mine}/favourite", headers=alice.auth)
    assert kinds(client, bob) == [("favourite", "alice"), ("mention", "alice")]
    assert client.delete(f"/api/v1/statuses/{status}", headers=alice.auth).status_code == 200
    assert kinds(client, bob) == [("favourite", "alice")]
    assert client.delete(f"/api/v1/statuses/{mine}", headers=bob.auth).status_code == 200
    assert kinds(client, bob) == []


def test_a_follow_notifies_and_unfollowing_takes_it_back(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    found = notifications(client, alice)
    assert [(n["type"], n["account"]["id"]) for n in found] == [("follow", bob.id)]
    assert "status" not in found[0]
    # Changing the follow's options tells no one again.
    changed = client.post(
        f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth, data={"notify": "true"}
    )
    assert changed.status_code == 200
    assert len(notifications(client, alice)) == 1
    client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=bob.auth)
    assert notifications(client, alice) == []


def test_new_statuses_notify_followers_who_asked_to_be_notified(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    subscribed = client.post(
        f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth, data={"notify": "true"}
    )
    assert subscribed.status_code == 200, subscribed.text
    follow(client, carol, alice)
    status = post(client, alice, "news")["id"]
    post(client, alice, "for friends", visibility="private")
    post(client, alice, "@carol just you", visibility="direct")
    other = post(client, carol, "carol's")["id"]
    post(client, alice, "a reply to carol", in_reply_to_id=other)
    mentioned = post(client, alice, "@bob look")["id"]
    found = notifications(client, bob)
    assert [n["type"] for n in found] == ["mention", "status", "status"]
    assert found[0]["status"]["id"] == mentioned  # a mention, not both
    assert found[2]["status"]["id"] == status
    assert kinds(client, carol) == [("mention", "alice")]  # a reply names no one by itself


def test_editing_a_status_notifies_those_who_reblogged_it(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status = post(client, alice, "first")["id"]
    client.post(f"/api/v1/statuses/{status}/reblog", headers=bob.auth)
    client.post(f"/api/v1/statuses/{status}/favourite", headers=carol.auth)
    edited = client.put(f"/api/v1/statuses/{status}", headers=alice.auth, data={"status": "2nd"})
    assert edited.status_code == 200, edited.text
    found = notifications(client, bob)
    assert [(n["type"], n["account"]["id"]) for n in found] == [("update", alice.id)]
    assert found[0]["status"]["content"] == "<p>2nd</p>"
    assert notifications(client, carol) == []
    client.post(f"/api/v1/statuses/{status}/unreblog", headers=bob.auth)
    client.put(f"/api/v1/statuses/{status}", headers=alice.auth, data={"status": "3rd"})
    assert len(notifications(client, bob)) == 1  # no longer reblogged: not told again


def _poll(client: Client, user: User, expires_in: int) -> dict[str, Any]:
    return post(
        client,
        user,
        "which?",
        **{"poll[options][]": ["a", "b"], "poll[expires_in]": str(expires_in)},
    )


def test_a_poll_that_ended_notifies_its_author_and_voters_once_it_has_ended(
    client: Client,
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    ended = _poll(client, alice, 0)
    assert kinds(client, alice) == [("poll", "alice")]
    assert notifications(client, alice)[0]["status"]["id"] == ended["id"]
    running = _poll(client, alice, 2)
    voted = client.post(
        f"/api/v1/polls/{running['poll']['id']}/votes", headers=bob.auth, data={"choices[]": "0"}
    )
    assert voted.status_code == 200, voted.text
    assert kinds(client, bob) == []  # not until it ends
    assert len(notifications(client, alice)) == 1
    deadline = time.monotonic() + 10
    while not notifications(client, bob) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kinds(client, bob) == [("poll", "alice")]
    assert [n["status"]["id"] for n in notifications(client, alice)] == [
        running["id"],
        ended["id"],
    ]
    assert notifications(client, carol) == []


def test_types_exclude_types_account_id_and_exclude_visibilities_filter_the_list(
    client: Client,
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, bob, alice)
    mine = post(client, alice, "mine")["id"]
    client.post(f"/api/v1/statuses/{mine}/favourite", headers=carol.auth)
    post(client, bob, "@alice secret", visibility="direct")
    post(client, carol, "@alice hi")
    assert [t for t, _ in kinds(client, alice)] == ["mention", "mention", "favourite", "follow"]
    assert kinds(client, alice, **{"types[]": "follow"}) == [("follow", "bob")]
    assert kinds(client, alice, **{"include_types[]": ["follow", "favourite"]}) == [
        ("favourite", "carol"),
        ("follow", "bob"),
    ]
    assert [t for t, _ in kinds(client, alice, **{"exclude_types[]": ["mention"]})] == [
        "favourite",
        "follow",
    ]
    assert kinds(client, alice, account_id=carol.id) == [
        ("mention", "carol"),
        ("favourite", "carol"),
    ]
    assert kinds(client, alice, **{"exclude_visibilities[]": "direct"}) == [
        ("mention", "carol"),
        ("favourite", "carol"),
        ("follow", "bob"),
    ]
    # A type this server does not make matches nothing, as Mastodon has it.
    assert kinds(client, alice, **{"types[]": "admin.sign_up"}) == []


def test_an_unknown_visibility_is_refused(client: Client) -> None:
    alice = client.register("alice")
    response = client.get(
        "/api/v1/notifications", headers=alice.auth, params={"exclude_visibilities[]": "secret"}
    )
    assert response.status_code == 400
    assert "Invalid value for enum" in response.json()["error"]


def test_the_list_pages_by_id_with_link_headers(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    made = [post(client, bob, f"@alice {n}")["id"] for n in range(5)]
    everything = notifications(client, alice)
    assert [n["status"]["id"] for n in everything] == made[::-1]
    ids = [n["id"] for n in everything]
    assert ids == sorted(ids, reverse=True)
    first = client.get("/api/v1/notifications", headers=alice.auth, params={"limit": 2})
    assert [n["id"] for n in first.json()] == ids[:2]
    assert f"max_id={ids[1]}" in first.headers["link"]
    assert f"min_id={ids[0]}" in first.headers["link"]
    older = notifications(client, alice, max_id=ids[1], limit=2)
    assert [n["id"] for n in older] == ids[2:4]
    newer = notifications(client, alice, min_id=ids[3], limit=2)
    assert [n["id"] for n in newer] == ids[1:3]
    assert [n["id"] for n in notifications(client, alice, since_id=ids[1])] == ids[:1]


def test_dismissing_one_clearing_and_destroying_several(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    for n in range(4):
        post(client, bob, f"@alice {n}")
    ids = [n["id"] for n in notifications(client, alice)]
    dismissed = client.post(f"/api/v1/notifications/{ids[0]}/dismiss", headers=alice.auth)
    assert dismissed.status_code == 200 and dismissed.json() == {}
    assert [n["id"] for n in notifications(client, alice)] == ids[1:]
    legacy = client.post("/api/v1/notifications/dismiss", headers=alice.auth, data={"id": ids[1]})
    assert legacy.status_code == 200
    destroyed = client.delete(
        "/api/v1/notifications/destroy_multiple",
        headers=alice.auth,
        params={"ids[]": [ids[2], "nonsense", ids[0]]},
    )
    assert destroyed.status_code == 200 and destroyed.json() == {}
    assert [n["id"] for n in notifications(client, alice)] == ids[3:]
    assert client.post("/api/v1/notifications/clear", headers=alice.auth).json() == {}
    assert notifications(client, alice) == []
    before = event_count(db)
    assert client.post("/api/v1/notifications/clear", headers=alice.auth).status_code == 200
    assert event_count(db) == before  # nothing left to clear: nothing recorded
    post(client, bob, "@alice after")
    assert len(notifications(client, alice)) == 1  # clearing is of what was there


def test_dismissing_what_is_not_the_readers_is_refused_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    post(client, bob, "@alice hi")
    theirs = notifications(client, alice)[0]["id"]
    before = event_count(db)
    for path in (f"/api/v1/notifications/{theirs}/dismiss", "/api/v1/notifications/nope/dismiss"):
        response = client.post(path, headers=bob.auth)
        assert response.status_code == 404, path
        assert "error" in response.json()
    assert client.post("/api/v1/notifications/dismiss", headers=bob.auth).status_code == 422
    nothing = client.delete(
        "/api/v1/notifications/destroy_multiple", headers=bob.auth, params={"ids[]": theirs}
    )
    assert nothing.status_code == 200
    assert event_count(db) == before
    assert len(notifications(client, alice)) == 1


def test_reading_by_id_or_up_to_max_id_marks_them_seen_and_counts_unread(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    for n in range(4):
        post(client, bob, f"@alice {n}")
    ids = [n["id"] for n in notifications(client, alice)]

    def unread() -> int:
        me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
        count: int = me["pleroma"]["unread_notifications_count"]
        return count

    assert unread() == 4
    one = client.post("/api/v1/pleroma/notifications/read", headers=alice.auth, data={"id": ids[2]})
    assert one.status_code == 200, one.text
    assert one.json()["id"] == ids[2] and one.json()["pleroma"]["is_seen"] is True
    assert unread() == 3
    many = client.post(
        "/api/v1/pleroma/notifications/read", headers=alice.auth, data={"max_id": ids[1]}
    )
    assert many.status_code == 200, many.text
    assert [n["id"] for n in many.json()] == [ids[1], ids[3]]  # those it marked
    assert all(n["pleroma"]["is_seen"] for n in many.json())
    assert [n["pleroma"]["is_seen"] for n in notifications(client, alice)] == [
        False,
        True,
        True,
        True,
    ]
    assert unread() == 1
    marker = client.get(
        "/api/v1/markers", headers=alice.auth, params={"timeline[]": "notifications"}
    ).json()["notifications"]
    assert marker["last_read_id"] == ids[1]  # Pleroma moves it to the newest read
    assert marker["pleroma"]["unread_count"] == 1
    before = event_count(db)
    for data in ({}, {"id": ids[0], "max_id": ids[0]}, {"id": "unknown"}):
        refused = client.post("/api/v1/pleroma/notifications/read", headers=alice.auth, data=data)
        assert refused.status_code == 400, data
        assert "error" in refused.json()
    assert event_count(db) == before


def test_reading_with_max_id_answers_at_most_80(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = post(client, alice, "popular")["id"]
    readers = [client.register(f"fan{n}") for n in range(82)]
    for fan in readers:
        client.post(f"/api/v1/statuses/{status}/favourite", headers=fan.auth)
    newest = notifications(client, alice, limit=1)[0]["id"]
    read = client.post(
        "/api/v1/pleroma/notifications/read", headers=alice.auth, data={"max_id": newest}
    )
    assert read.status_code == 200 and len(read.json()) == 80
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert me["pleroma"]["unread_notifications_count"] == 0
    del bob


def test_notification_endpoints_need_their_scopes(client: Client) -> None:
    alice = client.register("alice")
    reading = scoped_auth(client, alice, "read:statuses")
    assert client.get("/api/v1/notifications", headers=reading).status_code == 403
    writing = scoped_auth(client, alice, "read:notifications")
    assert client.post("/api/v1/notifications/clear", headers=writing).status_code == 403
    assert client.get("/api/v1/notifications").status_code == 401


def test_notifications_about_a_muted_thread_are_hidden_unless_asked_with_muted(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    root = post(client, alice, "a thread")["id"]
    client.post(f"/api/v1/statuses/{root}/favourite", headers=bob.auth)
    post(client, bob, "@alice other")
    assert client.post(f"/api/v1/statuses/{root}/mute", headers=alice.auth).status_code == 200
    assert kinds(client, alice) == [("mention", "bob")]
    with_muted = notifications(client, alice, with_muted="true")
    assert [(n["type"], n["pleroma"]["is_muted"]) for n in with_muted] == [
        ("mention", False),
        ("favourite", True),
    ]
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert me["pleroma"]["unread_notifications_count"] == 1
    client.post(f"/api/v1/statuses/{root}/unmute", headers=alice.auth)
    assert len(notifications(client, alice)) == 2


def test_a_private_status_the_recipient_can_no_longer_see_is_left_out(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth, data={"notify": "1"})
    post(client, alice, "friends only", visibility="private")
    assert kinds(client, bob) == [("status", "alice")]
    client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=bob.auth)
    assert kinds(client, bob) == []


@pytest.mark.parametrize("path", ["/api/v1/pleroma/notification_settings"])
def test_block_from_strangers_shows_only_notifications_from_followed_accounts(
    client: Client, db: psycopg.Connection[Any], path: str
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, alice, bob)
    post(client, bob, "@alice friend")
    post(client, carol, "@alice stranger")
    changed = client.put(path, headers=alice.auth, params={"block_from_strangers": "true"})
    assert changed.status_code == 200 and changed.json() == {"status": "success"}
    assert kinds(client, alice) == [("mention", "bob")]
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert me["pleroma"]["notification_settings"] == {
        "block_from_strangers": True,
        "hide_notification_contents": False,
    }
    assert me["pleroma"]["unread_notifications_count"] == 1
    before = event_count(db)
    same = client.put(path, headers=alice.auth, data={"block_from_strangers": "1"})
    assert same.status_code == 200
    assert event_count(db) == before  # the same settings again record nothing
    bad = client.put(path, headers=alice.auth, data={"block_from_strangers": "maybe"})
    assert bad.status_code == 422
    assert event_count(db) == before
    legacy = client.put(
        "/api/pleroma/notification_settings",
        headers=alice.auth,
        json={"block_from_strangers": False, "hide_notification_contents": True},
    )
    assert legacy.status_code == 200
    assert len(notifications(client, alice)) == 2
    me = client.get("/api/v1/accounts/verify_credentials", headers=alice.auth).json()
    assert me["pleroma"]["notification_settings"] == {
        "block_from_strangers": False,
        "hide_notification_contents": True,
    }


def _locked(client: Client, user: User) -> None:
    response = client.patch(
        "/api/v1/accounts/update_credentials", headers=user.auth, data={"locked": "true"}
    )
    assert response.status_code == 200, response.text


def test_a_follow_request_notifies_and_becomes_a_follow_when_authorized(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    _locked(client, alice)
    follow(client, bob, alice)
    assert kinds(client, alice) == [("follow_request", "bob")]
    request_id = notifications(client, alice)[0]["id"]
    authorized = client.post(f"/api/v1/follow_requests/{bob.id}/authorize", headers=alice.auth)
    assert authorized.status_code == 200, authorized.text
    found = notifications(client, alice)
    assert [(n["id"], n["type"]) for n in found] == [(request_id, "follow")]  # Pleroma's way


def test_a_rejected_or_withdrawn_follow_request_takes_its_notification(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    _locked(client, alice)
    follow(client, bob, alice)
    follow(client, carol, alice)
    assert [t for t, _ in kinds(client, alice)] == ["follow_request", "follow_request"]
    rejected = client.post(f"/api/v1/follow_requests/{bob.id}/reject", headers=alice.auth)
    assert rejected.status_code == 200, rejected.text
    client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=carol.auth)
    assert notifications(client, alice) == []


def test_removing_a_follower_takes_their_follow_notification(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    assert kinds(client, alice) == [("follow", "bob")]
    removed = client.post(f"/api/v1/accounts/{bob.id}/remove_from_followers", headers=alice.auth)
    assert removed.status_code == 200, removed.text
    assert notifications(client, alice) == []


def test_a_pending_follower_is_not_told_of_new_statuses(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    _locked(client, alice)
    asked = client.post(
        f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth, data={"notify": "true"}
    )
    assert asked.status_code == 200, asked.text
    post(client, alice, "not for bob yet")
    assert notifications(client, bob) == []


def test_notification_ids_order_by_time_then_log_position_and_never_collide() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    later = at + timedelta(milliseconds=1)
    ids = [
        notification_flake(at, 7, 0),
        notification_flake(at, 7, 1),
        notification_flake(at, 8, 0),
        notification_flake(later, 1, 0),
    ]
    assert ids == sorted(ids) and len(set(ids)) == 4
    assert all(is_flake(i) and len(i) == 18 for i in ids)
    assert notification_flake(at, 7, 1) == ids[1]  # a rebuild makes the same id


def _poll_ends(db: psycopg.Connection[Any], status_id: str) -> list[tuple[str, datetime]]:
    """(recipient, when it shows) of the poll's end notifications still to come or shown."""
    rows = db.execute(
        "SELECT account_id, created_at FROM notifications.notifications"
        " WHERE status_id = %s AND type = 'poll' ORDER BY account_id",
        (status_id,),
    ).fetchall()
    # The API shows times to the millisecond.
    return [(r[0], r[1].replace(microsecond=r[1].microsecond // 1000 * 1000)) for r in rows]


def test_editing_a_poll_moves_or_drops_the_notifications_of_its_end(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = _poll(client, alice, 3600)
    voted = client.post(
        f"/api/v1/polls/{status['poll']['id']}/votes", headers=bob.auth, data={"choices[]": "1"}
    )
    assert voted.status_code == 200, voted.text
    ends = datetime.fromisoformat(status["poll"]["expires_at"])
    assert _poll_ends(db, status["id"]) == sorted([(alice.id, ends), (bob.id, ends)])

    def edit(**poll: Any) -> datetime:
        response = client.put(
            f"/api/v1/statuses/{status['id']}",
            headers=alice.auth,
            data={"status": "which?", **poll},
        )
        assert response.status_code == 200, response.text
        return datetime.fromisoformat(response.json()["poll"]["expires_at"])

    later = edit(**{"poll[options][]": ["a", "b"], "poll[expires_in]": "7200"})
    assert later > ends
    assert _poll_ends(db, status["id"]) == sorted([(alice.id, later), (bob.id, later)])
    replaced = edit(**{"poll[options][]": ["a", "c"], "poll[expires_in]": "7200"})
    assert _poll_ends(db, status["id"]) == [(alice.id, replaced)]  # bob's vote lapsed
    dropped = client.put(
        f"/api/v1/statuses/{status['id']}", headers=alice.auth, data={"status": "no poll"}
    )
    assert dropped.status_code == 200, dropped.text
    assert _poll_ends(db, status["id"]) == []


def test_ones_own_account_shows_its_counts_wherever_it_is_read(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    post(client, bob, "@alice hello")
    own = client.get(
        f"/api/v1/accounts/{alice.id}", headers=alice.auth, params={"with_relationships": "true"}
    ).json()
    assert own["pleroma"]["unread_notifications_count"] == 1
    assert own["pleroma"]["relationship"]["id"] == alice.id
    seen_by_bob = client.get(f"/api/v1/accounts/{alice.id}", headers=bob.auth).json()
    assert "unread_notifications_count" not in seen_by_bob["pleroma"]  # never told to others
