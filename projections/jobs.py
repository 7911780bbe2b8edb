"""What is due: one row per job the log has made due and not yet completed or canceled.

The scheduler in ``workers/jobs.py`` polls these rows and hands each to an actor with the
notification id that made it due; the actor's own events delete the row again.
"""

from datetime import datetime
from typing import Any

import msgspec
from psycopg import Connection

from tidings.domain.blocks import events as block_events
from tidings.domain.ids import flake_of
from tidings.domain.imports import events as import_events
from tidings.domain.scheduled import events as scheduled_events
from tidings.domain.statuses import events as status_events
from tidings.projections.tracking import Cursor, Projection, handles

EXPIRE_STATUS = "expire_status"
PUBLISH_SCHEDULED = "publish_scheduled"
RUN_IMPORT = "run_import"
EXPIRE_MUTE = "expire_mute"


def expire_key(status_id: str) -> str:
    return f"{EXPIRE_STATUS}:{status_id}"


def publish_key(scheduled_id: str) -> str:
    return f"{PUBLISH_SCHEDULED}:{scheduled_id}"


def import_key(import_id: str) -> str:
    return f"{RUN_IMPORT}:{import_id}"


def mute_key(account_id: str, target_id: str) -> str:
    return f"{EXPIRE_MUTE}:{account_id}:{target_id}"


_UPSERT = (
    "INSERT INTO due_jobs (key, kind, payload, due_at, notification_id)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET"
    " payload = excluded.payload, due_at = excluded.due_at,"
    " notification_id = excluded.notification_id"
)


class Jobs(Projection):
    name = "jobs"

    def _due(
        self, cur: Cursor, key: str, kind: str, payload: dict[str, Any], due_at: datetime
    ) -> None:
        cur.execute(
            _UPSERT,
            (key, kind, msgspec.json.encode(payload).decode(), due_at, self.notification_id),
        )

    def _done(self, cur: Cursor, key: str) -> None:
        cur.execute("DELETE FROM due_jobs WHERE key = %s", (key,))

    @handles(status_events.Create)
    def created(self, cur: Cursor, event: status_events.Create) -> None:
        if event.object is None or event.object.expires_at is None:
            return
        status_id = flake_of(event.originator_id)
        self._due(
            cur,
            expire_key(status_id),
            EXPIRE_STATUS,
            {"status_id": status_id},
            event.object.expires_at,
        )

    @handles(status_events.Delete)
    def deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        self._done(cur, expire_key(flake_of(event.originator_id)))

    @handles(scheduled_events.StatusScheduled)
    def scheduled(self, cur: Cursor, event: scheduled_events.StatusScheduled) -> None:
        if event.post is None:
            return
        scheduled_id = flake_of(event.originator_id)
        self._due(
            cur,
            publish_key(scheduled_id),
            PUBLISH_SCHEDULED,
            {"scheduled_id": scheduled_id},
            event.scheduled_at,
        )

    @handles(scheduled_events.ScheduleChanged)
    def changed(self, cur: Cursor, event: scheduled_events.ScheduleChanged) -> None:
        cur.execute(
            "UPDATE due_jobs SET due_at = %s, notification_id = %s WHERE key = %s",
            (event.scheduled_at, self.notification_id, publish_key(flake_of(event.originator_id))),
        )

    @handles(scheduled_events.ScheduleCanceled)
    def canceled(self, cur: Cursor, event: scheduled_events.ScheduleCanceled) -> None:
        self._done(cur, publish_key(flake_of(event.originator_id)))

    @handles(scheduled_events.SchedulePublished)
    def published(self, cur: Cursor, event: scheduled_events.SchedulePublished) -> None:
        self._done(cur, publish_key(flake_of(event.originator_id)))

    @handles(import_events.ImportRequested)
    def import_requested(self, cur: Cursor, event: import_events.ImportRequested) -> None:
        """Due at once. The row names the import only: the list itself stays encrypted in
        the log, where the job reads it."""
        if event.entries is None:
            return
        import_id = flake_of(event.originator_id)
        self._due(cur, import_key(import_id), RUN_IMPORT, {"import_id": import_id}, event.published)

    @handles(import_events.ImportCompleted)
    def import_completed(self, cur: Cursor, event: import_events.ImportCompleted) -> None:
        self._done(cur, import_key(flake_of(event.originator_id)))

    @handles(block_events.AccountMuted)
    def muted(self, cur: Cursor, event: block_events.AccountMuted) -> None:
        """A mute with an expiry makes its end due; a new mute for good cancels it."""
        key = mute_key(event.account_id, event.target_id)
        if event.expires_at is None:
            self._done(cur, key)
            return
        payload = {"account_id": event.account_id, "target_id": event.target_id}
        self._due(cur, key, EXPIRE_MUTE, payload, event.expires_at)

    @handles(block_events.AccountUnmuted)
    def unmuted(self, cur: Cursor, event: block_events.AccountUnmuted) -> None:
        self._done(cur, mute_key(event.account_id, event.target_id))


class DueJob(msgspec.Struct, kw_only=True):
    key: str
    kind: str
    payload: dict[str, Any]
    notification_id: int


def due(conn: Connection[Any], now: datetime, limit: int) -> list[tuple[str, str, int]]:
    """(key, kind, notification id) of the rows due at ``now``, longest-waiting first."""
    rows = conn.execute(
        "SELECT key, kind, notification_id FROM jobs.due_jobs WHERE due_at <= %s"
        " ORDER BY due_at LIMIT %s",
        (now, limit),
    ).fetchall()
    return [(r[0], r[1], int(r[2])) for r in rows]


def job(conn: Connection[Any], key: str) -> DueJob | None:
    row = conn.execute(
        "SELECT key, kind, payload, notification_id FROM jobs.due_jobs WHERE key = %s", (key,)
    ).fetchone()
    if row is None:
        return None
    return DueJob(key=row[0], kind=row[1], payload=row[2], notification_id=int(row[3]))
