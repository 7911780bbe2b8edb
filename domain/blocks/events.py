"""Blocks are ActivityStreams ``Block`` activities (and ``Undo`` of them) on a stream per
(account, target). Mutes and domain blocks have no ActivityStreams form that is ever sent
to anyone, so they are local events of their own."""

from datetime import datetime

from tidings.domain.events import Activity, Event


class Block(Activity, kw_only=True, frozen=True):
    object: str  # the blocked account id


class Undo(Activity, kw_only=True, frozen=True):
    """Undo of the stream's Block."""

    object: str  # the unblocked account id


class AccountMuted(Event, kw_only=True, frozen=True):
    account_id: str
    target_id: str
    notifications: bool = True
    expires_at: datetime | None = None  # Pleroma's ``expires_in``; None mutes for good


class AccountUnmuted(Event, kw_only=True, frozen=True):
    account_id: str
    target_id: str
    expired: bool = False  # True when the expiry job ended it, not the account


class DomainBlocked(Event, kw_only=True, frozen=True):
    account_id: str
    domain: str


class DomainUnblocked(Event, kw_only=True, frozen=True):
    account_id: str
    domain: str
