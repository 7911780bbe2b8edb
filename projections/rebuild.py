"""Rebuilding a read model from position zero beside the live one, then swapping it in;
verifying one by building a copy to the live position and comparing the two."""

from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

from tidings.domain.application import Tidings
from tidings.projections.registry import BY_NAME
from tidings.projections.schema import create_shadow, shadow_name, swap_in
from tidings.projections.tracking import Projection, apply_page, read_position

Progress = Callable[[int, int], None]  # (position reached, head of the log)


def _replay(
    conn: psycopg.Connection[Any],
    app: Tidings,
    projection: Projection,
    shadow: str,
    page: int,
    stop: int | None,
    progress: Progress | None,
) -> int:
    head = stop if stop is not None else (app.recorder.max_notification_id() or 0)
    replayed = 0
    while True:
        count, position = apply_page(
            conn, projection, app.mapper, shadow, limit=page, stop=stop, lock=False
        )
        replayed += count
        if progress is not None:
            progress(position, max(head, position))
        if count < page:
            return replayed


def rebuild(
    conn: psycopg.Connection[Any],
    app: Tidings,
    name: str,
    progress: Progress | None = None,
    page: int = 1000,
) -> int:
    """Replays the whole log into a fresh copy and swaps it in; returns events replayed.

    The bulk of the replay holds no lock, so the live read model keeps serving and being
    updated; only the last pages and the swap run under the projection's lock.
    """
    projection = BY_NAME[name]()
    shadow = create_shadow(conn, name)
    replayed = _replay(conn, app, projection, shadow, page, None, progress)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (projection.lock_key(),))
        # Events that arrived meanwhile; the live runner waits on the lock until the swap.
        replayed += _replay(conn, app, projection, shadow, page, None, None)
        swap_in(conn, name)
    return replayed


def verify(
    conn: psycopg.Connection[Any],
    app: Tidings,
    name: str,
    progress: Progress | None = None,
    page: int = 1000,
) -> dict[str, int]:
    """Builds a copy up to the live position and counts, per table, the rows that differ."""
    projection = BY_NAME[name]()
    shadow = create_shadow(conn, name)
    try:
        _replay(conn, app, projection, shadow, page, read_position(conn, name), progress)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (projection.lock_key(),))
            _replay(conn, app, projection, shadow, page, read_position(conn, name), None)
            return {
                table: _differing_rows(conn, name, shadow, table) for table in _tables(conn, name)
            }
    finally:
        discard_shadow(conn, name)


def _tables(conn: psycopg.Connection[Any], schema: str) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)
    ).fetchall()
    return [r[0] for r in rows]


def _differing_rows(conn: psycopg.Connection[Any], live: str, copy: str, table: str) -> int:
    query = sql.SQL(
        "SELECT count(*) FROM ((TABLE {live} EXCEPT ALL TABLE {copy})"
        " UNION ALL (TABLE {copy} EXCEPT ALL TABLE {live})) AS diff"
    ).format(live=sql.Identifier(live, table), copy=sql.Identifier(copy, table))
    row = conn.execute(query).fetchone()
    return int(row[0]) if row else 0


def discard_shadow(conn: psycopg.Connection[Any], name: str) -> None:
    conn.execute(
        sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(shadow_name(name)))
    )
