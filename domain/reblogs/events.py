"""Reblogs (boosts) as ActivityStreams Announce and Undo; each stream is one
(account, status) pair."""

from tidings.domain.events import Activity


class Announce(Activity, kw_only=True, frozen=True):
    """Addressed as a post of the chosen visibility, with the original's author in cc."""

    object: str  # the original status id
    attributed_to: str  # the original's author
    reblog_id: str  # the reblog's own status id: timelines page by when it was reblogged


class Undo(Activity, kw_only=True, frozen=True):
    """Undo of the stream's Announce."""

    object: str  # the original status id
    reblog_id: str  # the reblog being taken back
