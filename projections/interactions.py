"""Who favourited and bookmarked what, each row with its own id so the lists page by
when it was made. Statuses are joined at read time, so a row whose status is gone never
shows even before its Delete is applied."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.ids import flake_of
from tidings.domain.interactions import events
from tidings.domain.statuses import events as status_events
from tidings.projections.statuses import SELECT, Window
from tidings.projections.tracking import Cursor, Projection, handles


class Interactions(Projection):
    name = "interactions"

    @handles(events.Like)
    def liked(self, cur: Cursor, event: events.Like) -> None:
        cur.execute(
            "INSERT INTO favourites (id, account_id, status_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (account_id, status_id) DO NOTHING",
            (event.like_id, event.actor, event.object),
        )

    @handles(events.Undo)
    def unliked(self, cur: Cursor, event: events.Undo) -> None:
        cur.execute(
            "DELETE FROM favourites WHERE account_id = %s AND status_id = %s",
            (event.actor, event.object),
        )

    @handles(events.Bookmarked)
    def bookmarked(self, cur: Cursor, event: events.Bookmarked) -> None:
        # A move to another folder is a new bookmark: it goes to the top of the list.
        cur.execute(
            "INSERT INTO bookmarks (id, account_id, status_id, folder_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (account_id, status_id)"
            " DO UPDATE SET id = excluded.id, folder_id = excluded.folder_id",
            (event.bookmark_id, event.account_id, event.status_id, event.folder_id),
        )

    @handles(events.Unbookmarked)
    def unbookmarked(self, cur: Cursor, event: events.Unbookmarked) -> None:
        cur.execute(
            "DELETE FROM bookmarks WHERE account_id = %s AND status_id = %s",
            (event.account_id, event.status_id),
        )

    @handles(status_events.Delete)
    def status_deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        status_id = flake_of(event.originator_id)
        cur.execute("DELETE FROM favourites WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM bookmarks WHERE status_id = %s", (status_id,))


async def favourites(
    conn: AsyncConnection[Any], account_id: str, window: Window
) -> list[dict[str, Any]]:
    """The account's favourited statuses, each row with ``page_id``, the favourite's id."""
    return await _marked(conn, "favourites", account_id, window)


async def bookmarks(
    conn: AsyncConnection[Any], account_id: str, window: Window
) -> list[dict[str, Any]]:
    """The account's bookmarked statuses, each row with ``page_id``, the bookmark's id."""
    return await _marked(conn, "bookmarks", account_id, window)


async def _marked(
    conn: AsyncConnection[Any], table: str, account_id: str, window: Window
) -> list[dict[str, Any]]:
    conditions, values, order = window.where("m.id")
    cur = await conn.execute(
        f"SELECT m.id AS page_id, s.* FROM {table} m"  # table: one of the two above
        f" JOIN LATERAL ({SELECT} WHERE s.id = m.status_id) s ON true"
        f" WHERE m.account_id = %s AND {conditions} ORDER BY m.id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def favourited_by(
    conn: AsyncConnection[Any], status_id: str, window: Window
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``account_id``): who favourited the status, by favourite id."""
    conditions, values, order = window.where("id")
    cur = await conn.execute(
        f"SELECT id AS page_id, account_id FROM favourites"
        f" WHERE status_id = %s AND {conditions} ORDER BY id {order} LIMIT %s",
        (status_id, *values, window.limit),
    )
    return await cur.fetchall()
