"""The base of every stored event: a msgspec Struct the event store can record.

Every event type is versioned with ``class_version``; when a type changes shape, bump it
and add a ``upcast_vN_vM(state)`` static method that rewrites an old payload's dict on
read (the log is never rewritten). Fields named in ``personal`` are encrypted with the key
of the account ``key_owner()`` names, so destroying that key forgets them.
"""

from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from tidings.domain.ids import stream_id


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(msgspec.Struct, kw_only=True, frozen=True):
    originator_id: UUID
    originator_version: int
    published: datetime

    class_version: ClassVar[int] = 1
    personal: ClassVar[tuple[str, ...]] = ()

    def key_owner(self) -> UUID:
        return self.originator_id


class Activity(Event, kw_only=True, frozen=True):
    """An ActivityStreams activity; ``actor`` is the local account's flake id."""

    actor: str
    to: list[str] = []
    cc: list[str] = []

    def key_owner(self) -> UUID:
        return stream_id(self.actor)


class Upcasting:
    """Applies the upcast chain of an event class to a stored payload."""

    @staticmethod
    def apply(cls: type[Event], state: dict[str, Any]) -> dict[str, Any]:
        from_version = state.pop("class_version", 1)
        while from_version < cls.class_version:
            upcast = getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")
            upcast(state)
            from_version += 1
        return state
