"""The Poll entity as Mastodon documents it; its id is its status's."""

from datetime import datetime
from typing import Any

import msgspec

from tidings.api.entities.account import Emoji
from tidings.api.entities.common import iso


class PollOption(msgspec.Struct, kw_only=True):
    title: str
    votes_count: int | None  # None while hide_totals keeps the counts from the reader


class Poll(msgspec.Struct, kw_only=True):
    id: str
    expires_at: str | None
    expired: bool
    multiple: bool
    votes_count: int
    voters_count: int | None
    options: list[PollOption]
    emojis: list[Emoji]
    voted: bool
    own_votes: list[int]


def render_poll(row: dict[str, Any], author_id: str, viewer_id: str | None, now: datetime) -> Poll:
    """``row`` is a polls row with ``own_votes``. Expiry is decided here, at read time, so
    nothing needs to run when a poll ends. Hidden totals stay hidden from everyone but the
    author until the poll ends."""
    expired = now >= row["expires_at"]
    shown = expired or not row["hide_totals"] or viewer_id == author_id
    own_votes = list(row["own_votes"] or [])
    return Poll(
        id=row["status_id"],
        expires_at=iso(row["expires_at"]),
        expired=expired,
        multiple=row["multiple"],
        votes_count=row["votes_count"],
        voters_count=row["voters_count"],
        options=[
            PollOption(title=title, votes_count=count if shown else None)
            for title, count in zip(row["options"], row["option_votes"], strict=True)
        ],
        emojis=[],
        voted=row["own_votes"] is not None or viewer_id == author_id,
        own_votes=own_votes,
    )
