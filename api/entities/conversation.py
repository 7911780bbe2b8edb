"""Mastodon's Conversation entity, with Pleroma's ``pleroma.recipients``."""

import msgspec

from tidings.api.entities.account import Account
from tidings.api.entities.status import Status


class ConversationPleroma(msgspec.Struct, kw_only=True):
    recipients: list[Account]  # everyone a reply reaches, the owner included


class Conversation(msgspec.Struct, kw_only=True):
    id: str
    unread: bool
    accounts: list[Account]  # the others; the owner alone when no one else is left
    last_status: Status | None
    pleroma: ConversationPleroma
