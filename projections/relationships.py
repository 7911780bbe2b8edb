"""Who follows whom, with the per-follow options clients set."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.graph import events
from tidings.projections.tracking import Cursor, Projection, handles


class Relationships(Projection):
    name = "relationships"

    @handles(events.Follow)
    def followed(self, cur: Cursor, event: events.Follow) -> None:
        cur.execute(
            "INSERT INTO follows (follower_id, followed_id, notify, reblogs, created_at)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (follower_id, followed_id)"
            " DO UPDATE SET notify = excluded.notify, reblogs = excluded.reblogs",
            (event.actor, event.object, event.notify, event.reblogs, event.published),
        )

    @handles(events.Undo)
    def unfollowed(self, cur: Cursor, event: events.Undo) -> None:
        cur.execute(
            "DELETE FROM follows WHERE follower_id = %s AND followed_id = %s",
            (event.actor, event.object),
        )


async def between(
    conn: AsyncConnection[Any], viewer_id: str, others: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Follows either way between the viewer and each of ``others``."""
    cur = await conn.execute(
        "SELECT * FROM follows WHERE (follower_id = %s AND followed_id = ANY(%s))"
        " OR (followed_id = %s AND follower_id = ANY(%s))",
        (viewer_id, others, viewer_id, others),
    )
    return {(r["follower_id"], r["followed_id"]): r for r in await cur.fetchall()}


async def following_ids(conn: AsyncConnection[Any], follower_id: str, among: list[str]) -> set[str]:
    cur = await conn.execute(
        "SELECT followed_id FROM follows WHERE follower_id = %s AND followed_id = ANY(%s)",
        (follower_id, among),
    )
    return {r["followed_id"] for r in await cur.fetchall()}
