"""Instance-wide figures read across the read models: the counts /api/v1/instance and
nodeinfo publish, the staff they name, and how far each projection trails the event log."""

from datetime import timedelta
from typing import Any

from psycopg import AsyncConnection, sql

from tidings.projections.eventstore import EVENTS_TABLE
from tidings.projections.registry import NAMES

MONTH = timedelta(days=30)
HALF_YEAR = timedelta(days=180)

# Nothing records each request, so "active" means a sign of life the read models keep:
# signing up, posting, or being granted a token (signing in) within the period.
_ACTIVE = (
    "SELECT count(*) AS n FROM accounts a WHERE NOT a.deactivated AND ("
    " a.created_at > now() - %(period)s"
    " OR EXISTS (SELECT FROM account_stats s"
    "  WHERE s.account_id = a.id AND s.last_status_at > now() - %(period)s)"
    " OR EXISTS (SELECT FROM oauth_tokens t"
    "  WHERE t.account_id = a.id AND t.created_at > now() - %(period)s))"
)


async def _count(conn: AsyncConnection[Any], query: str, args: dict[str, Any] | None = None) -> int:
    cur = await conn.execute(query, args)
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def user_count(conn: AsyncConnection[Any]) -> int:
    return await _count(conn, "SELECT count(*) AS n FROM accounts WHERE NOT deactivated")


async def status_count(conn: AsyncConnection[Any]) -> int:
    return await _count(conn, "SELECT count(*) AS n FROM statuses")


async def active_user_count(conn: AsyncConnection[Any], period: timedelta) -> int:
    return await _count(conn, _ACTIVE, {"period": period})


async def staff(conn: AsyncConnection[Any]) -> list[dict[str, Any]]:
    """Admins and moderators, oldest first (the first admin is the instance's contact)."""
    cur = await conn.execute(
        "SELECT id, username, is_admin, is_moderator FROM accounts"
        " WHERE (is_admin OR is_moderator) AND NOT deactivated ORDER BY created_at, id"
    )
    return await cur.fetchall()


async def projection_lag(conn: AsyncConnection[Any]) -> tuple[int, dict[str, int]]:
    """The newest event's position and, per projection, how many positions it trails."""
    cur = await conn.execute(
        sql.SQL("SELECT coalesce(max(notification_id), 0) AS head FROM {}").format(
            sql.Identifier("public", EVENTS_TABLE)
        )
    )
    row = await cur.fetchone()
    head = int(row["head"]) if row else 0
    positions = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {} AS name, position FROM {}").format(
            sql.Literal(name), sql.Identifier(name, "tracking")
        )
        for name in NAMES
    )
    cur = await conn.execute(positions)
    return head, {r["name"]: max(head - int(r["position"]), 0) for r in await cur.fetchall()}
