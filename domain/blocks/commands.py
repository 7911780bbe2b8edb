"""What an account does to shut another out. The names and fields are shared with the
imports (``blocks_import``, ``mutes_import``), which send these from a job."""

from datetime import datetime

import msgspec


class BlockAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str


class UnblockAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str


class MuteAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str
    notifications: bool = True  # mute their notifications too, as Mastodon's default
    expires_at: datetime | None = None  # None mutes for good


class UnmuteAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    target_id: str


class ExpireMute(msgspec.Struct, kw_only=True, frozen=True):
    """The expiry job's: ends the mute if its time has come by ``now``."""

    account_id: str
    target_id: str
    now: datetime


class BlockDomain(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    domain: str


class UnblockDomain(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    domain: str
