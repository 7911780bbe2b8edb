from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.ids import new_id
from tidings.domain.pins import events

# Mastodon's messages, as its RecordInvalid answers them.
SOMEONE_ELSES = "Validation failed: Someone else's post cannot be pinned"
DIRECT = "Validation failed: Posts that are only visible to mentioned users cannot be pinned"
LIMIT = "Validation failed: You have already pinned the maximum number of posts"


def pins_stream(account_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/pins/{account_id}")


class Pins(Aggregate):
    """The statuses one account features on its profile. A deleted status is removed
    from here in the same commit as its Delete, so it never counts against the limit."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.pinned: list[str] = []  # status ids, oldest pin first

    def pin(
        self, account_id: str, status_id: str, author_id: str, visibility: str, most: int
    ) -> None:
        if author_id != account_id:
            raise Invalid(SOMEONE_ELSES)
        if visibility == "direct":
            raise Invalid(DIRECT)
        if status_id in self.pinned:
            return  # pinning twice records nothing
        if len(self.pinned) >= most:
            raise Invalid(LIMIT)
        self.trigger(
            events.Add,
            actor=account_id,
            object=status_id,
            target=events.featured_of(account_id),
            pin_id=new_id(),
        )

    def unpin(self, account_id: str, status_id: str) -> None:
        if status_id in self.pinned:
            self.trigger(
                events.Remove,
                actor=account_id,
                object=status_id,
                target=events.featured_of(account_id),
            )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Add):
            self.pinned.append(event.object)
        elif isinstance(event, events.Remove):
            self.pinned.remove(event.object)
