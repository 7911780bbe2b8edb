from datetime import datetime

import msgspec

from tidings.domain.addressing import Visibility


class PollDraft(msgspec.Struct, kw_only=True, frozen=True):
    """A poll as the author asks for it; the limits were checked at the edge."""

    options: list[str]
    expires_in: int  # seconds
    multiple: bool = False
    hide_totals: bool = False


class PostStatus(msgspec.Struct, kw_only=True, frozen=True):
    status_id: str
    account_id: str
    content: str
    source: str
    visibility: Visibility
    content_type: str = "text/plain"
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    in_reply_to_id: str | None = None
    in_reply_to_account_id: str | None = None
    conversation_id: str | None = None
    mentions: list[str] = []
    tags: list[str] = []
    app_id: str | None = None
    # Pleroma's ``to``: who is addressed instead of the mentioned (None: the mentioned).
    addressed: list[str] | None = None
    list_id: str | None = None  # with visibility "list"
    emojis: dict[str, str] = {}  # shortcode: image path, of the local emoji used
    quote_id: str | None = None
    expires_at: datetime | None = None
    poll: PollDraft | None = None


class EditStatus(msgspec.Struct, kw_only=True, frozen=True):
    """The status as it should now read; what it replies to and whom it addresses stay."""

    status_id: str
    account_id: str
    content: str
    source: str
    content_type: str = "text/plain"
    spoiler_text: str = ""
    sensitive: bool = False
    language: str | None = None
    mentions: list[str] = []
    tags: list[str] = []
    emojis: dict[str, str] = {}
    poll: PollDraft | None = None


class DeleteStatus(msgspec.Struct, kw_only=True, frozen=True):
    status_id: str
    account_id: str
    as_admin: bool = False


class ExpireStatus(msgspec.Struct, kw_only=True, frozen=True):
    """From the expiry job: ``now`` is its clock, so the aggregate judges whether it is due."""

    status_id: str
    now: datetime
