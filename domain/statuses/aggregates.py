from datetime import datetime
from uuid import UUID

from tidings.domain.addressing import visibility_of
from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Forbidden, Invalid, NotFound
from tidings.domain.events import Event
from tidings.domain.ids import flake_of
from tidings.domain.statuses import events

# Pleroma's rule (ActivityDraft): what anyone may quote; a private post only its author.
QUOTABLE = ("public", "unlisted", "local")


class Status(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.author = ""
        self.visibility = ""
        self.deleted = False
        self.expires_at: datetime | None = None

    def delete(self, by: str, as_admin: bool) -> None:
        if self.deleted:
            raise NotFound("Record not found")
        if by != self.author and not as_admin:
            raise Forbidden("This action is not allowed")
        self.trigger(events.Delete, actor=by, object=flake_of(self.id), attributed_to=self.author)

    def check_quotable(self, by: str) -> None:
        """Quoting shows the post to the quoter's audience, so only what is already
        shown widely may be quoted (a private post by its author alone, as in Pleroma)."""
        if self.deleted:
            raise NotFound("Record not found")
        if self.visibility in QUOTABLE or (self.visibility == "private" and by == self.author):
            return
        raise Invalid("Validation failed: only public, unlisted and local statuses can be quoted")

    def expire(self, now: datetime) -> None:
        """Deletes the status once its ``expires_at`` has come; a redelivered job, or one
        for a status already deleted, records nothing."""
        if self.deleted or self.expires_at is None or self.expires_at > now:
            return
        self.trigger(
            events.Delete,
            actor=self.author,
            object=flake_of(self.id),
            attributed_to=self.author,
            expired=True,
        )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Create):
            self.author = event.actor
            self.visibility = visibility_of(event.actor, event.to, event.cc)
            self.expires_at = event.object.expires_at if event.object else None
        elif isinstance(event, events.Delete):
            self.deleted = True
