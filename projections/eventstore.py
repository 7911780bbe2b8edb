"""The event store: the eventsourcing library's PostgreSQL recorder with a mapper that
stores msgspec events as JSON and encrypts each event's personal fields with the key of
the account they belong to (crypto-shredding: destroying the key forgets the person)."""

import base64
import os
import threading
import time
from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

import msgspec
import psycopg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    InterfaceError,
    Mapper,
    OperationalError,
    StoredEvent,
    Transcoder,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import get_topic, resolve_topic, retry
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from tidings.domain.application import Tidings
from tidings.domain.errors import AccountForgotten
from tidings.domain.events import Event, Upcasting

EVENTS_TABLE = "tidings_events"
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class KeyStore:
    """Per-account data keys, wrapped with the instance's master key before storage."""

    ttl_seconds = 60.0  # bounds how long another process may use a key destroyed elsewhere

    def __init__(self, dsn: str, master_key: bytes) -> None:
        self._pool = ConnectionPool(
            dsn, min_size=1, max_size=4, open=True, kwargs={"autocommit": True}
        )
        self._master = AESGCM(master_key)
        self._cache: dict[UUID, tuple[float, AESGCM | None]] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.close()

    def aead(self, owner: UUID, create: bool) -> AESGCM | None:
        """The owner's cipher; None once forgotten (or never created, when not ``create``)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(owner)
        if hit is not None and now - hit[0] < self.ttl_seconds:
            return hit[1]
        with self._pool.connection() as conn:
            if create:
                conn.execute(
                    "INSERT INTO pii_keys (owner, wrapped_key) VALUES (%s, %s)"
                    " ON CONFLICT (owner) DO NOTHING",
                    (owner, self._wrap(owner, AESGCM.generate_key(256))),
                )
            row = conn.execute(
                "SELECT wrapped_key FROM pii_keys WHERE owner = %s", (owner,)
            ).fetchone()
        aead = AESGCM(self._unwrap(owner, row[0])) if row and row[0] is not None else None
        with self._lock:
            self._cache[owner] = (now, aead)
        return aead

    def destroy(self, owner: UUID) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO pii_keys (owner, wrapped_key, destroyed_at) VALUES (%s, NULL, now())"
                " ON CONFLICT (owner) DO UPDATE SET wrapped_key = NULL, destroyed_at = now()",
                (owner,),
            )
        with self._lock:
            self._cache[owner] = (time.monotonic(), None)

    def _wrap(self, owner: UUID, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._master.encrypt(nonce, key, owner.bytes)

    def _unwrap(self, owner: UUID, wrapped: bytes) -> bytes:
        return self._master.decrypt(wrapped[:12], wrapped[12:], owner.bytes)


class EventsRecorder(PostgresApplicationRecorder):
    """The library's recorder, appending through ``tidings_insert_events`` (migration 0010):
    the same exclusive table lock and NOTIFY in one round trip, so the lock that orders
    notification ids is never held across the network.

    It also keeps inserts out of psycopg 3.3's pipeline mode, which deadlocked on a Unix
    socket (the embedded server's only kind) once one insert carried a few hundred KB.
    """

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        rows = [
            self.construct_pg_stored_event(e.originator_id, e.originator_version, e.topic, e.state)
            for e in stored_events
        ]
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute("SELECT tidings_insert_events(%s) AS id", (rows,), prepare=True)
            return [row["id"] for row in curs.fetchall()]


class _Unused(Transcoder):
    """The mapper encodes msgspec Structs itself; the library still wants a transcoder."""

    def encode(self, obj: Any) -> bytes:
        return _encode(obj)

    def decode(self, data: bytes) -> Any:
        return _decode(data)


class EventMapper(Mapper[UUID]):
    keys: KeyStore | None = None  # attached after construction: the library passes no env

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        event = cast(Event, domain_event)
        cls = type(event)
        state = cast(dict[str, Any], msgspec.to_builtins(event))
        del state["originator_id"], state["originator_version"]
        if cls.class_version > 1:
            state["class_version"] = cls.class_version
        if cls.personal:
            owner = event.key_owner()
            aead = self._keys().aead(owner, create=True)
            if aead is None:
                raise AccountForgotten("This account's personal data was erased")
            plain = {name: state.pop(name) for name in cls.personal}
            nonce = os.urandom(12)
            sealed = aead.encrypt(
                nonce, _encode(plain), _aad(event.originator_id, event.originator_version)
            )
            state["_pii"] = [str(owner), base64.b64encode(nonce + sealed).decode()]
        return StoredEvent(
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            topic=get_topic(cls),
            state=_encode(state),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls = cast(type[Event], resolve_topic(stored_event.topic))
        state = cast(dict[str, Any], _decode(stored_event.state))
        originator_id = stored_event.originator_id
        if not isinstance(originator_id, UUID):
            originator_id = UUID(str(originator_id))
        sealed = state.pop("_pii", None)
        if sealed is not None:
            state.update(self._unseal(cls, originator_id, stored_event.originator_version, sealed))
        Upcasting.apply(cls, state)
        state["originator_id"] = originator_id
        state["originator_version"] = stored_event.originator_version
        return msgspec.convert(state, cls, strict=False)

    def _unseal(
        self, cls: type[Event], stream: UUID, version: int, sealed: list[str]
    ) -> dict[str, Any]:
        aead = self._keys().aead(UUID(sealed[0]), create=False)
        if aead is None:  # forgotten: the fields read as absent, the rest of the log stands
            return dict.fromkeys(cls.personal)
        blob = base64.b64decode(sealed[1])
        return cast(
            dict[str, Any], _decode(aead.decrypt(blob[:12], blob[12:], _aad(stream, version)))
        )

    def _keys(self) -> KeyStore:
        if self.keys is None:
            raise RuntimeError("EventMapper.keys must be attached before use")
        return self.keys


def _aad(stream: UUID, version: int) -> bytes:
    # Binding the ciphertext to its place in the log stops a payload being moved elsewhere.
    return f"{stream}:{version}".encode()


def library_env(dsn: str, create_tables: bool = False) -> dict[str, str]:
    """The eventsourcing library reads its PostgreSQL settings from str-to-str config."""
    parts = conninfo_to_dict(dsn)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(parts.get("dbname", "postgres")),
        "POSTGRES_HOST": str(parts.get("host", "127.0.0.1")),
        "POSTGRES_PORT": str(parts.get("port", "5432")),
        "POSTGRES_USER": str(parts.get("user", "postgres")),
        "POSTGRES_PASSWORD": str(parts.get("password", "")),
        "POSTGRES_SCHEMA": "public",
        "POSTGRES_POOL_SIZE": "4",
        "POSTGRES_MAX_OVERFLOW": "8",
        "POSTGRES_LOCK_TIMEOUT": "10",
        "MAPPER_TOPIC": get_topic(EventMapper),
        "APPLICATION_RECORDER_TOPIC": get_topic(EventsRecorder),
        "TRANSCODER_TOPIC": get_topic(_Unused),
        "ORIGINATOR_ID_TYPE": "uuid",
        # Only ``prepare_database`` creates the tables: several processes creating them at
        # once (granian workers starting together) fail with "tuple concurrently updated".
        "CREATE_TABLE": "yes" if create_tables else "no",
    }


def open_event_store(dsn: str, master_key: bytes, create_tables: bool = False) -> Tidings:
    app = Tidings(env=library_env(dsn, create_tables))
    mapper = cast(EventMapper, app.mapper)
    mapper.keys = KeyStore(dsn, master_key)
    return app


def close_event_store(app: Tidings) -> None:
    keys = cast(EventMapper, app.mapper).keys
    app.close()
    if keys is not None:
        keys.close()


def connect(dsn: str, **kwargs: Any) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True, **kwargs)
