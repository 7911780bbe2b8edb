"""A minimal event-sourced aggregate over msgspec events.

The public methods of a subclass decide; ``apply`` only changes state, so replaying the
log never re-judges a past command.
"""

from collections.abc import Iterable
from typing import Any, Self, TypeVar
from uuid import UUID

from tidings.domain.events import Event, utcnow

E = TypeVar("E", bound=Event)


class Aggregate:
    def __init__(self, stream: UUID) -> None:
        self.id = stream
        self.version = 0
        self._pending: list[Event] = []

    @classmethod
    def replay(cls, stream: UUID, events: Iterable[Event]) -> Self | None:
        aggregate = cls(stream)
        for event in events:
            aggregate.apply(event)
            aggregate.version = event.originator_version
        return aggregate if aggregate.version else None

    def trigger(self, event_class: type[E], **fields: Any) -> E:
        fields.setdefault("published", utcnow())
        event = event_class(originator_id=self.id, originator_version=self.version + 1, **fields)
        self.apply(event)
        self.version = event.originator_version
        self._pending.append(event)
        return event

    def apply(self, event: Event) -> None:
        raise NotImplementedError

    def collect_events(self) -> list[Event]:
        pending, self._pending = self._pending, []
        return pending
