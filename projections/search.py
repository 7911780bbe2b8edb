"""Full-text search of statuses and hashtags, only among what the reader may see."""

from typing import Any

from psycopg import AsyncConnection

from tidings.projections.statuses import SELECT, Window
from tidings.projections.timelines import visible_to

# The expression of the statuses_source_search index, word for word, so the planner uses it.
_DOCUMENT = "to_tsvector('simple', s.source)"


async def statuses(
    conn: AsyncConnection[Any],
    query: str,
    viewer_id: str | None,
    window: Window,
    offset: int,
    account_id: str | None = None,
) -> list[dict[str, Any]]:
    """Statuses whose text holds every word of ``query``, newest first, that the reader
    may see (the visibility test is in the query, so pages and offsets stay exact)."""
    conditions, values, order = window.where("s.id")
    visible, visible_values = visible_to(viewer_id)
    by_author = "s.account_id = %s" if account_id is not None else "TRUE"
    cur = await conn.execute(
        f"{SELECT} WHERE {_DOCUMENT} @@ plainto_tsquery('simple', %s) AND {visible}"
        f" AND {by_author} AND {conditions} ORDER BY s.id {order} LIMIT %s OFFSET %s",
        (
            query,
            *visible_values,
            *([account_id] if account_id is not None else []),
            *values,
            window.limit,
            offset,
        ),
    )
    return await cur.fetchall()


async def hashtags(
    conn: AsyncConnection[Any], prefix: str, viewer_id: str | None, limit: int, offset: int
) -> list[str]:
    """Tags starting with ``prefix`` (lowercased, as stored) on statuses the reader may
    see, shortest first, so an exact match leads: a prefix range of the tags' index."""
    pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    visible, visible_values = visible_to(viewer_id)
    cur = await conn.execute(
        "SELECT DISTINCT t.name, length(t.name) FROM hashtag_uses t"
        " JOIN statuses s ON s.id = t.status_id"
        f" WHERE t.name LIKE %s AND {visible} ORDER BY length(t.name), t.name"
        " LIMIT %s OFFSET %s",
        (pattern, *visible_values, limit, offset),
    )
    return [r["name"] for r in await cur.fetchall()]
