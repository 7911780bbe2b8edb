"""The follow, request, endorsement and note rules, on the aggregates alone."""

from uuid import uuid4

import msgspec
import pytest

from tidings.domain.errors import Invalid, NotFound
from tidings.domain.graph import events
from tidings.domain.graph.aggregates import (
    NOT_FOLLOWING_TO_ENDORSE,
    AccountNote,
    Endorsements,
    FollowEdge,
)


def _types(edge: FollowEdge | Endorsements | AccountNote) -> list[str]:
    return [type(e).__name__ for e in edge.collect_events()]


def test_a_request_becomes_a_follow_only_when_accepted() -> None:
    edge = FollowEdge(uuid4())
    edge.follow("alice", "bob", None, None, locked=True)
    [asked] = edge.collect_events()
    assert isinstance(asked, events.Follow) and asked.requested is True
    assert (edge.pending, edge.active) == (True, False)
    edge.follow("alice", "bob", None, None, locked=True)
    assert edge.collect_events() == []  # asking twice records nothing
    edge.authorize("bob", "alice")
    [accept] = edge.collect_events()
    assert isinstance(accept, events.Accept)
    assert (accept.actor, accept.object, accept.to) == ("bob", "alice", ["alice"])
    assert (edge.pending, edge.active) == (False, True)
    edge.authorize("bob", "alice")
    assert edge.collect_events() == []
    with pytest.raises(NotFound):
        edge.reject("bob", "alice")  # an accepted follower is removed, not rejected


def test_a_rejected_or_withdrawn_request_leaves_no_follow() -> None:
    edge = FollowEdge(uuid4())
    edge.follow("alice", "bob", True, False, locked=True)
    edge.reject("bob", "alice")
    assert _types(edge) == ["Follow", "Reject"] and not (edge.pending or edge.active)
    with pytest.raises(NotFound):
        edge.authorize("bob", "alice")
    edge.follow("alice", "bob", None, None, locked=True)
    edge.unfollow("alice", "bob")
    assert _types(edge) == ["Follow", "Undo"] and not (edge.pending or edge.active)
    edge.unfollow("alice", "bob")
    edge.remove_follower("bob", "alice")
    assert edge.collect_events() == []


def test_options_change_a_request_or_a_follow_without_changing_which_it_is() -> None:
    edge = FollowEdge(uuid4())
    edge.follow("alice", "bob", None, None, locked=True)
    edge.subscribe("alice", "bob", True)
    [_, changed] = edge.collect_events()
    assert isinstance(changed, events.Follow) and changed.requested and changed.notify
    edge.authorize("bob", "alice")
    [accept] = edge.collect_events()
    assert isinstance(accept, events.Accept) and accept.notify is True
    edge.follow("alice", "bob", None, False, locked=True)  # locked since: still a follow
    [options] = edge.collect_events()
    assert isinstance(options, events.Follow) and not options.requested
    assert options.reblogs is False and options.notify is True


def test_there_is_no_subscription_without_a_follow() -> None:
    edge = FollowEdge(uuid4())
    with pytest.raises(Invalid):
        edge.subscribe("alice", "bob", True)
    edge.subscribe("alice", "bob", False)
    assert edge.collect_events() == []


def test_a_removed_follower_is_rejected_on_their_stream() -> None:
    edge = FollowEdge(uuid4())
    edge.follow("alice", "bob", None, None)
    edge.remove_follower("bob", "alice")
    [_, reject] = edge.collect_events()
    assert isinstance(reject, events.Reject) and (reject.actor, reject.object) == ("bob", "alice")
    assert not edge.active


def test_only_followed_accounts_are_endorsed_once() -> None:
    endorsements = Endorsements(uuid4())
    with pytest.raises(Invalid, match=NOT_FOLLOWING_TO_ENDORSE):
        endorsements.endorse("alice", "bob", following=False)
    endorsements.endorse("alice", "bob", following=True)
    endorsements.endorse("alice", "bob", following=True)
    endorsements.unendorse("alice", "bob")
    endorsements.unendorse("alice", "bob")
    assert _types(endorsements) == ["Add", "Remove"]


def test_a_note_is_written_only_when_it_changes_and_never_too_long() -> None:
    note = AccountNote(uuid4())
    note.set("alice", "bob", "hi")
    note.set("alice", "bob", "hi")
    with pytest.raises(Invalid):
        note.set("alice", "bob", "x" * 2001)
    assert _types(note) == ["AccountNoteChanged"]


def test_a_follow_stored_before_requests_existed_reads_as_a_follow() -> None:
    old = {
        "originator_id": str(uuid4()),
        "originator_version": 1,
        "published": "2026-01-01T00:00:00Z",
        "actor": "alice",
        "object": "bob",
        "notify": False,
        "reblogs": True,
    }
    assert msgspec.convert(old, events.Follow, strict=False).requested is False
