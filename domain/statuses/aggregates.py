from uuid import UUID

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Forbidden, NotFound
from tidings.domain.events import Event
from tidings.domain.ids import flake_of
from tidings.domain.statuses import events


class Status(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.author = ""
        self.deleted = False

    def delete(self, by: str, as_admin: bool) -> None:
        if self.deleted:
            raise NotFound("Record not found")
        if by != self.author and not as_admin:
            raise Forbidden("This action is not allowed")
        self.trigger(events.Delete, actor=by, object=flake_of(self.id), attributed_to=self.author)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Create):
            self.author = event.actor
        elif isinstance(event, events.Delete):
            self.deleted = True
