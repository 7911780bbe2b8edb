"""Mastodon's Marker with Pleroma's unread count."""

import msgspec


class MarkerPleroma(msgspec.Struct, kw_only=True):
    unread_count: int


class Marker(msgspec.Struct, kw_only=True):
    last_read_id: str
    version: int
    updated_at: str
    pleroma: MarkerPleroma | msgspec.UnsetType = msgspec.UNSET  # on the notifications one
