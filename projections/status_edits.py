"""Edits, in the statuses read model: the row takes the latest version and ``status_edits``
keeps every version from the first edit on, the original first, as Mastodon's history
shows it. A status never edited has no history rows: its one version is the row itself."""

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from tidings.domain.ids import flake_of
from tidings.domain.statuses import events
from tidings.projections import polls
from tidings.projections.tracking import Cursor

# The original, copied from the row before the first edit overwrites it. Only an Update
# changes these columns, so the copy is the Create's version.
_KEEP_ORIGINAL = (
    "INSERT INTO status_edits (status_id, version, account_id, content, spoiler_text,"
    " sensitive, poll_options, emojis, created_at)"
    " SELECT s.id, 1, s.account_id, s.content, s.spoiler_text, s.sensitive, p.options,"
    " s.emojis, s.created_at FROM statuses s LEFT JOIN polls p ON p.status_id = s.id"
    " WHERE s.id = %s AND NOT EXISTS (SELECT FROM status_edits e WHERE e.status_id = s.id)"
    " ON CONFLICT DO NOTHING"
)


def record_update(cur: Cursor, event: events.Update) -> None:
    note = event.object
    if note is None:  # the author was forgotten before this page was replayed
        return
    status_id = flake_of(event.originator_id)
    cur.execute(_KEEP_ORIGINAL, (status_id,))
    cur.execute(
        "UPDATE statuses SET content = %s, source = %s, content_type = %s, spoiler_text = %s,"
        " sensitive = %s, language = %s, mentions = %s, tags = %s, emojis = %s,"
        " edited_at = %s WHERE id = %s",
        (
            note.content,
            note.source,
            note.content_type,
            note.summary,
            note.sensitive,
            note.language,
            note.mentions,
            note.tags,
            Jsonb(note.emojis),
            event.published,
            status_id,
        ),
    )
    if cur.rowcount == 0:  # deleted meanwhile: nothing left to show
        return
    polls.record_question(cur, status_id, note.poll)
    cur.execute(
        "INSERT INTO status_edits (status_id, version, account_id, content, spoiler_text,"
        " sensitive, poll_options, emojis, created_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT DO NOTHING",
        (
            status_id,
            event.originator_version,
            event.actor,
            note.content,
            note.summary,
            note.sensitive,
            note.poll.options if note.poll else None,
            Jsonb(note.emojis),
            event.published,
        ),
    )


def forget(cur: Cursor, status_id: str) -> None:
    cur.execute("DELETE FROM status_edits WHERE status_id = %s", (status_id,))


async def history(conn: AsyncConnection[Any], status_id: str) -> list[dict[str, Any]]:
    """Every recorded version, oldest first; empty for a status never edited."""
    cur = await conn.execute(
        "SELECT * FROM status_edits WHERE status_id = %s ORDER BY version", (status_id,)
    )
    return await cur.fetchall()
