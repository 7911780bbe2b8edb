"""Blocks and mutes hide notifications when they are read, so unblocking or unmuting shows
them again and a rebuilt read model agrees."""

from typing import Any

from tests.api.test_notifications import kinds, notifications
from tests.api.test_notifications_clients import created_for, latest_position
from tests.api.test_statuses import post
from tests.helpers import Client, User
from tidings.api.settings import Settings


def act(client: Client, user: User, target: User, action: str, **data: Any) -> None:
    response = client.post(f"/api/v1/accounts/{target.id}/{action}", headers=user.auth, data=data)
    assert response.status_code == 200, response.text


def unread(client: Client, user: User) -> int:
    me = client.get("/api/v1/accounts/verify_credentials", headers=user.auth).json()
    count: int = me["pleroma"]["unread_notifications_count"]
    return count


def test_notifications_from_a_blocked_account_are_hidden_until_unblocked(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    mine = post(client, alice, "mine")["id"]
    client.post(f"/api/v1/statuses/{mine}/favourite", headers=bob.auth)
    assert kinds(client, alice) == [("favourite", "bob")]
    act(client, alice, bob, "block")
    assert notifications(client, alice) == []
    assert notifications(client, alice, with_muted="true") == []  # a block is not a mute
    assert unread(client, alice) == 0
    act(client, alice, bob, "unblock")
    assert kinds(client, alice) == [("favourite", "bob")]
    assert unread(client, alice) == 1


def test_an_account_blocking_the_recipient_reaches_them_no_more(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    post(client, bob, "@alice before")
    act(client, bob, alice, "block")
    assert notifications(client, alice) == []
    act(client, bob, alice, "unblock")
    assert kinds(client, alice) == [("mention", "bob")]


def test_a_mute_hides_notifications_unless_made_with_notifications_false(
    client: Client,
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    post(client, bob, "@alice from bob")
    post(client, carol, "@alice from carol")
    act(client, alice, bob, "mute")
    act(client, alice, carol, "mute", notifications="false")
    assert kinds(client, alice) == [("mention", "carol")]
    assert unread(client, alice) == 1
    shown = notifications(client, alice, with_muted="true")
    assert [(n["account"]["username"], n["pleroma"]["is_muted"]) for n in shown] == [
        ("carol", True),
        ("bob", True),
    ]
    act(client, alice, bob, "unmute")
    assert [u for _, u in kinds(client, alice)] == ["carol", "bob"]


def test_the_streaming_hook_leaves_out_what_the_recipient_blocked(
    client: Client, database: str, settings: Settings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    act(client, alice, bob, "block")
    post(client, bob, "@alice @carol hello")
    made = created_for(database, settings, latest_position(database))
    assert [(account_id, n["type"]) for account_id, n in made] == [(carol.id, "mention")]
