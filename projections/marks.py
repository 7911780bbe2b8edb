"""The viewer's marks on a page of statuses, read across the read models that keep them
(interactions, statuses, conversations, thread mutes) in one statement: a timeline page
pays one round trip for them, not one per read model."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

# Each part answers (kind, key, value, at); the viewer's parts match nothing for a visitor
# (account_id = NULL), pins are public.
_MARKS = (
    "SELECT 'f' AS kind, status_id AS key, NULL::text AS value, NULL::timestamptz AS at"
    " FROM favourites WHERE account_id = %(viewer)s AND status_id = ANY(%(ids)s)"
    " UNION ALL SELECT 'b', status_id, folder_id, NULL FROM bookmarks"
    " WHERE account_id = %(viewer)s AND status_id = ANY(%(ids)s)"
    " UNION ALL SELECT 'r', reblog_of_id, NULL, NULL FROM statuses"
    " WHERE account_id = %(viewer)s AND reblog_of_id = ANY(%(ids)s)"
    " UNION ALL SELECT 'p', status_id, NULL, pinned_at FROM pinned_statuses"
    " WHERE status_id = ANY(%(ids)s)"
    " UNION ALL SELECT 'c', conversation_id, id, NULL FROM participations"
    " WHERE account_id = %(viewer)s AND conversation_id = ANY(%(threads)s)"
    " UNION ALL SELECT 'm', conversation_id, NULL, NULL FROM thread_mutes"
    " WHERE account_id = %(viewer)s AND conversation_id = ANY(%(threads)s)"
    " AND (expires_at IS NULL OR expires_at > now())"
)


@dataclass
class Marks:
    favourited: set[str] = field(default_factory=set)  # by the viewer
    bookmarks: dict[str, str | None] = field(default_factory=dict)  # the viewer's: folder
    reblogged: set[str] = field(default_factory=set)  # by the viewer
    pinned: dict[str, datetime] = field(default_factory=dict)  # by their authors: since when
    participations: dict[str, str] = field(default_factory=dict)  # the viewer's, by thread
    muted_threads: set[str] = field(default_factory=set)  # muted by the viewer now


async def of_page(
    conn: AsyncConnection[Any], viewer_id: str | None, status_ids: list[str], threads: list[str]
) -> Marks:
    """``threads``: the statuses' conversation ids."""
    marks = Marks()
    if not status_ids:
        return marks
    cur = await conn.execute(_MARKS, {"viewer": viewer_id, "ids": status_ids, "threads": threads})
    for row in await cur.fetchall():
        kind, key = row["kind"], row["key"]
        if kind == "f":
            marks.favourited.add(key)
        elif kind == "b":
            marks.bookmarks[key] = row["value"]
        elif kind == "r":
            marks.reblogged.add(key)
        elif kind == "p":
            marks.pinned[key] = row["at"]
        elif kind == "c":
            marks.participations[key] = row["value"]
        else:
            marks.muted_threads.add(key)
    return marks
