"""A reader's mute of one conversation: local bookkeeping, as ActivityStreams has no thread
mute. Muting hides the thread from the reader's timelines (Pleroma's ``thread_muted``)."""

from datetime import datetime

from tidings.domain.events import Event


class ConversationMuted(Event, kw_only=True, frozen=True):
    account_id: str
    conversation_id: str
    status_id: str  # the status the reader muted it from
    expires_at: datetime | None = None  # Pleroma's ``expires_in``; None mutes for good


class ConversationUnmuted(Event, kw_only=True, frozen=True):
    account_id: str
    conversation_id: str
