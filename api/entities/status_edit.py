"""StatusEdit, one version in a status's history, as Mastodon documents it."""

from typing import Any

import msgspec

from tidings.api.entities.account import Account, Emoji
from tidings.api.entities.common import iso
from tidings.api.entities.status import custom_emojis
from tidings.api.settings import Settings


class EditedPollOption(msgspec.Struct, kw_only=True):
    title: str


class EditedPoll(msgspec.Struct, kw_only=True):
    options: list[EditedPollOption]


class StatusEdit(msgspec.Struct, kw_only=True):
    content: str
    spoiler_text: str
    sensitive: bool
    created_at: str
    account: Account
    poll: EditedPoll | None
    media_attachments: list[dict[str, Any]]
    emojis: list[Emoji]


def render_edit(version: dict[str, Any], account: Account, settings: Settings) -> StatusEdit:
    """``version`` is a status_edits row (or a statuses row with ``poll_options``)."""
    poll_options: list[str] | None = version["poll_options"]
    return StatusEdit(
        content=version["content"],
        spoiler_text=version["spoiler_text"],
        sensitive=bool(version["sensitive"]),
        created_at=iso(version["created_at"]),
        account=account,
        poll=(
            EditedPoll(options=[EditedPollOption(title=t) for t in poll_options])
            if poll_options is not None
            else None
        ),
        media_attachments=[],
        emojis=custom_emojis(version["emojis"], settings),
    )
