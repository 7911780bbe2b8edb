"""List accounts belong to the follow: the list rules on the aggregate, and through the
write side, where a follow that ended since a member joined ends the membership."""

from datetime import UTC, datetime
from uuid import uuid4

import msgspec
import pytest
from eventsourcing.persistence import StoredEvent

from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.application import Tidings
from tidings.domain.errors import Invalid
from tidings.domain.graph.commands import FollowAccount, UnfollowAccount
from tidings.domain.ids import new_id, stream_id
from tidings.domain.lists import events
from tidings.domain.lists.aggregates import UserList
from tidings.domain.lists.commands import AddListMembers, CreateList


def _list() -> UserList:
    user_list = UserList(uuid4())
    user_list.create("alice", "friends", "list", False)
    user_list.collect_events()
    return user_list


def test_a_member_joins_under_the_follow_of_now_and_only_if_followed() -> None:
    user_list = _list()
    with pytest.raises(Invalid):
        user_list.add("alice", ["bob", "carol"], {"bob": 3}, set())
    assert user_list.collect_events() == []
    user_list.add("alice", ["bob"], {"bob": 3}, set())
    (added,) = user_list.collect_events()
    assert isinstance(added, events.ListMemberAdded)
    assert (added.account_id, added.follow_version) == ("bob", 3)
    user_list.add("alice", ["bob"], {"bob": 3}, {"bob"})  # standing: nothing to record
    assert user_list.collect_events() == []
    user_list.add("alice", ["bob"], {"bob": 5}, set())  # lapsed: joins again
    (again,) = user_list.collect_events()
    assert isinstance(again, events.ListMemberAdded) and again.follow_version == 5


def _members(store: Tidings, list_id: str) -> list[str]:
    user_list = store.load(UserList, stream_id(list_id))
    assert user_list is not None
    return sorted(user_list.members)


def _account(store: Tidings, username: str) -> str:
    account_id = new_id()
    store.handle(
        RegisterAccount(account_id=account_id, username=username, email=None, password_hash="x")
    )
    return account_id


def test_an_unfollow_since_joining_lets_a_member_join_again(store: Tidings) -> None:
    alice, bob, list_id = _account(store, "alice"), _account(store, "bob"), new_id()
    store.handle(CreateList(list_id=list_id, owner_id=alice, title="friends"))
    store.handle(FollowAccount(follower_id=alice, followed_id=bob))
    add = AddListMembers(list_id=list_id, owner_id=alice, account_ids=[bob])
    assert store.handle(add) > 0
    assert store.handle(add) == 0  # still a member: nothing written
    # New options on the follow are no break in it.
    store.handle(FollowAccount(follower_id=alice, followed_id=bob, reblogs=False))
    assert store.handle(add) == 0
    store.handle(UnfollowAccount(follower_id=alice, followed_id=bob))
    with pytest.raises(Invalid):
        store.handle(add)
    store.handle(FollowAccount(follower_id=alice, followed_id=bob))
    assert store.handle(add) > 0
    joined = [e for e in store.stream_events(stream_id(list_id)) if e.originator_version > 1]
    assert [(type(e).__name__, getattr(e, "follow_version", None)) for e in joined] == [
        ("ListMemberAdded", 1),
        ("ListMemberAdded", 4),
    ]
    assert _members(store, list_id) == [bob]


def test_an_older_member_event_reads_as_joined_at_the_follows_start(store: Tidings) -> None:
    stream = uuid4()
    version_1 = msgspec.json.encode({"published": datetime.now(UTC).isoformat(), "account_id": "b"})
    store.recorder.insert_events(
        [
            StoredEvent(
                originator_id=stream,
                originator_version=1,
                topic=f"{events.__name__}:ListMemberAdded",
                state=version_1,
            )
        ]
    )
    (event,) = store.stream_events(stream)
    assert isinstance(event, events.ListMemberAdded) and event.follow_version == 0
