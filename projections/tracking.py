"""The projection machinery: handlers applied in pages, rows and position in one commit.

Each read model lives in a PostgreSQL schema named after its projection, with its position
in that schema's ``tracking`` table. A page of events is applied under a transaction-level
advisory lock named after the projection and its position is re-read under that lock, so
any number of runners (or a rebuild swapping a new schema in) never apply an event twice.
"""

import asyncio
import threading
import zlib
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

import psycopg
from eventsourcing.persistence import Mapper, Notification
from eventsourcing.utils import get_topic
from psycopg import sql

from tidings.domain.events import Event
from tidings.projections.eventstore import EVENTS_TABLE

E = TypeVar("E", bound=Event)
Cursor = psycopg.Cursor[Any]
Apply = Callable[[Any, Cursor, Any], None]

PAGE = 1000


def handles(
    event_type: type[E],
) -> Callable[[Callable[[Any, Cursor, E], None]], Callable[[Any, Cursor, E], None]]:
    def mark(method: Callable[[Any, Cursor, E], None]) -> Callable[[Any, Cursor, E], None]:
        method._handles = event_type  # type: ignore[attr-defined]  # read by __init_subclass__
        return method

    return mark


class Projection:
    """A read model: ``@handles`` methods write its own tables through the cursor given."""

    name: ClassVar[str]
    handlers: ClassVar[dict[str, Apply]]
    notification_id: int = 0  # of the event being applied, for read models that record it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.handlers = {
            get_topic(member._handles): member
            for member in vars(cls).values()
            if hasattr(member, "_handles")
        }

    def apply(self, cur: Cursor, topic: str, event: Event) -> None:
        self.handlers[topic](self, cur, event)

    @classmethod
    def lock_key(cls) -> int:
        return zlib.crc32(f"projection:{cls.name}".encode())


def create_tracking(conn: psycopg.Connection[Any], schema: str) -> None:
    conn.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {}.tracking (position bigint NOT NULL);"
            "INSERT INTO {}.tracking SELECT 0 WHERE NOT EXISTS (SELECT FROM {}.tracking)"
        ).format(*[sql.Identifier(schema)] * 3)
    )


def read_position(conn: psycopg.Connection[Any], schema: str) -> int:
    row = conn.execute(
        sql.SQL("SELECT position FROM {}.tracking").format(sql.Identifier(schema))
    ).fetchone()
    return int(row[0]) if row else 0


def apply_page(
    conn: psycopg.Connection[Any],
    projection: Projection,
    mapper: Mapper[Any],
    schema: str,
    limit: int = PAGE,
    stop: int | None = None,
    lock: bool = True,
) -> tuple[int, int]:
    """Applies the next page of events in one transaction; returns (events read, position).

    ``conn`` must be in autocommit mode, or ``transaction()`` would only be a savepoint and
    the NOTIFY that wakes waiting requests would never be sent. A page costs four round
    trips besides its handlers' statements: under load that overhead is what caps a runner.
    """
    with conn.transaction(), conn.cursor() as cur:
        # A read model can always be replayed from the log, and its position commits with
        # its rows, so a crash losing this commit's last milliseconds only means applying
        # those events again: no need to wait for the WAL flush (the log itself still does).
        # The lock comes first so a runner never holds its tables while a rebuild swaps them.
        cur.execute(
            "SELECT set_config('synchronous_commit', 'off', true),"
            " set_config('search_path', %s, true), pg_advisory_xact_lock(%s)"
            if lock
            else "SELECT set_config('synchronous_commit', 'off', true),"
            " set_config('search_path', %s, true), %s",
            (f'"{schema}", public', projection.lock_key()),
        )
        cur.execute(
            _PAGE_SQL.format(
                tracking=sql.Identifier(schema, "tracking"),
                events=sql.Identifier("public", EVENTS_TABLE),
            ),
            (stop, stop, limit),
        )
        rows = cur.fetchall()
        position = int(rows[0][0]) if rows else 0
        count = 0
        for _, notification_id, stream, version, topic, state in rows:
            if notification_id is None:
                break  # no event after the position: the row only carries the position
            count += 1
            position = notification_id
            if topic in projection.handlers:
                notification = Notification(
                    id=notification_id,
                    originator_id=stream,
                    originator_version=version,
                    topic=topic,
                    state=bytes(state),
                )
                event = mapper.to_domain_event(notification)
                projection.notification_id = notification_id
                projection.apply(cur, topic, event)  # type: ignore[arg-type]
        if count:
            cur.execute(
                sql.SQL(
                    "WITH moved AS (UPDATE {} SET position = %s RETURNING position)"
                    " SELECT pg_notify(%s, position::text) FROM moved"
                ).format(sql.Identifier(schema, "tracking")),
                (position, channel(projection.name)),
            )
        return count, position


# The position (row-locked: one runner per read model at a time) and the events after it,
# in one round trip.
_PAGE_SQL = sql.SQL(
    "WITH tracked AS (SELECT position FROM {tracking} FOR UPDATE)"
    " SELECT tracked.position, e.notification_id, e.originator_id, e.originator_version,"
    " e.topic, e.state FROM tracked LEFT JOIN LATERAL ("
    "  SELECT * FROM {events} WHERE notification_id > tracked.position"
    "  AND (%s::bigint IS NULL OR notification_id <= %s::bigint)"
    "  ORDER BY notification_id LIMIT %s) e ON true"
)


def channel(projection_name: str) -> str:
    return f"projection_{projection_name}"


class Waiter:
    """Read-your-writes: blocks a request until projections reach its command's position.

    One per process, on its own connection; LISTEN comes before the first read of the
    positions so no advance can slip between the two.
    """

    def __init__(self, dsn: str, names: Sequence[str]) -> None:
        self._dsn = dsn
        self._names = list(names)
        self._positions = dict.fromkeys(self._names, 0)
        self._cond = threading.Condition()
        self._async_waits: list[tuple[int, asyncio.AbstractEventLoop, asyncio.Future[None]]] = []
        self._stopped = threading.Event()
        self._conn: psycopg.Connection[Any] | None = None
        self._connect()
        self._thread = threading.Thread(target=self._run, name="projection-waiter", daemon=True)
        self._thread.start()

    def _connect(self) -> None:
        conn = psycopg.connect(self._dsn, autocommit=True)
        for name in self._names:
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(name))))
        for name in self._names:
            self._advance(name, read_position(conn, name))
        self._conn = conn

    def _run(self) -> None:
        while not self._stopped.is_set():
            try:
                assert self._conn is not None
                for note in self._conn.notifies(timeout=0.25):
                    self._advance(note.channel.removeprefix("projection_"), int(note.payload))
            except psycopg.Error:
                if self._stopped.is_set():
                    return
                self._stopped.wait(0.5)
                try:  # NOTIFY is not durable: re-read positions after a reconnect
                    self._connect()
                except psycopg.Error:
                    continue

    def _advance(self, name: str, position: int) -> None:
        with self._cond:
            if position <= self._positions.get(name, 0):
                return
            self._positions[name] = position
            self._cond.notify_all()
            reached = min(self._positions.values())
            ready = [w for w in self._async_waits if w[0] <= reached]
            self._async_waits = [w for w in self._async_waits if w[0] > reached]
        for _, loop, future in ready:
            loop.call_soon_threadsafe(_resolve, future)

    def position(self, name: str) -> int:
        with self._cond:
            return self._positions[name]

    def wait(self, position: int, timeout: float = 5.0) -> bool:
        """True once every projection has applied ``position``; False on timeout."""
        if position <= 0:
            return True
        with self._cond:
            return self._cond.wait_for(lambda: min(self._positions.values()) >= position, timeout)

    async def wait_async(self, position: int, timeout: float = 5.0) -> bool:
        """As ``wait``, without holding a thread while the projections catch up."""
        if position <= 0:
            return True
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        with self._cond:
            if min(self._positions.values()) >= position:
                return True
            entry = (position, loop, future)
            self._async_waits.append(entry)
        try:
            await asyncio.wait_for(future, timeout)
        except TimeoutError:
            with self._cond:
                if entry in self._async_waits:
                    self._async_waits.remove(entry)
            return False
        return True

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=3)
        if self._conn is not None:
            self._conn.close()


def _resolve(future: "asyncio.Future[None]") -> None:
    if not future.done():
        future.set_result(None)
