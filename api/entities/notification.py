"""The Notification entity: Mastodon's shape with Pleroma's ``pleroma`` object."""

import msgspec

from tidings.api.entities.account import Account
from tidings.api.entities.status import Status


class NotificationPleroma(msgspec.Struct, kw_only=True):
    is_seen: bool
    is_muted: bool


class Notification(msgspec.Struct, kw_only=True):
    id: str
    type: str
    created_at: str
    account: Account
    # Only the types about a status carry one (Mastodon leaves the key out otherwise).
    status: Status | msgspec.UnsetType = msgspec.UNSET
    # Mastodon 4.3's grouping key; an ungrouped notification is its own group.
    group_key: str
    pleroma: NotificationPleroma
    # Per-type fields of later features: pleroma:emoji_reaction's emoji and emoji_url,
    # move's target, pleroma:participation_*'s participation_message, pleroma:report's report.
    emoji: str | msgspec.UnsetType = msgspec.UNSET
    emoji_url: str | msgspec.UnsetType | None = msgspec.UNSET
    target: Account | msgspec.UnsetType = msgspec.UNSET
    participation_message: str | msgspec.UnsetType | None = msgspec.UNSET
