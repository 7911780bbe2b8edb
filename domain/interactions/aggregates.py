from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.events import Event
from tidings.domain.ids import new_id
from tidings.domain.interactions import events


def like_stream(account_id: str, status_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/likes/{account_id}/{status_id}")


def bookmark_stream(account_id: str, status_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/bookmarks/{account_id}/{status_id}")


class Favourite(Aggregate):
    """One account's favourite of one status: its own stream, so likes never contend.
    Only changes of state are recorded, so every Like and Undo in the log counts."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False

    def like(self, account_id: str, status_id: str, author_id: str) -> None:
        if self.active:
            return  # clients retry: the same favourite twice records nothing
        self.trigger(
            events.Like,
            actor=account_id,
            object=status_id,
            attributed_to=author_id,
            to=[author_id],
            like_id=new_id(),
        )

    def undo(self, account_id: str, status_id: str) -> None:
        if self.active:
            self.trigger(events.Undo, actor=account_id, object=status_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Like):
            self.active = True
        elif isinstance(event, events.Undo):
            self.active = False


class Bookmark(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False
        self.folder_id: str | None = None

    def bookmark(self, account_id: str, status_id: str, folder_id: str | None) -> None:
        if self.active and folder_id == self.folder_id:
            return
        self.trigger(
            events.Bookmarked,
            account_id=account_id,
            status_id=status_id,
            bookmark_id=new_id(),
            folder_id=folder_id,
        )

    def unbookmark(self, account_id: str, status_id: str) -> None:
        if self.active:
            self.trigger(events.Unbookmarked, account_id=account_id, status_id=status_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Bookmarked):
            self.active, self.folder_id = True, event.folder_id
        elif isinstance(event, events.Unbookmarked):
            self.active, self.folder_id = False, None
