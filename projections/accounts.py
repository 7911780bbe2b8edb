"""Profiles, login credentials and the settings store of local accounts."""

from typing import Any

import msgspec
from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from tidings.domain.accounts import events
from tidings.domain.ids import flake_of
from tidings.projections.tracking import Cursor, Projection, handles

# Profile keys with a column of their own; the rest are Pleroma preferences.
_COLUMNS = ("display_name", "note", "locked", "bot", "discoverable", "fields")


class Accounts(Projection):
    name = "accounts"

    @handles(events.Registered)
    def registered(self, cur: Cursor, event: events.Registered) -> None:
        account_id = flake_of(event.originator_id)
        cur.execute(
            "INSERT INTO accounts (id, username, display_name, note, locked, bot, is_admin,"
            " is_moderator, preferences, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                account_id,
                event.username,
                event.display_name or "",
                event.note or "",
                event.locked,
                event.bot,
                event.is_admin,
                event.is_moderator,
                Jsonb({"language": event.language} if event.language else {}),
                event.published,
            ),
        )
        cur.execute(
            "INSERT INTO credentials (account_id, email, password_hash) VALUES (%s, %s, %s)"
            " ON CONFLICT (account_id) DO NOTHING",
            (account_id, event.email, event.password_hash),
        )

    @handles(events.Update)
    def updated(self, cur: Cursor, event: events.Update) -> None:
        if event.object is None:  # the author was forgotten: nothing left to show
            return
        changes = {k: v for k, v in _as_dict(event.object).items() if v is not None}
        settings = changes.pop("settings_store", None)
        columns = {k: changes.pop(k) for k in _COLUMNS if k in changes}
        assignments = [f"{k} = %s" for k in columns]
        values: list[Any] = [Jsonb(v) if k == "fields" else v for k, v in columns.items()]
        assignments.append("preferences = preferences || %s")
        values.append(Jsonb(changes))
        if settings is not None:
            assignments.append("settings_store = %s")
            values.append(Jsonb(settings))
        cur.execute(
            f"UPDATE accounts SET {', '.join(assignments)} WHERE id = %s",
            (*values, event.actor),
        )

    @handles(events.PasswordChanged)
    def password_changed(self, cur: Cursor, event: events.PasswordChanged) -> None:
        cur.execute(
            "UPDATE credentials SET password_hash = %s WHERE account_id = %s",
            (event.password_hash, flake_of(event.originator_id)),
        )


def _as_dict(profile: events.Profile) -> dict[str, Any]:
    return msgspec.structs.asdict(profile)


ACCOUNT_COLUMNS = (
    "a.*, coalesce(s.followers_count, 0) AS followers_count,"
    " coalesce(s.following_count, 0) AS following_count,"
    " coalesce(s.statuses_count, 0) AS statuses_count, s.last_status_at"
)
_SELECT = (
    f"SELECT {ACCOUNT_COLUMNS} FROM accounts a LEFT JOIN account_stats s ON s.account_id = a.id"
)


async def by_ids(conn: AsyncConnection[Any], ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cur = await conn.execute(f"{_SELECT} WHERE a.id = ANY(%s)", (ids,))
    return {row["id"]: row for row in await cur.fetchall()}


async def by_id(conn: AsyncConnection[Any], account_id: str) -> dict[str, Any] | None:
    return (await by_ids(conn, [account_id])).get(account_id)


async def by_username(conn: AsyncConnection[Any], username: str) -> dict[str, Any] | None:
    cur = await conn.execute(f"{_SELECT} WHERE lower(a.username) = lower(%s)", (username,))
    return await cur.fetchone()


async def search(
    conn: AsyncConnection[Any],
    query: str,
    limit: int,
    offset: int,
    followed_by: str | None = None,
) -> list[dict[str, Any]]:
    """Prefix match on the username first, then on a word of the display name; with
    ``followed_by``, only accounts that account follows (filtered before the page is cut)."""
    prefix = query.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    following = (
        " AND a.id IN (SELECT followed_id FROM follows WHERE follower_id = %(follower)s)"
        if followed_by is not None
        else ""
    )
    cur = await conn.execute(
        f"{_SELECT} WHERE NOT a.deactivated AND (lower(a.username) LIKE %(prefix)s"
        f" OR lower(a.display_name) LIKE %(prefix)s OR lower(a.display_name) LIKE %(word)s)"
        f"{following}"
        " ORDER BY lower(a.username) LIKE %(prefix)s DESC, a.username"
        " LIMIT %(limit)s OFFSET %(offset)s",
        {
            "prefix": prefix,
            "word": "% " + prefix,
            "follower": followed_by,
            "limit": limit,
            "offset": offset,
        },
    )
    return await cur.fetchall()


async def credentials_of(conn: AsyncConnection[Any], login: str) -> dict[str, Any] | None:
    """Login by username or email, as Pleroma allows."""
    cur = await conn.execute(
        "SELECT c.account_id, c.password_hash, a.deactivated FROM credentials c"
        " JOIN accounts a ON a.id = c.account_id"
        " WHERE lower(a.username) = lower(%s) OR lower(c.email) = lower(%s)",
        (login, login),
    )
    return await cur.fetchone()


async def email_of(conn: AsyncConnection[Any], account_id: str) -> str | None:
    cur = await conn.execute("SELECT email FROM credentials WHERE account_id = %s", (account_id,))
    row = await cur.fetchone()
    return row["email"] if row else None
