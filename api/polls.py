"""What posting, editing and the polls endpoints share: reading the ``poll`` parameter
against the instance's limits, and rendering polls for a page of statuses."""

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from psycopg import AsyncConnection

from tidings.api.entities.poll import Poll, render_poll
from tidings.api.errors import ApiError
from tidings.api.params import convert
from tidings.api.settings import Settings
from tidings.domain.statuses.commands import PollDraft
from tidings.projections import polls


class PollIn(msgspec.Struct, kw_only=True):
    """``poll[options][]``, ``poll[expires_in]``... from a form, or ``{"poll": {...}}`` as
    JSON; forms carry numbers and booleans as text, which the conversion reads."""

    options: list[str] | str = []
    expires_in: int | None = None
    multiple: bool = False
    hide_totals: bool = False


def poll_draft(given: dict[str, Any] | None, settings: Settings) -> PollDraft | None:
    """The poll asked for, within the limits /api/v1/instance advertises (Pleroma's
    messages), or None when there is none."""
    if not given:
        return None
    poll = convert(given, PollIn)
    options = [poll.options] if isinstance(poll.options, str) else poll.options
    if poll.expires_in is None:
        raise ApiError(422, "Validation failed: poll[expires_in] is required with a poll")
    if len(options) < 2:
        raise ApiError(422, "Validation failed: Poll must contain at least 2 options")
    if len(options) > settings.poll_max_options:
        raise ApiError(
            422,
            f"Validation failed: Poll can't contain more than {settings.poll_max_options} options",
        )
    if any(not option.strip() for option in options):
        raise ApiError(422, "Validation failed: Poll options cannot be empty")
    if any(len(option) > settings.poll_max_option_chars for option in options):
        raise ApiError(
            422,
            "Validation failed: Poll options cannot be longer than"
            f" {settings.poll_max_option_chars} characters each",
        )
    if len(set(options)) != len(options):
        raise ApiError(422, "Validation failed: Poll can't contain duplicate options")
    if poll.expires_in > settings.poll_max_expiration:
        raise ApiError(422, "Validation failed: Expiration date is too far in the future")
    if poll.expires_in < max(settings.poll_min_expiration, 0):
        raise ApiError(422, "Validation failed: Expiration date is too soon")
    return PollDraft(
        options=options,
        expires_in=poll.expires_in,
        multiple=poll.multiple,
        hide_totals=poll.hide_totals,
    )


def refuse_poll_with_media(draft: PollDraft | None, media_ids: list[str] | str) -> None:
    if draft is not None and media_ids:
        raise ApiError(422, "Validation failed: a status with a poll cannot have media")


async def poll_of(
    conn: AsyncConnection[Any], status: dict[str, Any], viewer_id: str | None
) -> Poll | None:
    found = (await polls.by_status_ids(conn, [status["id"]], viewer_id)).get(status["id"])
    if found is None:
        return None
    return render_poll(found, status["account_id"], viewer_id, datetime.now(UTC))


async def rendered_polls(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], viewer_id: str | None
) -> dict[str, Poll]:
    """The polls of a page of statuses, by status id: one query for the page."""
    found = await polls.by_status_ids(conn, [r["id"] for r in rows], viewer_id)
    now = datetime.now(UTC)
    return {
        r["id"]: render_poll(found[r["id"]], r["account_id"], viewer_id, now)
        for r in rows
        if r["id"] in found
    }


def preview_poll(draft: PollDraft, status_id: str, author_id: str) -> Poll:
    """The poll of a Pleroma ``preview``, as it would be once posted."""
    now = datetime.now(UTC)
    row = {
        "status_id": status_id,
        "options": draft.options,
        "option_votes": [0] * len(draft.options),
        "multiple": draft.multiple,
        "hide_totals": draft.hide_totals,
        "expires_at": now + timedelta(seconds=draft.expires_in),
        "votes_count": 0,
        "voters_count": 0,
        "own_votes": None,
    }
    return render_poll(row, author_id, author_id, now)
