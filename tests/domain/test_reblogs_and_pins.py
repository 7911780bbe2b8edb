"""The reblog and pin rules, on the aggregates alone."""

from uuid import uuid4

import pytest

from tidings.domain.addressing import PUBLIC, followers_of, visibility_of
from tidings.domain.errors import Forbidden, Invalid
from tidings.domain.pins.aggregates import LIMIT, SOMEONE_ELSES, Pins
from tidings.domain.reblogs import events
from tidings.domain.reblogs.aggregates import Reblog


def test_a_reblog_is_addressed_as_a_post_of_its_visibility_with_the_author_in_cc() -> None:
    reblog = Reblog(uuid4())
    reblog.reblog("bob", "s1", "alice", "public", "unlisted")
    (announce,) = reblog.collect_events()
    assert isinstance(announce, events.Announce)
    assert (announce.to, announce.cc) == ([followers_of("bob")], [PUBLIC, "alice"])
    assert visibility_of("bob", announce.to, announce.cc) == "unlisted"
    reblog.reblog("bob", "s1", "alice", "public", "public")
    assert reblog.collect_events() == []  # the existing reblog stands
    reblog.undo("bob", "s1")
    (undo,) = reblog.collect_events()
    assert isinstance(undo, events.Undo) and undo.reblog_id == announce.reblog_id
    reblog.undo("bob", "s1")
    assert reblog.collect_events() == []


@pytest.mark.parametrize(
    ("reblogger", "original", "asked", "error"),
    [
        ("bob", "direct", "public", Forbidden),
        ("alice", "direct", "public", Forbidden),
        ("bob", "list", "public", Forbidden),  # Pleroma's list posts are for members alone
        ("bob", "private", "public", Forbidden),
        ("bob", "public", "direct", Invalid),
    ],
)
def test_what_may_not_be_reblogged_records_nothing(
    reblogger: str, original: str, asked: str, error: type[Exception]
) -> None:
    reblog = Reblog(uuid4())
    with pytest.raises(error):
        reblog.reblog(reblogger, "s1", "alice", original, asked)  # type: ignore[arg-type]
    assert reblog.collect_events() == []


def test_the_author_reblogs_a_private_or_local_status_within_its_audience() -> None:
    for original in ("private", "local"):
        reblog = Reblog(uuid4())
        reblog.reblog("alice", "s1", "alice", original, "public")
        (announce,) = reblog.collect_events()
        assert isinstance(announce, events.Announce)
        assert visibility_of("alice", announce.to, announce.cc) == original


def test_pins_count_up_to_the_limit_and_unpinning_frees_a_place() -> None:
    pins = Pins(uuid4())
    for n in range(2):
        pins.pin("alice", f"s{n}", "alice", "public", 2)
    pins.pin("alice", "s0", "alice", "public", 2)  # already pinned: nothing new
    assert len(pins.collect_events()) == 2
    with pytest.raises(Invalid, match=LIMIT):
        pins.pin("alice", "s2", "alice", "public", 2)
    with pytest.raises(Invalid, match=SOMEONE_ELSES):
        pins.pin("alice", "s3", "bob", "public", 2)
    pins.unpin("alice", "s1")
    pins.unpin("alice", "s1")
    pins.pin("alice", "s2", "alice", "public", 2)
    assert [type(e).__name__ for e in pins.collect_events()] == ["Remove", "Add"]
    assert pins.pinned == ["s0", "s2"]
