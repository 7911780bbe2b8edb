"""The Status and Ballot aggregates' rules, below any storage."""

from datetime import UTC, datetime, timedelta

import pytest

from tidings.domain.errors import Forbidden, Invalid, NotFound
from tidings.domain.ids import new_id, stream_id
from tidings.domain.polls.aggregates import Ballot, ballot_stream
from tidings.domain.statuses import events
from tidings.domain.statuses.aggregates import Status, new_question
from tidings.domain.statuses.commands import EditStatus, PollDraft

NOW = datetime(2026, 1, 1, tzinfo=UTC)
DRAFT = PollDraft(options=["a", "b"], expires_in=3600)


def posted(poll: PollDraft | None = None) -> Status:
    status = Status(stream_id(new_id()))
    note = events.Note(
        content="<p>x</p>",
        source="x",
        poll=new_question(poll, NOW) if poll else None,
    )
    status.trigger(events.Create, actor="alice", to=["alice/followers"], object=note)
    status.collect_events()
    return status


def edited(status: Status, poll: PollDraft | None, at: datetime = NOW) -> events.Question | None:
    command = EditStatus(
        status_id="s", account_id="alice", content="<p>x</p>", source="x", poll=poll
    )
    status.edit(command, at)
    assert status.note is not None
    return status.note.poll


def test_an_edit_keeps_the_audience_and_an_unchanged_one_records_nothing() -> None:
    status = posted()
    edit = EditStatus(status_id="s", account_id="alice", content="<p>y</p>", source="y")
    status.edit(edit, NOW)
    [update] = status.collect_events()
    assert isinstance(update, events.Update)
    assert (update.to, update.cc) == (["alice/followers"], [])
    status.edit(edit, NOW + timedelta(minutes=1))
    assert status.collect_events() == []


def test_only_the_author_edits_a_status_still_there() -> None:
    status = posted()
    with pytest.raises(Forbidden):
        status.edit(EditStatus(status_id="s", account_id="bob", content="", source=""), NOW)
    status.delete("alice", as_admin=False)
    with pytest.raises(NotFound):
        edited(status, None)


def test_resending_the_same_poll_keeps_it_running_with_its_votes() -> None:
    status = posted(DRAFT)
    first = status.note.poll if status.note else None
    later = NOW + timedelta(minutes=30)
    assert edited(status, DRAFT, later) == first
    longer = edited(status, PollDraft(options=["a", "b"], expires_in=7200), later)
    assert longer is not None and first is not None
    assert longer.id == first.id  # same options: the votes stand
    assert longer.end_time == later + timedelta(seconds=7200)


@pytest.mark.parametrize(
    "draft",
    [
        PollDraft(options=["a", "b", "c"], expires_in=3600),
        PollDraft(options=["a", "b"], expires_in=3600, multiple=True),
    ],
)
def test_other_options_or_another_kind_of_choice_make_a_new_poll(draft: PollDraft) -> None:
    status = posted(DRAFT)
    old = status.note.poll if status.note else None
    new = edited(status, draft)
    assert new is not None and old is not None and new.id != old.id


def test_a_ballot_is_cast_once_within_the_polls_rules() -> None:
    status = posted(PollDraft(options=["a", "b"], expires_in=60))
    with pytest.raises(Invalid, match="author"):
        status.open_poll("alice", NOW)
    with pytest.raises(Invalid, match="already ended"):
        status.open_poll("bob", NOW + timedelta(seconds=60))
    poll = status.open_poll("bob", NOW)
    ballot = Ballot(ballot_stream("bob", poll.id))
    for choices, message in (([], "at least one"), ([2], "does not exist"), ([0, 1], "Too many")):
        with pytest.raises(Invalid, match=message):
            ballot.vote("bob", "s", "alice", poll, choices)
    ballot.vote("bob", "s", "alice", poll, [1])
    with pytest.raises(Invalid, match="already voted"):
        ballot.vote("bob", "s", "alice", poll, [0])
