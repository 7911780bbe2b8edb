"""A status written now to be published later: local changes, past tense."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec

from tidings.domain.addressing import Visibility
from tidings.domain.events import Event
from tidings.domain.ids import stream_id
from tidings.domain.statuses.commands import PollDraft


class PreparedPost(msgspec.Struct, kw_only=True):
    """The post as it will be created: formatted, mentions and reply target resolved when
    it was scheduled, as Mastodon keeps a scheduled status's params."""

    content: str
    source: str
    content_type: str = "text/plain"
    visibility: Visibility
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    conversation_id: str | None = None
    mentions: list[str] = []
    tags: list[str] = []
    app_id: str | None = None
    addressed: list[str] | None = None  # Pleroma's ``to``
    list_id: str | None = None
    emojis: dict[str, str] = {}
    quote_id: str | None = None
    expires_in: int | None = None  # Pleroma: seconds the published status lives
    poll: PollDraft | None = None  # opens when the status is published
    idempotency: str | None = None


class _ScheduleEvent(Event, kw_only=True, frozen=True):
    account_id: str

    def key_owner(self) -> UUID:
        return stream_id(self.account_id)


class StatusScheduled(_ScheduleEvent, kw_only=True, frozen=True):
    """The text is the author's personal data: the prepared post is encrypted."""

    personal: ClassVar[tuple[str, ...]] = ("post",)

    scheduled_at: datetime
    post: PreparedPost | None  # None once the author is forgotten


class ScheduleChanged(_ScheduleEvent, kw_only=True, frozen=True):
    scheduled_at: datetime


class ScheduleCanceled(_ScheduleEvent, kw_only=True, frozen=True):
    """By the author, or by the publishing job when the post it replies to is gone
    (``reason`` says which), as Mastodon drops such a scheduled status."""

    reason: str = "canceled"


class SchedulePublished(_ScheduleEvent, kw_only=True, frozen=True):
    status_id: str
