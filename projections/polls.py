"""Polls as the API shows them: part of the statuses read model (a poll is part of its
Note), so they rebuild with it. Counts are kept as columns; the viewer's own votes come
from one query per page."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.polls import events
from tidings.domain.statuses.events import Question
from tidings.projections.tracking import Cursor


def record_question(cur: Cursor, status_id: str, poll: Question | None) -> None:
    """The poll after a Create or an Update. A new question id starts the counts afresh;
    the same one keeps them (only the end time or hide_totals changed)."""
    if poll is None:
        forget(cur, status_id)
        return
    cur.execute("SELECT question_id FROM polls WHERE status_id = %s", (status_id,))
    found = cur.fetchone()
    if found is not None and found[0] == poll.id:
        cur.execute(
            "UPDATE polls SET hide_totals = %s, expires_at = %s WHERE status_id = %s",
            (poll.hide_totals, poll.end_time, status_id),
        )
        return
    cur.execute("DELETE FROM poll_votes WHERE status_id = %s", (status_id,))
    cur.execute(
        "INSERT INTO polls (status_id, question_id, options, option_votes, multiple,"
        " hide_totals, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (status_id) DO UPDATE SET question_id = excluded.question_id,"
        " options = excluded.options, option_votes = excluded.option_votes,"
        " multiple = excluded.multiple, hide_totals = excluded.hide_totals,"
        " expires_at = excluded.expires_at, votes_count = 0, voters_count = 0",
        (
            status_id,
            poll.id,
            poll.options,
            [0] * len(poll.options),
            poll.multiple,
            poll.hide_totals,
            poll.end_time,
        ),
    )


def forget(cur: Cursor, status_id: str) -> None:
    cur.execute("DELETE FROM poll_votes WHERE status_id = %s", (status_id,))
    cur.execute("DELETE FROM polls WHERE status_id = %s", (status_id,))


def record_vote(cur: Cursor, event: events.Create) -> None:
    """Counts a vote once, and only for the question it was cast in: a vote decided just
    before an edit replaced the poll arrives after the Update and counts for nothing."""
    choices = [answer.choice for answer in event.object]
    cur.execute(
        "WITH cast_vote AS ("
        " INSERT INTO poll_votes (status_id, voter_id, choices)"
        " SELECT status_id, %s, %s FROM polls WHERE status_id = %s AND question_id = %s"
        " ON CONFLICT DO NOTHING RETURNING status_id)"
        " UPDATE polls p SET votes_count = p.votes_count + cardinality(%s::integer[]),"
        " voters_count = p.voters_count + 1,"
        " option_votes = ARRAY(SELECT n + (i - 1 = ANY(%s::integer[]))::integer"
        "  FROM unnest(p.option_votes) WITH ORDINALITY AS o(n, i) ORDER BY i)"
        " FROM cast_vote WHERE p.status_id = cast_vote.status_id",
        (event.actor, choices, event.in_reply_to, event.question_id, choices, choices),
    )


async def by_status_ids(
    conn: AsyncConnection[Any], status_ids: list[str], viewer_id: str | None
) -> dict[str, dict[str, Any]]:
    """Polls of a page of statuses, each with ``own_votes`` (None: the viewer has not
    voted, or there is no viewer): one query for the whole page."""
    if not status_ids:
        return {}
    cur = await conn.execute(
        "SELECT p.*, v.choices AS own_votes FROM polls p"
        " LEFT JOIN poll_votes v ON v.status_id = p.status_id AND v.voter_id = %s"
        " WHERE p.status_id = ANY(%s)",
        (viewer_id, status_ids),
    )
    return {row["status_id"]: row for row in await cur.fetchall()}
