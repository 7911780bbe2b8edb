"""The thread mute's rules, below any storage: repeats record nothing, expiries lapse."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from tidings.domain.thread_mutes.aggregates import ThreadMute
from tidings.domain.thread_mutes.events import ConversationMuted, ConversationUnmuted

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _kinds(mute: ThreadMute) -> list[type]:
    return [type(e) for e in mute.collect_events()]


def test_muting_for_good_twice_records_once_and_unmuting_an_unmuted_thread_nothing() -> None:
    mute = ThreadMute(uuid4())
    mute.unmute("a", "c", NOW)
    mute.mute("a", "c", "s", None, NOW)
    mute.mute("a", "c", "s", None, NOW)
    assert _kinds(mute) == [ConversationMuted]
    mute.unmute("a", "c", NOW)
    mute.unmute("a", "c", NOW)
    assert _kinds(mute) == [ConversationUnmuted]


def test_a_lapsed_mute_no_longer_holds_and_muting_again_records_a_new_one() -> None:
    mute = ThreadMute(uuid4())
    mute.mute("a", "c", "s", NOW + timedelta(hours=1), NOW)
    assert mute.holds(NOW) and not mute.holds(NOW + timedelta(hours=2))
    mute.unmute("a", "c", NOW + timedelta(hours=2))  # nothing left to undo
    mute.mute("a", "c", "s", None, NOW + timedelta(hours=2))
    assert _kinds(mute) == [ConversationMuted, ConversationMuted]
    assert mute.holds(NOW + timedelta(days=365))


def test_a_new_expiry_replaces_the_old_one() -> None:
    mute = ThreadMute(uuid4())
    mute.mute("a", "c", "s", None, NOW)
    mute.mute("a", "c", "s", NOW + timedelta(minutes=5), NOW)
    assert _kinds(mute) == [ConversationMuted, ConversationMuted]
    assert not mute.holds(NOW + timedelta(minutes=6))
