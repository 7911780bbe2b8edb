"""What an owner does to their participation: local bookkeeping, not federated activities.
Each participation's stream is named by its (derived) id; the read model creates the
participation itself from direct posts, so these only record the owner's changes."""

from tidings.domain.events import Event


class ParticipationRead(Event, kw_only=True, frozen=True):
    account_id: str
    conversation_id: str


class RecipientsChanged(Event, kw_only=True, frozen=True):
    """Pleroma's PATCH: the others a reply to the conversation addresses (never the owner,
    who always takes part)."""

    account_id: str
    conversation_id: str
    recipients: list[str]


class ParticipationDeleted(Event, kw_only=True, frozen=True):
    """Mastodon's DELETE: gone from the owner's list until a new direct post in the thread
    begins it again."""

    account_id: str
    conversation_id: str
