"""Notifications: one row per recipient, derived from the log, and the reader's own acts on
them (read, dismissed, cleared), settings and markers.

Which notifications an event makes is decided here from this read model's own tables (who
follows whom with ``notify``, who reblogged what, who voted in which poll), so it never
depends on how far another read model has got. What the recipient has chosen to hide
(blocks, mutes, muted threads, strangers) is not decided here but when reading: unblocking
or unmuting shows what was hidden, and a rebuild gives the same answer.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection

from tidings.domain.addressing import recipients, visibility_of
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import encode, flake_of
from tidings.domain.interactions import events as interaction_events
from tidings.domain.notifications import events, kinds
from tidings.domain.polls import events as poll_events
from tidings.domain.reblogs import events as reblog_events
from tidings.domain.statuses import events as status_events
from tidings.domain.statuses.events import Question
from tidings.projections.statuses import Window
from tidings.projections.thread_mutes import MUTED_THREAD
from tidings.projections.tracking import Cursor, Projection, handles

# A new status notifies followers with ``notify`` when it is one their home shows
# (Mastodon's FeedInsertWorker): not direct, not a list post.
_FOLLOWERS_SEE = ("public", "unlisted", "private", "local")

_POSITION_BITS = 44
_INDEX_BITS = 20


def notification_flake(at: datetime, position: int, index: int) -> str:
    """Milliseconds of ``at`` in the high 64 bits, as every flake; then the log position
    and the recipient's index within that event: unique, time-ordered, and the same on
    every rebuild."""
    ms = int(at.timestamp() * 1000)
    low = ((position & ((1 << _POSITION_BITS) - 1)) << _INDEX_BITS) | (
        index & ((1 << _INDEX_BITS) - 1)
    )
    return encode((ms << 64) | low)


_INSERT = (
    "INSERT INTO notifications (id, account_id, type, from_account_id, status_id,"
    " notification_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (id) DO NOTHING"
)


class Notifications(Projection):
    name = "notifications"

    def _notify(
        self,
        cur: Cursor,
        recipients: Iterable[str],
        kind: str,
        sender: str,
        status_id: str | None,
        at: datetime,
        first_index: int = 0,
    ) -> int:
        """Inserts one notification per recipient (never the sender); returns the next
        free index for further notifications from the same event."""
        index = first_index
        rows = []
        for account_id in dict.fromkeys(recipients):
            if account_id == sender and kind != kinds.POLL:
                continue
            rows.append(
                (
                    notification_flake(at, self.notification_id, index),
                    account_id,
                    kind,
                    sender,
                    status_id,
                    self.notification_id,
                    at,
                )
            )
            index += 1
        if rows:
            cur.executemany(_INSERT, rows)
        return index

    # Statuses: mentions, new statuses of followed accounts, edits, polls, deletes.

    @handles(status_events.Create)
    def created(self, cur: Cursor, event: status_events.Create) -> None:
        note = event.object
        if note is None:  # the author was forgotten before this was replayed
            return
        status_id = flake_of(event.originator_id)
        visibility = visibility_of(event.actor, event.to, event.cc)
        # Whom the Note addresses by name: its mentions, or Pleroma's ``to``. A list
        # post's members are its audience (cc), not people it speaks to.
        addressed = recipients(event.to, [] if visibility == "list" else event.cc)
        index = self._notify(cur, addressed, kinds.MENTION, event.actor, status_id, event.published)
        replies_to_other = note.in_reply_to_account not in (None, event.actor)
        if visibility in _FOLLOWERS_SEE and not replies_to_other:
            cur.execute(
                "SELECT follower_id FROM notification_follows"
                " WHERE followed_id = %s AND notify AND NOT requested ORDER BY follower_id",
                (event.actor,),
            )
            subscribers = [r[0] for r in cur.fetchall() if r[0] not in addressed]
            index = self._notify(
                cur, subscribers, kinds.STATUS, event.actor, status_id, event.published, index
            )
        if note.poll is not None:
            self._poll_started(cur, status_id, event.actor, note.poll, index)

    @handles(status_events.Update)
    def updated(self, cur: Cursor, event: status_events.Update) -> None:
        """Mastodon tells those who reblogged a status that it was edited; mentions an
        edit adds notify no one."""
        status_id = flake_of(event.originator_id)
        cur.execute(
            "SELECT account_id FROM notification_reblogs WHERE status_id = %s ORDER BY account_id",
            (status_id,),
        )
        rebloggers = [r[0] for r in cur.fetchall()]
        index = self._notify(cur, rebloggers, kinds.UPDATE, event.actor, status_id, event.published)
        if event.object is not None:
            self._poll_edited(cur, status_id, event, event.object.poll, index)

    def _poll_started(
        self, cur: Cursor, status_id: str, author: str, poll: Question, index: int
    ) -> None:
        cur.execute(
            "INSERT INTO notification_polls (status_id, author_id, question_id, end_time)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (status_id) DO UPDATE SET"
            " question_id = excluded.question_id, end_time = excluded.end_time",
            (status_id, author, poll.id, poll.end_time),
        )
        self._notify(cur, [author], kinds.POLL, author, status_id, poll.end_time, index)

    def _poll_edited(
        self,
        cur: Cursor,
        status_id: str,
        event: status_events.Update,
        poll: Question | None,
        index: int,
    ) -> None:
        """An edit that replaces the poll, ends it at another time, or drops it moves the
        notifications of its end that had not shown yet (judged by the edit's own time, so
        a rebuild decides alike); votes in a replaced poll lapse with their notifications."""
        cur.execute(
            "SELECT author_id, question_id, end_time FROM notification_polls WHERE status_id = %s",
            (status_id,),
        )
        found = cur.fetchone()
        if found is None and poll is None:
            return
        if (
            found is not None
            and poll is not None
            and (found[1], found[2])
            == (
                poll.id,
                poll.end_time,
            )
        ):
            return
        cur.execute(
            "DELETE FROM notifications WHERE status_id = %s AND type = %s AND created_at > %s",
            (status_id, kinds.POLL, event.published),
        )
        voters: list[str] = []
        if found is not None and poll is not None and found[1] == poll.id:
            cur.execute(
                "SELECT voter_id FROM notification_poll_voters WHERE status_id = %s"
                " ORDER BY voter_id",
                (status_id,),
            )
            voters = [r[0] for r in cur.fetchall()]
        else:
            cur.execute("DELETE FROM notification_poll_voters WHERE status_id = %s", (status_id,))
        if poll is None:
            cur.execute("DELETE FROM notification_polls WHERE status_id = %s", (status_id,))
            return
        cur.execute(
            "INSERT INTO notification_polls (status_id, author_id, question_id, end_time)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (status_id) DO UPDATE SET"
            " question_id = excluded.question_id, end_time = excluded.end_time",
            (status_id, event.actor, poll.id, poll.end_time),
        )
        self._notify(
            cur, [event.actor, *voters], kinds.POLL, event.actor, status_id, poll.end_time, index
        )

    @handles(poll_events.Create)
    def voted(self, cur: Cursor, event: poll_events.Create) -> None:
        """A voter hears when the poll ends, once, and only for the poll still running."""
        cur.execute(
            "WITH voter AS (INSERT INTO notification_poll_voters (status_id, voter_id)"
            " SELECT status_id, %s FROM notification_polls"
            " WHERE status_id = %s AND question_id = %s"
            " ON CONFLICT DO NOTHING RETURNING status_id)"
            " SELECT p.author_id, p.end_time FROM notification_polls p"
            " JOIN voter ON voter.status_id = p.status_id",
            (event.actor, event.in_reply_to, event.question_id),
        )
        found = cur.fetchone()
        if found is not None:
            self._notify(cur, [event.actor], kinds.POLL, found[0], event.in_reply_to, found[1])

    @handles(status_events.Delete)
    def deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        """A deleted status takes every notification about it (Mastodon's dependent
        destroy of mentions, favourites, reblogs and polls)."""
        status_id = flake_of(event.originator_id)
        cur.execute("DELETE FROM notifications WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM notification_reblogs WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM notification_poll_voters WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM notification_polls WHERE status_id = %s", (status_id,))

    # Favourites and reblogs: told to the author, taken back with an Undo.

    @handles(interaction_events.Like)
    def liked(self, cur: Cursor, event: interaction_events.Like) -> None:
        self._notify(
            cur, [event.attributed_to], kinds.FAVOURITE, event.actor, event.object, event.published
        )

    @handles(interaction_events.Undo)
    def unliked(self, cur: Cursor, event: interaction_events.Undo) -> None:
        _take_back(cur, kinds.FAVOURITE, event.actor, event.object)

    @handles(reblog_events.Announce)
    def reblogged(self, cur: Cursor, event: reblog_events.Announce) -> None:
        cur.execute(
            "INSERT INTO notification_reblogs (status_id, account_id) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            (event.object, event.actor),
        )
        self._notify(
            cur, [event.attributed_to], kinds.REBLOG, event.actor, event.object, event.published
        )

    @handles(reblog_events.Undo)
    def unreblogged(self, cur: Cursor, event: reblog_events.Undo) -> None:
        cur.execute(
            "DELETE FROM notification_reblogs WHERE status_id = %s AND account_id = %s",
            (event.object, event.actor),
        )
        _take_back(cur, kinds.REBLOG, event.actor, event.object)

    # Follows: a follow or a request, turned into a follow when accepted (Pleroma), gone
    # with the follow itself (Mastodon's dependent destroy).

    @handles(graph_events.Follow)
    def followed(self, cur: Cursor, event: graph_events.Follow) -> None:
        requested = event.requested
        cur.execute(
            "SELECT requested FROM notification_follows"
            " WHERE followed_id = %s AND follower_id = %s",
            (event.object, event.actor),
        )
        before = cur.fetchone()
        cur.execute(
            "INSERT INTO notification_follows (follower_id, followed_id, notify, requested)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (followed_id, follower_id)"
            " DO UPDATE SET notify = excluded.notify, requested = excluded.requested",
            (event.actor, event.object, event.notify, requested),
        )
        if before is None:  # a change of options on a follow tells no one
            kind = kinds.FOLLOW_REQUEST if requested else kinds.FOLLOW
            self._notify(cur, [event.object], kind, event.actor, None, event.published)
        elif before[0] and not requested:
            _turn_into_follow(cur, event.object, event.actor)

    @handles(graph_events.Undo)
    def unfollowed(self, cur: Cursor, event: graph_events.Undo) -> None:
        _unfollow(cur, follower=event.actor, followed=event.object)

    @handles(graph_events.Accept)
    def accepted(self, cur: Cursor, event: graph_events.Accept) -> None:
        cur.execute(
            "UPDATE notification_follows SET requested = false, notify = %s"
            " WHERE followed_id = %s AND follower_id = %s",
            (event.notify, event.actor, event.object),
        )
        _turn_into_follow(cur, event.actor, event.object)

    @handles(graph_events.Reject)
    def rejected(self, cur: Cursor, event: graph_events.Reject) -> None:
        """A refused request, or a follower removed (remove_from_followers)."""
        _unfollow(cur, follower=event.object, followed=event.actor)

    # The reader's own acts.

    @handles(events.NotificationsDismissed)
    def dismissed(self, cur: Cursor, event: events.NotificationsDismissed) -> None:
        cur.execute(
            "DELETE FROM notifications WHERE account_id = %s AND id = ANY(%s)",
            (event.account_id, event.ids),
        )

    @handles(events.NotificationsCleared)
    def cleared(self, cur: Cursor, event: events.NotificationsCleared) -> None:
        """What was there when the reader cleared: made by an earlier event and already
        shown (a poll's end still to come stays)."""
        cur.execute(
            "DELETE FROM notifications WHERE account_id = %s AND notification_id < %s"
            " AND created_at <= %s",
            (event.account_id, self.notification_id, event.published),
        )

    @handles(events.NotificationsRead)
    def read(self, cur: Cursor, event: events.NotificationsRead) -> None:
        if event.id is not None:
            cur.execute(
                "UPDATE notifications SET is_seen = true WHERE account_id = %s AND id = %s",
                (event.account_id, event.id),
            )
        else:
            cur.execute(
                "UPDATE notifications SET is_seen = true WHERE account_id = %s AND id <= %s"
                " AND created_at <= %s AND NOT is_seen",
                (event.account_id, event.max_id, event.published),
            )
        # Pleroma moves the notifications marker to the newest read notification.
        cur.execute(
            "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)"
            " SELECT %s, 'notifications', max(id), 0, %s FROM notifications"
            " WHERE account_id = %s AND is_seen HAVING max(id) IS NOT NULL"
            " ON CONFLICT (account_id, timeline) DO UPDATE SET"
            " last_read_id = excluded.last_read_id, updated_at = excluded.updated_at",
            (event.account_id, event.published, event.account_id),
        )

    @handles(events.NotificationSettingsChanged)
    def settings_changed(self, cur: Cursor, event: events.NotificationSettingsChanged) -> None:
        cur.execute(
            "INSERT INTO notification_settings"
            " (account_id, block_from_strangers, hide_notification_contents)"
            " VALUES (%s, %s, %s) ON CONFLICT (account_id) DO UPDATE SET"
            " block_from_strangers = excluded.block_from_strangers,"
            " hide_notification_contents = excluded.hide_notification_contents",
            (event.account_id, event.block_from_strangers, event.hide_notification_contents),
        )

    @handles(events.MarkerSet)
    def marker_set(self, cur: Cursor, event: events.MarkerSet) -> None:
        cur.execute(
            "INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (account_id, timeline) DO UPDATE SET"
            " last_read_id = excluded.last_read_id, version = excluded.version,"
            " updated_at = excluded.updated_at",
            (event.account_id, event.timeline, event.last_read_id, event.version, event.published),
        )


def _take_back(cur: Cursor, kind: str, sender: str, status_id: str) -> None:
    cur.execute(
        "DELETE FROM notifications WHERE status_id = %s AND type = %s AND from_account_id = %s",
        (status_id, kind, sender),
    )


def _turn_into_follow(cur: Cursor, followed: str, follower: str) -> None:
    cur.execute(
        "UPDATE notifications SET type = %s WHERE account_id = %s AND from_account_id = %s"
        " AND type = %s",
        (kinds.FOLLOW, followed, follower, kinds.FOLLOW_REQUEST),
    )


def _unfollow(cur: Cursor, *, follower: str, followed: str) -> None:
    cur.execute(
        "DELETE FROM notification_follows WHERE followed_id = %s AND follower_id = %s",
        (followed, follower),
    )
    cur.execute(
        "DELETE FROM notifications WHERE account_id = %s AND from_account_id = %s"
        " AND type = ANY(%s)",
        (followed, follower, [kinds.FOLLOW, kinds.FOLLOW_REQUEST]),
    )


# Read-time rules over ``notifications n`` left-joined to ``statuses s``.
# Either side blocking the other hides everything between them.
NOT_BLOCKED = (
    "NOT EXISTS (SELECT FROM blocks b WHERE (b.account_id = n.account_id"
    " AND b.target_id = n.from_account_id) OR (b.account_id = n.from_account_id"
    " AND b.target_id = n.account_id))"
)
_MUTE = (
    "EXISTS (SELECT FROM mutes m WHERE m.account_id = n.account_id"
    " AND m.target_id = n.from_account_id AND (m.expires_at IS NULL OR m.expires_at > now())"
)
# A mute hides notifications unless it was made with notifications=false.
MUTED_NOTIFICATIONS = _MUTE + " AND m.notifications)"
MUTED_ACCOUNT = _MUTE + ")"
# Pleroma's block_from_strangers, as the seeds word it: only accounts the recipient follows
# (a poll's end, and the recipient's own acts, are never a stranger's).
FROM_STRANGER_ALLOWED = (
    f"(n.type = '{kinds.POLL}' OR n.from_account_id = n.account_id"
    " OR NOT EXISTS (SELECT FROM notification_settings ns WHERE ns.account_id = n.account_id"
    " AND ns.block_from_strangers)"
    " OR EXISTS (SELECT FROM follows f WHERE f.follower_id = n.account_id"
    " AND f.followed_id = n.from_account_id))"
)
# A row whose status is gone (deleted, its Delete not yet applied here) never shows; nor a
# poll's end before it comes.
_PRESENT = "n.created_at <= now() AND (n.status_id IS NULL OR s.id IS NOT NULL)"
_FROM = "FROM notifications n LEFT JOIN statuses s ON s.id = n.status_id"


class Filters:
    """What a reader asked to see: Mastodon's ``types[]``/``exclude_types[]``/
    ``account_id``, Pleroma's ``include_types[]``, ``exclude_visibilities[]`` and
    ``with_muted``."""

    def __init__(
        self,
        types: list[str] | None = None,
        exclude_types: list[str] | None = None,
        exclude_visibilities: list[str] | None = None,
        account_id: str | None = None,
        with_muted: bool = False,
    ) -> None:
        self.types = types or None
        self.exclude_types = exclude_types or []
        self.exclude_visibilities = exclude_visibilities or []
        self.account_id = account_id
        self.with_muted = with_muted

    def where(self, viewer_id: str) -> tuple[str, list[Any]]:
        conditions = [_PRESENT, NOT_BLOCKED, FROM_STRANGER_ALLOWED]
        values: list[Any] = []
        if not self.with_muted:
            conditions.append(f"NOT {MUTED_NOTIFICATIONS}")
            conditions.append(f"NOT (s.id IS NOT NULL AND {MUTED_THREAD})")
            values.append(viewer_id)
        if self.types is not None:
            conditions.append("n.type = ANY(%s)")
            values.append(self.types)
        else:
            conditions.append("n.type <> ALL(%s)")
            values.append(sorted(kinds.NOT_DEFAULT))
        if self.exclude_types:
            conditions.append("n.type <> ALL(%s)")
            values.append(self.exclude_types)
        if self.exclude_visibilities:
            conditions.append("(s.id IS NULL OR s.visibility <> ALL(%s))")
            values.append(self.exclude_visibilities)
        if self.account_id is not None:
            conditions.append("n.from_account_id = %s")
            values.append(self.account_id)
        return " AND ".join(conditions), values


def _select(viewer_id: str) -> tuple[str, list[Any]]:
    return (
        f"SELECT n.*, ({MUTED_ACCOUNT} OR (s.id IS NOT NULL AND {MUTED_THREAD})) AS is_muted"
        f" {_FROM}",
        [viewer_id],
    )


async def page(
    conn: AsyncConnection[Any], account_id: str, window: Window, filters: Filters
) -> list[dict[str, Any]]:
    """A page of the account's notifications as the window orders them; each row with
    ``is_muted`` (Pleroma: the sender or the thread is muted)."""
    select, head = _select(account_id)
    shown, values = filters.where(account_id)
    bounds, bound_values, order = window.where("n.id")
    cur = await conn.execute(
        f"{select} WHERE n.account_id = %s AND {shown} AND {bounds} ORDER BY n.id {order} LIMIT %s",
        (*head, account_id, *values, *bound_values, window.limit),
    )
    return await cur.fetchall()


async def by_ids(
    conn: AsyncConnection[Any], account_id: str, ids: list[str], filters: Filters | None = None
) -> list[dict[str, Any]]:
    """The account's notifications among ``ids`` that it may see now, newest first."""
    if not ids:
        return []
    select, head = _select(account_id)
    shown, values = (filters or Filters(with_muted=True)).where(account_id)
    cur = await conn.execute(
        f"{select} WHERE n.account_id = %s AND n.id = ANY(%s) AND {shown} ORDER BY n.id DESC",
        (*head, account_id, ids, *values),
    )
    return await cur.fetchall()


async def unseen_up_to(
    conn: AsyncConnection[Any], account_id: str, max_id: str, limit: int
) -> list[str]:
    """Ids of the unread notifications the account sees, up to ``max_id``, newest first."""
    shown, values = Filters().where(account_id)
    cur = await conn.execute(
        f"SELECT n.id {_FROM} WHERE n.account_id = %s AND NOT n.is_seen AND n.id <= %s"
        f" AND {shown} ORDER BY n.id DESC LIMIT %s",
        (account_id, max_id, *values, limit),
    )
    return [r["id"] for r in await cur.fetchall()]


async def has_any(conn: AsyncConnection[Any], account_id: str) -> bool:
    """Whether the account has any notification a clear would take, hidden ones too."""
    cur = await conn.execute(
        "SELECT EXISTS (SELECT FROM notifications WHERE account_id = %s AND created_at <= now())"
        " AS found",
        (account_id,),
    )
    row = await cur.fetchone()
    return bool(row and row["found"])


async def unread_count(conn: AsyncConnection[Any], account_id: str) -> int:
    """Counted when asked, under the same rules as the list, over the partial index of
    unread rows: a count kept as a column could not follow an unblock or a mute's expiry,
    which change what counts without any event reaching this read model."""
    shown, values = Filters().where(account_id)
    cur = await conn.execute(
        f"SELECT count(*) AS n {_FROM} WHERE n.account_id = %s AND NOT n.is_seen AND {shown}",
        (account_id, *values),
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0


async def created_by(conn: AsyncConnection[Any], position: int) -> list[dict[str, Any]]:
    """The notifications the event at ``position`` made that show now, each recipient's
    own rules applied (a poll's end, made ahead, is not among them until it comes)."""
    return await _each_recipient(conn, "n.notification_id = %s", [position])


async def came_due(
    conn: AsyncConnection[Any], after: datetime, until: datetime
) -> list[dict[str, Any]]:
    """The polls' ends that came in (``after``, ``until``]: made ahead of time by the
    event that started the poll (or the vote), they show only from then on."""
    return await _each_recipient(
        conn, "n.type = %s AND n.created_at > %s AND n.created_at <= %s", [kinds.POLL, after, until]
    )


async def _each_recipient(
    conn: AsyncConnection[Any], condition: str, values: list[Any]
) -> list[dict[str, Any]]:
    cur = await conn.execute(
        f"SELECT DISTINCT account_id FROM notifications n WHERE {condition}", values
    )
    found: list[dict[str, Any]] = []
    for row in await cur.fetchall():
        select, head = _select(row["account_id"])
        shown, shown_values = Filters().where(row["account_id"])
        rows = await conn.execute(
            f"{select} WHERE {condition} AND n.account_id = %s AND {shown} ORDER BY n.id",
            (*head, *values, row["account_id"], *shown_values),
        )
        found.extend(await rows.fetchall())
    return found


async def settings_of(conn: AsyncConnection[Any], account_id: str) -> dict[str, bool]:
    cur = await conn.execute(
        "SELECT block_from_strangers, hide_notification_contents FROM notification_settings"
        " WHERE account_id = %s",
        (account_id,),
    )
    row = await cur.fetchone()
    return {
        "block_from_strangers": bool(row and row["block_from_strangers"]),
        "hide_notification_contents": bool(row and row["hide_notification_contents"]),
    }


async def markers_of(
    conn: AsyncConnection[Any], account_id: str, timelines: list[str]
) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "SELECT * FROM markers WHERE account_id = %s AND timeline = ANY(%s) ORDER BY timeline",
        (account_id, timelines),
    )
    return await cur.fetchall()
