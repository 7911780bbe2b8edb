"""Follows between local accounts; the stream is the (follower, followed) pair."""

from tidings.domain.events import Activity


class Follow(Activity, kw_only=True, frozen=True):
    object: str  # the followed account id
    notify: bool = False
    reblogs: bool = True


class Undo(Activity, kw_only=True, frozen=True):
    """Undo of the stream's Follow."""

    object: str  # the followed account id
