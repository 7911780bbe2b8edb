"""Mastodon's ScheduledStatus entity, with Pleroma's ``expires_in`` among the params."""

from typing import Any

import msgspec

from tidings.api.entities.common import iso


class ScheduledParams(msgspec.Struct, kw_only=True):
    text: str
    poll: dict[str, Any] | None
    media_ids: list[str] | None
    sensitive: bool | None
    spoiler_text: str | None
    visibility: str
    in_reply_to_id: str | None
    language: str | None
    application_id: str | None
    scheduled_at: str | None
    idempotency: str | None
    with_rate_limit: bool
    expires_in: int | None


class ScheduledStatus(msgspec.Struct, kw_only=True):
    id: str
    scheduled_at: str
    params: ScheduledParams
    media_attachments: list[dict[str, Any]]


def render_scheduled(row: dict[str, Any]) -> ScheduledStatus:
    params = dict(row["params"])
    return ScheduledStatus(
        id=row["id"],
        scheduled_at=iso(row["scheduled_at"]),
        # Mastodon leaves params.scheduled_at null: the time is the entity's own field.
        params=msgspec.convert({"scheduled_at": None, **params}, ScheduledParams),
        media_attachments=[],
    )
