"""Blocks, mutes and domain blocks: who each account has shut out, for every read to filter by.

The SQL fragments here are how timelines leave out what a reader shut out, inside their
one query; ``blocking`` and ``relations`` answer the same for a batch of accounts in one
query. A mute past its ``expires_at`` stops matching at once; the expiry job's event then
deletes the row.
"""

from typing import TYPE_CHECKING, Any

from psycopg import AsyncConnection

from tidings.domain.blocks import events
from tidings.projections.tracking import Cursor, Projection, handles

if TYPE_CHECKING:  # statuses filters by this module: a real import would be a cycle
    from tidings.projections.statuses import Window

MUTE_HOLDS = "(expires_at IS NULL OR expires_at > now())"

# The accounts a reader (every parameter: the reader's id) must not meet in a timeline:
# those they block, those who block them, and (in MUTED) those they mute. Uncorrelated, so
# PostgreSQL computes each array once per statement, from the primary key and
# ``blocks_by_target`` indexes.
BLOCKED = (
    "(SELECT coalesce(array_agg(target_id), '{}') FROM blocks WHERE account_id = %s)"
    " || (SELECT coalesce(array_agg(account_id), '{}') FROM blocks WHERE target_id = %s)"
)
MUTED = (
    "(SELECT coalesce(array_agg(target_id), '{}') FROM mutes WHERE account_id = %s"
    f" AND {MUTE_HOLDS})"
)
# The domain a status's author is on. Every account here is local, and no account may
# block its own domain, so no status can come from a blocked domain yet; remote
# accounts will bring the column this names.
AUTHOR_DOMAIN = "NULL::text"
FROM_BLOCKED_DOMAIN = (
    f"EXISTS (SELECT FROM domain_blocks d WHERE d.account_id = %s AND d.domain = {AUTHOR_DOMAIN})"
)


def _page_id(notification_id: int) -> str:
    return f"{notification_id:020d}"


class Blocks(Projection):
    name = "blocks"

    @handles(events.Block)
    def blocked(self, cur: Cursor, event: events.Block) -> None:
        cur.execute(
            "INSERT INTO blocks (account_id, target_id, created_at, page_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.actor, event.object, event.published, _page_id(self.notification_id)),
        )

    @handles(events.Undo)
    def unblocked(self, cur: Cursor, event: events.Undo) -> None:
        cur.execute(
            "DELETE FROM blocks WHERE account_id = %s AND target_id = %s",
            (event.actor, event.object),
        )

    @handles(events.AccountMuted)
    def muted(self, cur: Cursor, event: events.AccountMuted) -> None:
        cur.execute(
            "INSERT INTO mutes (account_id, target_id, notifications, expires_at, created_at,"
            " page_id) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (account_id, target_id)"
            " DO UPDATE SET notifications = excluded.notifications,"
            " expires_at = excluded.expires_at",
            (
                event.account_id,
                event.target_id,
                event.notifications,
                event.expires_at,
                event.published,
                _page_id(self.notification_id),
            ),
        )

    @handles(events.AccountUnmuted)
    def unmuted(self, cur: Cursor, event: events.AccountUnmuted) -> None:
        cur.execute(
            "DELETE FROM mutes WHERE account_id = %s AND target_id = %s",
            (event.account_id, event.target_id),
        )

    @handles(events.DomainBlocked)
    def domain_blocked(self, cur: Cursor, event: events.DomainBlocked) -> None:
        cur.execute(
            "INSERT INTO domain_blocks (account_id, domain, created_at, page_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.account_id, event.domain, event.published, _page_id(self.notification_id)),
        )

    @handles(events.DomainUnblocked)
    def domain_unblocked(self, cur: Cursor, event: events.DomainUnblocked) -> None:
        cur.execute(
            "DELETE FROM domain_blocks WHERE account_id = %s AND domain = %s",
            (event.account_id, event.domain),
        )


def shut_out(viewer_id: str, *, mutes: bool, columns: list[str]) -> tuple[str, list[Any]]:
    """SQL that holds for a row none of whose ``columns`` (account ids; NULLs never match)
    is shut out of the viewer's timelines: blocked either way, muted too with ``mutes``."""
    listed = f"ARRAY[{', '.join(columns)}]::text[]"
    accounts, values = BLOCKED, [viewer_id, viewer_id]
    if mutes:
        accounts, values = f"{accounts} || {MUTED}", [*values, viewer_id]
    return (
        f"NOT ({listed} && ({accounts})) AND NOT {FROM_BLOCKED_DOMAIN}",
        [*values, viewer_id],
    )


async def blocking(conn: AsyncConnection[Any], viewer_id: str, authors: list[str]) -> set[str]:
    """Which of ``authors`` block the viewer: one lookup in ``blocks_by_target``."""
    if not authors:
        return set()
    cur = await conn.execute(
        "SELECT account_id FROM blocks WHERE target_id = %s AND account_id = ANY(%s)",
        (viewer_id, authors),
    )
    return {r["account_id"] for r in await cur.fetchall()}


async def blocked_either_way(
    conn: AsyncConnection[Any], viewer_id: str, among: list[str]
) -> set[str]:
    """Which of ``among`` the viewer blocks, or who block the viewer: one query."""
    if not among:
        return set()
    cur = await conn.execute(
        "SELECT target_id AS id FROM blocks WHERE account_id = %s AND target_id = ANY(%s)"
        " UNION SELECT account_id FROM blocks WHERE target_id = %s AND account_id = ANY(%s)",
        (viewer_id, among, viewer_id, among),
    )
    return {r["id"] for r in await cur.fetchall()}


class Relations:
    """What the viewer's relationship with each of some accounts says of blocks and mutes."""

    def __init__(self) -> None:
        self.blocking: set[str] = set()
        self.blocked_by: set[str] = set()
        self.muting: dict[str, bool] = {}  # muted id: whether their notifications are too


async def relations(conn: AsyncConnection[Any], viewer_id: str, others: list[str]) -> Relations:
    """Blocks both ways and live mutes between the viewer and ``others``: one query."""
    found = Relations()
    if not others:
        return found
    cur = await conn.execute(
        "SELECT 'blocking' AS kind, target_id AS other, NULL::boolean AS notifications"
        " FROM blocks WHERE account_id = %s AND target_id = ANY(%s)"
        " UNION ALL SELECT 'blocked_by', account_id, NULL FROM blocks"
        " WHERE target_id = %s AND account_id = ANY(%s)"
        " UNION ALL SELECT 'muting', target_id, notifications FROM mutes"
        f" WHERE account_id = %s AND target_id = ANY(%s) AND {MUTE_HOLDS}",
        (viewer_id, others, viewer_id, others, viewer_id, others),
    )
    for row in await cur.fetchall():
        if row["kind"] == "blocking":
            found.blocking.add(row["other"])
        elif row["kind"] == "blocked_by":
            found.blocked_by.add(row["other"])
        else:
            found.muting[row["other"]] = bool(row["notifications"])
    return found


async def blocked_page(
    conn: AsyncConnection[Any], account_id: str, window: "Window"
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``account_id``): whom the account blocks, newest block first."""
    conditions, values, order = window.where("page_id")
    cur = await conn.execute(
        "SELECT page_id, target_id AS account_id FROM blocks WHERE account_id = %s"
        f" AND {conditions} ORDER BY page_id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def muted_page(
    conn: AsyncConnection[Any], account_id: str, window: "Window"
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``account_id``, ``expires_at``): live mutes, newest first."""
    conditions, values, order = window.where("page_id")
    cur = await conn.execute(
        "SELECT page_id, target_id AS account_id, expires_at FROM mutes WHERE account_id = %s"
        f" AND {MUTE_HOLDS} AND {conditions} ORDER BY page_id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def domain_page(
    conn: AsyncConnection[Any], account_id: str, window: "Window"
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``domain``): the domains the account blocks, newest first."""
    conditions, values, order = window.where("page_id")
    cur = await conn.execute(
        "SELECT page_id, domain FROM domain_blocks WHERE account_id = %s"
        f" AND {conditions} ORDER BY page_id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()
