"""Rebuilding a read model from position zero beside the live one, then swapping it in."""

from collections.abc import Callable
from typing import Any

import psycopg

from tidings.domain.application import Tidings
from tidings.projections.registry import BY_NAME
from tidings.projections.schema import create_shadow, shadow_name, swap_in
from tidings.projections.tracking import apply_page, read_position

Progress = Callable[[int, int], None]  # (position reached, head of the log)


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
    head = app.recorder.max_notification_id() or 0
    replayed = 0
    while True:
        count, position = apply_page(
            conn, projection, app.recorder, app.mapper, shadow, limit=page, lock=False
        )
        replayed += count
        if progress is not None:
            progress(position, max(head, position))
        if count < page:
            break
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (projection.lock_key(),))
        while True:  # events that arrived meanwhile: the live runner is paused by the lock
            count, position = apply_page(
                conn, projection, app.recorder, app.mapper, shadow, limit=page, lock=False
            )
            replayed += count
            if count < page:
                break
        swap_in(conn, name)
    if progress is not None:
        progress(read_position(conn, name), read_position(conn, name))
    return replayed


def discard_shadow(conn: psycopg.Connection[Any], name: str) -> None:
    conn.execute(f'DROP SCHEMA IF EXISTS "{shadow_name(name)}" CASCADE')
