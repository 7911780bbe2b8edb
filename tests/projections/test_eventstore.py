"""The event store keeps personal data readable only with the person's key, and reads
payloads written by older versions of an event type."""

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import uuid4

import msgspec
import psycopg
from eventsourcing.persistence import StoredEvent

from tests.helpers import post_status
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.events import Activity
from tidings.domain.ids import new_id, stream_id
from tidings.domain.statuses.events import Create


def _register(store: Any, username: str) -> str:
    account_id = new_id()
    store.handle(
        RegisterAccount(
            account_id=account_id,
            username=username,
            email=f"{username}@mail.example",
            password_hash="x",
            display_name=f"{username} Displayname",
            note="my secret bio",
        )
    )
    return account_id


def test_personal_data_is_never_stored_in_clear(store: Any, db: psycopg.Connection[Any]) -> None:
    account_id = _register(store, "dana")
    post_status(store, account_id, "a private thought", "private")
    dump = " ".join(
        r[0]
        for r in db.execute("SELECT convert_from(state, 'UTF8') FROM tidings_events").fetchall()
    )
    for secret_text in ("dana@mail.example", "Displayname", "my secret bio", "a private thought"):
        assert secret_text not in dump
    assert "dana" in dump  # the username is public and stays readable


def test_forgetting_a_person_leaves_the_log_readable_without_them(store: Any) -> None:
    account_id = _register(store, "erin")
    status_id = post_status(store, account_id, "erin's words")
    store.mapper.keys.destroy(stream_id(account_id))
    (created,) = store.stream_events(stream_id(status_id))
    assert isinstance(created, Create)
    assert created.object is None
    assert created.actor == account_id
    (registered,) = store.stream_events(stream_id(account_id))
    assert registered.username == "erin"
    assert (registered.email, registered.note) == (None, None)


class Flagged(Activity, kw_only=True, frozen=True):
    """Version 2 of a report: ``content`` was ``comment`` in version 1."""

    class_version: ClassVar[int] = 2
    object: str
    content: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["content"] = state.pop("comment")


def test_an_old_payload_is_upcast_on_read(store: Any) -> None:
    stream = uuid4()
    version_1 = msgspec.json.encode(
        {
            "published": datetime.now(UTC).isoformat(),
            "actor": "a",
            "to": [],
            "cc": [],
            "object": "b",
            "comment": "spam",
        }
    )
    store.recorder.insert_events(
        [
            StoredEvent(
                originator_id=stream,
                originator_version=1,
                topic=f"{Flagged.__module__}:Flagged",
                state=version_1,
            )
        ]
    )
    (event,) = store.stream_events(stream)
    assert isinstance(event, Flagged)
    assert event.content == "spam"
    stored = store.mapper.to_stored_event(event)
    assert b'"class_version":2' in stored.state  # new writes carry their version
