import hashlib
from datetime import datetime, timedelta
from uuid import UUID

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid, NotFound
from tidings.domain.events import Event
from tidings.domain.ids import encode
from tidings.domain.scheduled import events
from tidings.domain.scheduled.events import PreparedPost

# Mastodon refuses a time closer than this, so a post is never "scheduled" for right now.
MINIMUM_OFFSET = timedelta(minutes=5)
TOO_SOON = "Validation failed: Scheduled at The scheduled date must be in the future"


def check_time(scheduled_at: datetime, now: datetime) -> None:
    if scheduled_at < now + MINIMUM_OFFSET:
        raise Invalid(TOO_SOON)


class ScheduledStatus(Aggregate):
    """A post waiting for its time; published once, by whichever job run comes first."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.account_id = ""
        self.scheduled_at: datetime | None = None
        self.post: PreparedPost | None = None
        self.pending = False

    def schedule(
        self, account_id: str, scheduled_at: datetime, post: PreparedPost, now: datetime
    ) -> None:
        check_time(scheduled_at, now)
        self.trigger(
            events.StatusScheduled, account_id=account_id, scheduled_at=scheduled_at, post=post
        )

    def _own(self, by: str) -> None:
        # Someone else's scheduled status, like a published or canceled one, is not there.
        if by != self.account_id or not self.pending:
            raise NotFound("Record not found")

    def reschedule(self, by: str, scheduled_at: datetime, now: datetime) -> None:
        self._own(by)
        check_time(scheduled_at, now)
        if scheduled_at != self.scheduled_at:
            self.trigger(events.ScheduleChanged, account_id=by, scheduled_at=scheduled_at)

    def cancel(self, by: str) -> None:
        self._own(by)
        self.trigger(events.ScheduleCanceled, account_id=by)

    def due(self, now: datetime) -> bool:
        """Whether a publishing job should act: a redelivered message, or one sent before
        the time was moved later, finds nothing to do."""
        return self.pending and self.scheduled_at is not None and self.scheduled_at <= now

    def status_id(self) -> str:
        """The published status's id: a flake of the scheduled time, so it sorts where it
        appears on timelines, whose low bits are a digest of this stream's id, so every
        run of the job computes the same one and no post minted that millisecond has it."""
        if self.scheduled_at is None:
            raise NotFound("Record not found")
        millis = int(self.scheduled_at.timestamp() * 1000)
        low = int.from_bytes(hashlib.sha256(b"published:" + self.id.bytes).digest()[:8])
        return encode((millis << 64) | low)

    def published(self, status_id: str) -> None:
        self.trigger(events.SchedulePublished, account_id=self.account_id, status_id=status_id)

    def dropped(self, reason: str) -> None:
        self.trigger(events.ScheduleCanceled, account_id=self.account_id, reason=reason)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.StatusScheduled):
            self.account_id = event.account_id
            self.scheduled_at = event.scheduled_at
            self.post = event.post
            self.pending = event.post is not None  # a forgotten author's post never goes out
        elif isinstance(event, events.ScheduleChanged):
            self.scheduled_at = event.scheduled_at
        elif isinstance(event, (events.ScheduleCanceled, events.SchedulePublished)):
            self.pending = False
