from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.events import Event
from tidings.domain.thread_mutes import events


def thread_mute_stream(account_id: str, conversation_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/thread-mutes/{account_id}/{conversation_id}")


class ThreadMute(Aggregate):
    """One reader's mute of one conversation: its own stream, so mutes never contend. A mute
    with an expiry simply stops holding once it is past; nothing needs to record that."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.muted = False
        self.expires_at: datetime | None = None

    def holds(self, now: datetime) -> bool:
        return self.muted and (self.expires_at is None or self.expires_at > now)

    def mute(
        self,
        account_id: str,
        conversation_id: str,
        status_id: str,
        expires_at: datetime | None,
        now: datetime,
    ) -> None:
        # Clients retry: muting again for good what is muted for good records nothing;
        # a new expiry replaces the old one, as the reader asked.
        if self.holds(now) and expires_at is None and self.expires_at is None:
            return
        self.trigger(
            events.ConversationMuted,
            account_id=account_id,
            conversation_id=conversation_id,
            status_id=status_id,
            expires_at=expires_at,
        )

    def unmute(self, account_id: str, conversation_id: str, now: datetime) -> None:
        if self.holds(now):
            self.trigger(
                events.ConversationUnmuted, account_id=account_id, conversation_id=conversation_id
            )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.ConversationMuted):
            self.muted, self.expires_at = True, event.expires_at
        elif isinstance(event, events.ConversationUnmuted):
            self.muted, self.expires_at = False, None
