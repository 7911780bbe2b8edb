"""Timelines read straight from the statuses table (tag, direct, an account's statuses) and
the filters every timeline shares. Each page is one indexed query; the visibility test is
derived from the one rule in ``domain/statuses/visibility.py``, never written anew."""

from dataclasses import dataclass, field
from typing import Any, get_args

from psycopg import AsyncConnection

from tidings.domain.addressing import Visibility
from tidings.domain.statuses.visibility import may_see
from tidings.projections.blocks import shut_out
from tidings.projections.statuses import SELECT, Window
from tidings.projections.thread_mutes import MUTED_THREAD

Condition = tuple[str, list[Any]]
ALL_VISIBILITIES: tuple[str, ...] = get_args(Visibility)  # "list" included
EVERYTHING: Condition = ("TRUE", [])
_OTHER = "\x00other"  # an author no account id can equal: "someone else"


@dataclass
class Filters:
    """What a reader asked to leave out of a timeline, as one SQL condition on ``s``."""

    viewer_id: str | None
    exclude: list[str] = field(default_factory=list)  # Pleroma's exclude_visibilities
    with_muted: bool = False  # Pleroma: thread-muted statuses hidden unless asked for
    reply_visibility: str | None = None  # Pleroma: following | self
    tagged: str | None = None  # an account's statuses carrying this (lowercased) tag
    exclude_replies: bool = False  # replies to others; threads of one's own stay
    exclude_reblogs: bool = False
    # Whether the author of a status counts among those the viewer shut out: not on the
    # profile the viewer chose to look at (Mastodon and Pleroma show a blocked or muted
    # account's own statuses there), everywhere else.
    author_shut_out: bool = True

    def condition(self) -> Condition:
        parts: list[str] = []
        values: list[Any] = []
        if self.exclude:
            parts.append("s.visibility <> ALL(%s)")
            values.append(self.exclude)
        if self.tagged is not None:
            parts.append("s.tags @> ARRAY[%s]::text[]")
            values.append(self.tagged)
        if self.exclude_replies:
            parts.append("(s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)")
        if self.exclude_reblogs:
            parts.append("s.reblog_of_id IS NULL")
        viewer = self.viewer_id
        if viewer is not None and not self.with_muted:
            parts.append(f"NOT {MUTED_THREAD}")
            values.append(viewer)
        if viewer is not None:
            blocks, block_values = self.blocks(viewer)
            parts.append(blocks)
            values += block_values
        if viewer is not None and self.reply_visibility in ("self", "following"):
            # A reply shows if it is the viewer's, or directed at them (or, for
            # ``following``, at someone they follow), as Pleroma's restrict_replies.
            reply = (
                "(s.in_reply_to_id IS NULL OR s.account_id = %s"
                " OR s.in_reply_to_account_id = %s OR %s = ANY(s.addressed)"
            )
            values += [viewer, viewer, viewer]
            if self.reply_visibility == "following":
                reply += (
                    " OR s.in_reply_to_account_id IN"
                    " (SELECT followed_id FROM follows WHERE follower_id = %s)"
                )
                values.append(viewer)
            parts.append(reply + ")")
        return " AND ".join(parts) or "TRUE", values

    def blocks(self, viewer: str) -> Condition:
        """Nothing by, reblogged from, or replying to anyone the viewer blocks or is
        blocked by, or mutes (Pleroma's ``with_muted`` lets the muted back in, never the
        blocked); the viewer's own statuses always stay."""
        columns = [
            "(SELECT o.account_id FROM statuses o WHERE o.id = s.reblog_of_id)",
            "NULLIF(s.in_reply_to_account_id, s.account_id)",  # a self-reply is the author's
        ]
        if self.author_shut_out:
            columns.append("s.account_id")
        hidden, values = shut_out(viewer, mutes=not self.with_muted, columns=columns)
        return f"(s.account_id = %s OR ({hidden}))", [viewer, *values]


def _open(author: str, addressed: list[str], viewer: str | None, follows: bool) -> list[str]:
    return [v for v in ALL_VISIBILITIES if may_see(v, author, addressed, viewer, follows)]


def visible_to(viewer_id: str | None) -> Condition:
    """Statuses ``viewer_id`` may see, as SQL, for queries across many authors (search):
    each case of the rule (a stranger's, a followed author's, one's own, one addressed
    to the viewer) with the visibilities the rule opens in it."""
    anyone = _open(_OTHER, [], viewer_id, False)
    if viewer_id is None:
        return "s.visibility = ANY(%s)", [anyone]
    # Searching shows no one blocked either way, as Mastodon's search filters them.
    blocked, blocked_values = shut_out(viewer_id, mutes=False, columns=["s.account_id"])
    return (
        f"({blocked}) AND (s.visibility = ANY(%s)"
        " OR (s.account_id = %s AND s.visibility = ANY(%s))"
        " OR (%s = ANY(s.addressed) AND s.visibility = ANY(%s))"
        " OR (s.visibility = ANY(%s) AND s.account_id IN"
        " (SELECT followed_id FROM follows WHERE follower_id = %s)))",
        [
            *blocked_values,
            anyone,
            viewer_id,
            _open(viewer_id, [], viewer_id, False),
            viewer_id,
            _open(_OTHER, [viewer_id], viewer_id, False),
            _open(_OTHER, [], viewer_id, True),
            viewer_id,
        ],
    )


def visible_from(author_id: str, viewer_id: str | None, follows_author: bool) -> Condition:
    """Statuses of one author that ``viewer_id`` may see: the visibilities the rule opens
    to them, and more where a status is addressed to them."""
    allowed = _open(author_id, [], viewer_id, follows_author)
    if viewer_id is None:
        return "s.visibility = ANY(%s)", [allowed]
    return (
        "(s.visibility = ANY(%s) OR (%s = ANY(s.addressed) AND s.visibility = ANY(%s)))",
        [allowed, viewer_id, _open(author_id, [viewer_id], viewer_id, follows_author)],
    )


async def tagged(
    conn: AsyncConnection[Any],
    window: Window,
    any_of: list[str],
    all_of: list[str],
    none_of: list[str],
    with_local: bool,
    filters: Condition = EVERYTHING,
) -> list[dict[str, Any]]:
    """Public statuses (local-only ones too for signed-in readers) carrying any of
    ``any_of`` and all of ``all_of`` and none of ``none_of``: one lookup in the tags index."""
    shown = "s.visibility IN ('public', 'local')" if with_local else "s.visibility = 'public'"
    conditions, values, order = window.where("s.id")
    extra, extra_values = filters
    cur = await conn.execute(
        f"{SELECT} WHERE s.tags && %s::text[] AND s.tags @> %s::text[]"
        f" AND NOT s.tags && %s::text[] AND {shown} AND {conditions} AND {extra}"
        f" ORDER BY s.id {order} LIMIT %s",
        (any_of, all_of, none_of, *values, *extra_values, window.limit),
    )
    return await cur.fetchall()


async def direct(
    conn: AsyncConnection[Any], viewer_id: str, window: Window, filters: Condition = EVERYTHING
) -> list[dict[str, Any]]:
    """Direct statuses the viewer wrote or is addressed by: two index lookups (by author,
    and in the index of whom they address), merged in one statement."""
    conditions, values, order = window.where("s.id")
    extra, extra_values = filters
    cur = await conn.execute(
        f"{SELECT} WHERE s.visibility = 'direct' AND s.id IN ("
        " SELECT id FROM statuses WHERE visibility = 'direct' AND account_id = %s"
        " UNION SELECT id FROM statuses WHERE visibility = 'direct'"
        " AND addressed @> ARRAY[%s]::text[])"
        f" AND {conditions} AND {extra} ORDER BY s.id {order} LIMIT %s",
        (viewer_id, viewer_id, *values, *extra_values, window.limit),
    )
    return await cur.fetchall()


async def by_account(
    conn: AsyncConnection[Any],
    author_id: str,
    window: Window,
    shown: Condition,
    filters: Condition = EVERYTHING,
) -> list[dict[str, Any]]:
    """An account's statuses that pass ``shown`` (see ``visible_from``): one range scan of
    the ``statuses_by_account`` index."""
    conditions, values, order = window.where("s.id")
    visible, visible_values = shown
    extra, extra_values = filters
    cur = await conn.execute(
        f"{SELECT} WHERE s.account_id = %s AND {visible} AND {conditions} AND {extra}"
        f" ORDER BY s.id {order} LIMIT %s",
        (author_id, *visible_values, *values, *extra_values, window.limit),
    )
    return await cur.fetchall()
