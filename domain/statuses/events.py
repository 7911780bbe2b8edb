"""Posts as ActivityStreams Create and Delete of a Note."""

from datetime import datetime
from typing import ClassVar

import msgspec

from tidings.domain.events import Activity


class Note(msgspec.Struct, kw_only=True):
    content: str  # rendered, sanitised HTML
    source: str  # what the author typed
    content_type: str = "text/plain"
    summary: str = ""  # spoiler text
    sensitive: bool = False
    language: str | None = None
    in_reply_to: str | None = None  # status flake id
    in_reply_to_account: str | None = None
    conversation: str | None = None
    mentions: list[str] = []  # account ids
    tags: list[str] = []
    app_id: str | None = None
    # Added later with defaults, so older payloads decode unchanged (no upcast needed).
    emojis: dict[str, str] = {}  # shortcode: image path, as AS Emoji tags carry icons
    quote: str | None = None  # the quoted status's flake id
    expires_at: datetime | None = None  # Pleroma's expiring statuses: deleted by a job then


class Create(Activity, kw_only=True, frozen=True):
    """The Note's text is the author's personal data: the whole object is encrypted."""

    personal: ClassVar[tuple[str, ...]] = ("object",)

    object: Note | None


class Delete(Activity, kw_only=True, frozen=True):
    """``actor`` deleted it: the author, or a moderator; ``expired`` when the author's own
    ``expires_at`` came and the expiry job deleted it, so auditors can tell the two apart."""

    object: str  # the status id
    attributed_to: str  # the author
    expired: bool = False
