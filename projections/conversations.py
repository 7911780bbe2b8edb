"""Pleroma's conversations as read models: a participation per (account, thread) in
direct messages, with the others it addresses, whether it is unread, and its last status.

As in Pleroma (``Conversation.create_or_bump_for``), only a direct post makes or bumps
participations: one for its author, read, and one for every account it addresses, unread.
A participation's recipients are set when it begins and never follow later posts. A
deleted status leaves the participations in place; their last status falls back to the
latest direct post of the thread they were in, or to none (lists then leave them out, as
Pleroma's ``for_user_with_last_activity_id`` drops those without an activity)."""

from typing import Any, Protocol

from psycopg import AsyncConnection

from tidings.domain.addressing import recipients, visibility_of
from tidings.domain.conversations import events
from tidings.domain.conversations.ids import participation_id
from tidings.domain.ids import flake_of
from tidings.domain.statuses import events as status_events
from tidings.projections.tracking import Cursor, Projection, handles


class Conversations(Projection):
    name = "conversations"

    @handles(status_events.Create)
    def posted(self, cur: Cursor, event: status_events.Create) -> None:
        note = event.object
        if note is None or visibility_of(event.actor, event.to, event.cc) != "direct":
            return  # a forgotten author's post has no thread left to file it under
        status_id = flake_of(event.originator_id)
        conversation_id = note.conversation or status_id
        participants = list(dict.fromkeys([event.actor, *recipients(event.to, event.cc)]))
        cur.execute(
            "INSERT INTO conversation_posts (status_id, conversation_id, participants)"
            " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (status_id, conversation_id, participants),
        )
        for account_id in participants:
            cur.execute(
                "INSERT INTO participations (id, account_id, conversation_id, recipients,"
                " unread, last_status_id, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (account_id, conversation_id) DO UPDATE SET"
                " unread = excluded.unread,"
                " last_status_id ="
                "  greatest(participations.last_status_id, excluded.last_status_id),"
                " updated_at = greatest(participations.updated_at, excluded.updated_at)",
                (
                    participation_id(account_id, conversation_id),
                    account_id,
                    conversation_id,
                    [a for a in participants if a != account_id],
                    account_id != event.actor,  # the author has read what they wrote
                    status_id,
                    event.published,
                ),
            )

    @handles(status_events.Delete)
    def unposted(self, cur: Cursor, event: status_events.Delete) -> None:
        status_id = flake_of(event.originator_id)
        cur.execute(
            "DELETE FROM conversation_posts WHERE status_id = %s RETURNING conversation_id",
            (status_id,),
        )
        gone = cur.fetchone()
        if gone is None:
            return
        cur.execute(
            "UPDATE participations p SET last_status_id = (SELECT max(c.status_id)"
            "  FROM conversation_posts c WHERE c.conversation_id = p.conversation_id"
            "  AND p.account_id = ANY(c.participants))"
            " WHERE p.conversation_id = %s AND p.last_status_id = %s",
            (gone[0], status_id),
        )

    @handles(events.ParticipationRead)
    def read(self, cur: Cursor, event: events.ParticipationRead) -> None:
        cur.execute(
            "UPDATE participations SET unread = false WHERE id = %s",
            (flake_of(event.originator_id),),
        )

    @handles(events.RecipientsChanged)
    def recipients_changed(self, cur: Cursor, event: events.RecipientsChanged) -> None:
        cur.execute(
            "UPDATE participations SET recipients = %s WHERE id = %s",
            (event.recipients, flake_of(event.originator_id)),
        )

    @handles(events.ParticipationDeleted)
    def deleted(self, cur: Cursor, event: events.ParticipationDeleted) -> None:
        cur.execute("DELETE FROM participations WHERE id = %s", (flake_of(event.originator_id),))


async def by_id(conn: AsyncConnection[Any], participation: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM participations WHERE id = %s", (participation,))
    return await cur.fetchone()


async def owned(
    conn: AsyncConnection[Any], participation: str, owner_id: str
) -> dict[str, Any] | None:
    """The participation if ``owner_id`` owns it: someone else's is as good as missing."""
    row = await by_id(conn, participation)
    return row if row is not None and row["account_id"] == owner_id else None


class Window(Protocol):
    limit: int

    def where(self, column: str) -> tuple[str, list[Any], str]: ...


async def page(
    conn: AsyncConnection[Any], account_id: str, window: Window, with_recipients: list[str]
) -> list[dict[str, Any]]:
    """The owner's participations with a status left, by their last status as Mastodon
    pages them. Pleroma's ``recipients[]`` keeps those whose recipients are exactly the
    ones given (the owner aside)."""
    conditions, values, order = window.where("last_status_id")
    only = ""
    if with_recipients:
        only = " AND recipients @> %s AND recipients <@ %s"
        wanted = [r for r in dict.fromkeys(with_recipients) if r != account_id]
        values = [*values, wanted, wanted]
    cur = await conn.execute(
        "SELECT * FROM participations WHERE account_id = %s AND last_status_id IS NOT NULL"
        f" AND {conditions}{only} ORDER BY last_status_id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def unread_of(conn: AsyncConnection[Any], account_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "SELECT * FROM participations WHERE account_id = %s AND unread"
        " ORDER BY last_status_id DESC NULLS LAST",
        (account_id,),
    )
    return await cur.fetchall()


async def by_ids(conn: AsyncConnection[Any], ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cur = await conn.execute("SELECT * FROM participations WHERE id = ANY(%s)", (ids,))
    return {r["id"]: r for r in await cur.fetchall()}


async def unread_count(conn: AsyncConnection[Any], account_id: str) -> int:
    """Pleroma's ``unread_conversation_count``: the owner's participations not yet read."""
    cur = await conn.execute(
        "SELECT count(*) AS n FROM participations WHERE account_id = %s AND unread",
        (account_id,),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0
