"""Scheduled statuses waiting for their time, as GET /api/v1/scheduled_statuses lists them."""

from typing import Any

import msgspec
from psycopg import AsyncConnection

from tidings.domain.ids import flake_of
from tidings.domain.scheduled import events
from tidings.projections.statuses import Window
from tidings.projections.tracking import Cursor, Projection, handles


def _params(event: events.StatusScheduled) -> dict[str, Any]:
    """Mastodon's ``params`` of a ScheduledStatus, with Pleroma's ``expires_in``."""
    post = event.post
    assert post is not None  # checked by the caller
    return {
        "text": post.source,
        "poll": msgspec.structs.asdict(post.poll) if post.poll else None,
        "media_ids": None,
        "sensitive": post.sensitive,
        "spoiler_text": post.spoiler_text or None,
        "visibility": post.visibility,
        "in_reply_to_id": post.in_reply_to_id,
        "language": post.language,
        "application_id": post.app_id,
        "idempotency": post.idempotency,
        "with_rate_limit": False,
        "expires_in": post.expires_in,
    }


def _remove(cur: Cursor, event: events.ScheduleCanceled | events.SchedulePublished) -> None:
    cur.execute("DELETE FROM scheduled_statuses WHERE id = %s", (flake_of(event.originator_id),))


class ScheduledStatuses(Projection):
    name = "scheduled_statuses"

    @handles(events.StatusScheduled)
    def scheduled(self, cur: Cursor, event: events.StatusScheduled) -> None:
        if event.post is None:  # the author was forgotten before this page was replayed
            return
        cur.execute(
            "INSERT INTO scheduled_statuses (id, account_id, scheduled_at, params)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (
                flake_of(event.originator_id),
                event.account_id,
                event.scheduled_at,
                msgspec.json.encode(_params(event)).decode(),
            ),
        )

    @handles(events.ScheduleChanged)
    def changed(self, cur: Cursor, event: events.ScheduleChanged) -> None:
        cur.execute(
            "UPDATE scheduled_statuses SET scheduled_at = %s WHERE id = %s",
            (event.scheduled_at, flake_of(event.originator_id)),
        )

    @handles(events.ScheduleCanceled)
    def canceled(self, cur: Cursor, event: events.ScheduleCanceled) -> None:
        cur.execute(
            "DELETE FROM scheduled_statuses WHERE id = %s", (flake_of(event.originator_id),)
        )

    @handles(events.SchedulePublished)
    def published(self, cur: Cursor, event: events.SchedulePublished) -> None:
        cur.execute(
            "DELETE FROM scheduled_statuses WHERE id = %s", (flake_of(event.originator_id),)
        )


async def of_account(
    conn: AsyncConnection[Any], account_id: str, window: Window
) -> list[dict[str, Any]]:
    where, values, order = window.where("id")
    cur = await conn.execute(
        f"SELECT * FROM scheduled_statuses WHERE account_id = %s AND {where}"
        f" ORDER BY id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def by_id(
    conn: AsyncConnection[Any], account_id: str, scheduled_id: str
) -> dict[str, Any] | None:
    """The owner's scheduled status; someone else's is as absent as a missing one."""
    cur = await conn.execute(
        "SELECT * FROM scheduled_statuses WHERE id = %s AND account_id = %s",
        (scheduled_id, account_id),
    )
    return await cur.fetchone()
