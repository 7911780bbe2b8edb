"""The streaming publisher: follows the event log, renders what each event shows once, and
publishes it to Redis for every API process's hub (``api/streaming/hub.py``).

One publisher is active per database: it holds a PostgreSQL advisory lock on its own
connection, so a second process (another ``tidings serve``, a ``tidings worker``) waits as
a standby and takes over when the first one's connection ends. The position it reached is
kept in Redis beside the messages, in the same transaction, so a new leader neither skips
nor repeats what the old one published. An event is rendered only once every read model
has applied it, so what a client is streamed is what its next request reads.
"""

import asyncio
import contextlib
import logging
import threading
import zlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, cast

import anyio.to_thread
import msgspec
import redis.asyncio as aioredis
from eventsourcing.persistence import Notification
from eventsourcing.utils import get_topic
from psycopg import AsyncConnection, sql

from tidings.api.app import read_pool
from tidings.api.mastodon.conversations import render_conversations
from tidings.api.mastodon.notifications import came_due as notifications_came_due
from tidings.api.mastodon.notifications import created_by as notifications_created_by
from tidings.api.mastodon.statuses import render_page
from tidings.api.services import Services, password_hasher
from tidings.api.settings import Settings
from tidings.api.streaming.hub import REVOKED, Envelope, Part, channel, token_topic
from tidings.api.streaming.topics import public_topics
from tidings.domain.addressing import recipients, visibility_of
from tidings.domain.application import Tidings
from tidings.domain.events import Event
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import flake_of
from tidings.domain.oauth import events as oauth_events
from tidings.domain.reblogs import events as reblog_events
from tidings.domain.statuses import events as status_events
from tidings.projections import statuses
from tidings.projections.eventstore import EVENTS_TABLE
from tidings.projections.lists import REPLIES_SHOWN
from tidings.projections.registry import NAMES
from tidings.projections.tracking import Waiter

log = logging.getLogger("tidings.streaming")

LOCK = zlib.crc32(b"tidings:streaming-publisher")
BATCH = 200  # events read and published per round
MAX_BACKLOG = 10_000  # a leader this far behind skips to the head: old news is not news
CATCH_UP = 10.0  # seconds to wait for the read models before rendering anyway

# The lists whose timeline shows the status: its rows, less the replies a list hides.
LISTS_SHOWING = (
    "SELECT 'list:' || t.list_id FROM list_timeline t JOIN lists l ON l.id = t.list_id"
    f" WHERE t.status_id = %(id)s AND {REPLIES_SHOWN}"
)
Cursor = AsyncConnection[Any]
Render = Callable[["StreamingPublisher", Cursor, Event, int], Awaitable[list[Part]]]
_encoder = msgspec.json.Encoder()


def _json(value: object) -> str:
    return _encoder.encode(value).decode()


def position_key(settings: Settings) -> str:
    return f"{channel(settings)}:position"


class StreamingPublisher:
    def __init__(self, settings: Settings, app: Tidings) -> None:
        if settings.database_url is None or settings.redis_url is None:
            raise ValueError("the streaming publisher needs database_url and redis_url")
        self.settings = settings
        self.app = app
        self._dsn = settings.database_url
        self._redis_url = settings.redis_url
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._started = threading.Event()
        self.leading = threading.Event()  # set while this process is the publisher
        self.tries = 0  # attempts at the lock, leading or not
        self._renderers: dict[str, Render] = {
            get_topic(status_events.Create): StreamingPublisher._created,
            get_topic(status_events.Update): StreamingPublisher._edited,
            get_topic(status_events.Delete): StreamingPublisher._deleted,
            get_topic(reblog_events.Announce): StreamingPublisher._reblogged,
            get_topic(reblog_events.Undo): StreamingPublisher._unreblogged,
            get_topic(graph_events.Follow): StreamingPublisher._follow_changed,
            get_topic(graph_events.Undo): StreamingPublisher._follow_changed,
            get_topic(oauth_events.TokenRevoked): StreamingPublisher._token_revoked,
        }
        # Follow requests' answers, once the graph has them (helper ``follows``).
        for name in ("Accept", "Reject"):
            kind = getattr(graph_events, name, None)
            if kind is not None:
                self._renderers[get_topic(kind)] = StreamingPublisher._follow_changed

    # -- running -----------------------------------------------------------------------

    def start(self) -> None:
        """In a thread of its own, with its own connections (``tidings serve``'s main
        process and ``tidings worker``, where no app runs)."""
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self.run()), name="streaming-publisher", daemon=True
        )
        self._thread.start()
        self._started.wait(5)

    def stop(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            return
        if self._loop is not None and self._stopping is not None:
            self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(timeout=10)

    async def run(self, shared: Services | None = None) -> None:
        """Leads or stands by until stopped. With ``shared``, an app's own pool, waiter and
        Redis serve it, in the app's loop: no connections beyond the lock's."""
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        self._started.set()
        while not self._stopping.is_set():
            try:
                await self._lead(shared)
            except Exception:
                log.exception("streaming publisher failed; starting over")
                await self._pause(1.0)
            finally:
                self.leading.clear()

    async def close(self) -> None:
        """Ends ``run`` from the loop it runs in."""
        if self._stopping is not None:
            self._stopping.set()

    async def _pause(self, seconds: float) -> None:
        assert self._stopping is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    async def _lead(self, shared: Services | None) -> None:
        conn = await AsyncConnection.connect(self._dsn, autocommit=True)
        async with conn:
            locked = await (
                await conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK,))
            ).fetchone()
            self.tries += 1
            if not locked or not locked[0]:
                await self._pause(1.0)  # a standby: another process publishes
                return
            self.leading.set()
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE)))
            async with contextlib.AsyncExitStack() as stack:
                self.services = shared if shared is not None else await self._own_services(stack)
                await self._follow(conn)

    async def _own_services(self, stack: contextlib.AsyncExitStack) -> Services:
        pool = read_pool(self._dsn, max_size=2)
        await pool.open(wait=True, timeout=30)
        stack.push_async_callback(pool.close)
        waiter = await anyio.to_thread.run_sync(Waiter, self._dsn, NAMES)
        stack.push_async_callback(anyio.to_thread.run_sync, waiter.close)
        redis = aioredis.from_url(self._redis_url)
        stack.push_async_callback(redis.aclose)
        return Services(
            settings=self.settings,
            pool=pool,
            tidings=self.app,
            waiter=waiter,
            redis=redis,
            hasher=password_hasher("cheapest"),  # never used: nothing here hashes
        )

    async def _follow(self, conn: Cursor) -> None:
        assert self._stopping is not None
        position = await self._start_position(conn, self.services.redis)
        ticked = datetime.now(UTC)
        while not self._stopping.is_set():
            rows = await self._read(conn, position)
            if rows:
                position = await self._publish(rows, self.services.waiter, self.services.redis)
            else:
                await self._idle(conn)
            if (datetime.now(UTC) - ticked).total_seconds() >= 1.0:
                ticked = await self._publish_due(position, ticked)

    async def _publish_due(self, position: int, since: datetime) -> datetime:
        """Polls' ends come due with time, not with an event: each tick streams those that
        came due since the last one. Returns this tick's time."""
        until = datetime.now(UTC)
        async with self.services.pool.connection() as conn:
            due = await notifications_came_due(conn, since, until, self.settings)
        if due:
            parts = [self._notification_part(account_id, entity) for account_id, entity in due]
            envelope = _encoder.encode(Envelope(position=position, parts=parts))
            await self.services.redis.publish(channel(self.settings), envelope)
        return until

    async def _idle(self, conn: Cursor) -> None:
        """Until the log grows (its NOTIFY) or a second passes (a NOTIFY lost)."""
        assert self._stopping is not None
        async for _ in conn.notifies(timeout=1.0, stop_after=1):
            pass

    async def _start_position(self, conn: Cursor, redis: "aioredis.Redis") -> int:
        head_row = await (
            await conn.execute(
                sql.SQL("SELECT coalesce(max(notification_id), 0) FROM {}").format(
                    sql.Identifier(EVENTS_TABLE)
                )
            )
        ).fetchone()
        head = int(head_row[0]) if head_row else 0
        stored = await redis.get(position_key(self.settings))
        # A first start streams from now on, not the history; a position past the head
        # belongs to a log that was replaced (a restored backup, a recreated database).
        if stored is None or not 0 <= head - int(stored) <= MAX_BACKLOG:
            return head
        return int(stored)

    async def _read(self, conn: Cursor, position: int) -> list[tuple[Any, ...]]:
        # Every position is read (a notification may come of any event); the payloads only
        # of the events that show something.
        cur = await conn.execute(
            sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic,"
                " CASE WHEN topic = ANY(%s) THEN state END"
                " FROM {} WHERE notification_id > %s ORDER BY notification_id LIMIT %s"
            ).format(sql.Identifier(EVENTS_TABLE)),
            (list(self._renderers), position, BATCH),
        )
        return await cur.fetchall()

    async def _publish(
        self, rows: list[tuple[Any, ...]], waiter: Waiter, redis: "aioredis.Redis"
    ) -> int:
        last = int(rows[-1][0])
        if not await waiter.wait_async(last, timeout=CATCH_UP):
            log.warning("read models did not reach %s; streaming what they show", last)
        envelopes: list[bytes] = []
        async with self.services.pool.connection() as conn:
            for notification_id, stream, version, topic, state in rows:
                parts = await self._parts(conn, notification_id, stream, version, topic, state)
                if parts:
                    envelopes.append(
                        _encoder.encode(Envelope(position=notification_id, parts=parts))
                    )
        async with redis.pipeline(transaction=True) as pipe:
            for envelope in envelopes:
                pipe.publish(channel(self.settings), envelope)
            pipe.set(position_key(self.settings), last)
            await pipe.execute()
        return last

    async def _parts(
        self, conn: Cursor, notification_id: int, stream: Any, version: int, topic: str, state: Any
    ) -> list[Part]:
        parts: list[Part] = []
        render = self._renderers.get(topic)
        try:
            if render is not None:
                event = cast(
                    Event,
                    self.app.mapper.to_domain_event(
                        Notification(
                            id=notification_id,
                            originator_id=stream,
                            originator_version=version,
                            topic=topic,
                            state=bytes(state),
                        )
                    ),
                )
                parts += await render(self, conn, event, notification_id)
            for account_id, entity in await notifications_created_by(
                conn, notification_id, self.settings
            ):
                parts.append(self._notification_part(account_id, entity))
        except Exception:
            # One event that cannot be shown must not stop the stream for everyone.
            log.exception("could not render event %s for streaming", notification_id)
            return []
        return parts

    # -- what each event shows ---------------------------------------------------------

    @staticmethod
    def _notification_part(account_id: str, entity: Any) -> Part:
        return Part(
            event="notification",
            payload=_json(entity),
            topics=[f"user:{account_id}", f"user:notification:{account_id}"],
        )

    async def _excluded(
        self, conn: Cursor, row: dict[str, Any], original: dict[str, Any]
    ) -> list[str]:
        """Who must not be shown the status: those who block or mute its author, its
        reblogger or anyone it mentions, those its author or reblogger blocks, and those
        who muted its thread (Mastodon's and Pleroma's streaming filters)."""
        actors = list({row["account_id"], original["account_id"]})
        involved = list({*actors, *(original.get("mentions") or [])})
        cur = await conn.execute(
            "SELECT account_id FROM blocks.blocks WHERE target_id = ANY(%(involved)s)"
            " UNION SELECT target_id FROM blocks.blocks WHERE account_id = ANY(%(actors)s)"
            " UNION SELECT account_id FROM blocks.mutes WHERE target_id = ANY(%(involved)s)"
            "  AND (expires_at IS NULL OR expires_at > now())"
            " UNION SELECT account_id FROM thread_mutes WHERE conversation_id = %(thread)s"
            "  AND (expires_at IS NULL OR expires_at > now())",
            {"involved": involved, "actors": actors, "thread": original["conversation_id"]},
        )
        return sorted({r["account_id"] for r in await cur.fetchall()} - set(actors))

    async def _status_parts(self, conn: Cursor, status_id: str, event: str) -> list[Part]:
        """The status, rendered once for no one in particular (per-viewer fields keep their
        defaults, as Mastodon streams them), to the public streams if it shows there and
        to every home and list timeline that took it."""
        row = await statuses.by_id(conn, status_id)
        if row is None:  # deleted before it could be streamed
            return []
        rendered = await render_page(conn, [row], None, self.settings)
        if not rendered:  # its author, or a reblog's original, is gone
            return []
        original = row
        if row["reblog_of_id"]:
            original = await statuses.by_id(conn, row["reblog_of_id"]) or row
        entity = rendered[0]
        payload = _json(entity)
        exclude = await self._excluded(conn, row, original)
        parts = []
        if not row["reblog_of_id"] and row["visibility"] in ("public", "local"):
            parts.append(
                Part(
                    event=event,
                    payload=payload,
                    topics=public_topics(bool(entity.media_attachments), row["tags"] or []),
                    exclude=exclude,
                    signed_in=row["visibility"] == "local",
                )
            )
        cur = await conn.execute(
            "SELECT 'user:' || owner_id AS topic FROM home_timeline WHERE status_id = %(id)s"
            f" UNION ALL {LISTS_SHOWING}",
            {"id": status_id},
        )
        timelines = [r["topic"] for r in await cur.fetchall()]
        if timelines:
            parts.append(Part(event=event, payload=payload, topics=timelines, exclude=exclude))
        return parts

    async def _created(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        assert isinstance(event, status_events.Create)
        status_id = flake_of(event.originator_id)
        parts = await self._status_parts(conn, status_id, "update")
        if parts and visibility_of(event.actor, event.to, event.cc) == "direct":
            parts += await self._conversation_parts(conn, status_id)
        return parts

    async def _conversation_parts(self, conn: Cursor, status_id: str) -> list[Part]:
        """Each participant's conversation, rendered for them, to their direct stream."""
        cur = await conn.execute(
            "SELECT p.* FROM participations p JOIN conversation_posts c"
            " ON c.conversation_id = p.conversation_id AND p.account_id = ANY(c.participants)"
            " WHERE c.status_id = %s",
            (status_id,),
        )
        parts = []
        for row in await cur.fetchall():
            rendered = await render_conversations(conn, [row], row["account_id"], self.services)
            parts.append(
                Part(
                    event="conversation",
                    payload=_json(rendered[0]),
                    topics=[f"direct:{row['account_id']}"],
                )
            )
        return parts

    async def _edited(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        return await self._status_parts(conn, flake_of(event.originator_id), "status.update")

    async def _deleted(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        """The status is gone from the read models: whom it reached is worked out from
        its Create (its addressing is never encrypted) and the author's followers."""
        assert isinstance(event, status_events.Delete)
        status_id = flake_of(event.originator_id)
        created = await self._creation(conn, event)
        if created is None:
            return []
        visibility = visibility_of(created.actor, created.to, created.cc)
        tags = created.object.tags if created.object is not None else []
        topics = public_topics(False, tags) if visibility in ("public", "local") else []
        audience = [created.actor, *recipients(created.to, created.cc)]
        topics += await self._followers_and_lists(
            conn, created.actor, audience, with_followers=visibility not in ("direct", "list")
        )
        return [Part(event="delete", payload=status_id, topics=topics)]

    async def _creation(self, conn: Cursor, event: Event) -> status_events.Create | None:
        cur = await conn.execute(
            sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state"
                " FROM {} WHERE originator_id = %s AND topic = %s"
                " ORDER BY originator_version LIMIT 1"
            ).format(sql.Identifier(EVENTS_TABLE)),
            (event.originator_id, get_topic(status_events.Create)),
        )
        row = await cur.fetchone()
        if row is None:
            return None
        created = self.app.mapper.to_domain_event(
            Notification(
                id=row["notification_id"],
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
        )
        return created if isinstance(created, status_events.Create) else None

    async def _followers_and_lists(
        self, conn: Cursor, author: str, audience: list[str], with_followers: bool
    ) -> list[str]:
        cur = await conn.execute(
            "SELECT 'user:' || a AS topic FROM unnest(%(audience)s::text[]) a"
            " UNION SELECT 'user:' || follower_id FROM follows"
            "  WHERE followed_id = %(author)s AND %(followers)s"
            " UNION SELECT 'list:' || list_id FROM list_members WHERE account_id = %(author)s",
            {"audience": audience, "author": author, "followers": with_followers},
        )
        return [r["topic"] for r in await cur.fetchall()]

    async def _reblogged(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        assert isinstance(event, reblog_events.Announce)
        return await self._status_parts(conn, event.reblog_id, "update")

    async def _unreblogged(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        assert isinstance(event, reblog_events.Undo)
        topics = await self._followers_and_lists(conn, event.actor, [event.actor], True)
        return [Part(event="delete", payload=event.reblog_id, topics=topics)]

    async def _token_revoked(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        """Every open stream of the token ends, in every process: a signed-out app is
        streamed nothing more."""
        return [
            Part(event=REVOKED, payload="", topics=[token_topic(flake_of(event.originator_id))])
        ]

    async def _follow_changed(self, conn: Cursor, event: Event, _: int) -> list[Part]:
        """Pleroma's ``pleroma:follow_relationships_update``, to the follower's user stream,
        with both accounts' counts as they now stand."""
        kind = type(event).__name__
        assert isinstance(event, graph_events.Follow | graph_events.Undo) or kind in (
            "Accept",
            "Reject",
        )
        actor: str = getattr(event, "actor")  # noqa: B009  # Accept/Reject may not exist yet
        target: str = getattr(event, "object")  # noqa: B009
        if kind in ("Accept", "Reject"):  # the followed account answers
            follower, followed = target, actor
        else:
            follower, followed = actor, target
        state = {
            "Undo": "unfollow",
            "Accept": "follow_accept",
            "Reject": "follow_reject",
        }.get(kind, "follow_pending" if getattr(event, "requested", False) else "follow_accept")
        cur = await conn.execute(
            "SELECT account_id, followers_count, following_count FROM account_stats"
            " WHERE account_id = ANY(%s)",
            ([follower, followed],),
        )
        counts = {r["account_id"]: r for r in await cur.fetchall()}

        def side(account_id: str) -> dict[str, Any]:
            row = counts.get(account_id) or {}
            return {
                "id": account_id,
                "follower_count": int(row.get("followers_count") or 0),
                "following_count": int(row.get("following_count") or 0),
            }

        payload = {"state": state, "follower": side(follower), "following": side(followed)}
        return [
            Part(
                event="pleroma:follow_relationships_update",
                payload=_json(payload),
                topics=[f"user:{follower}"],
            )
        ]
