"""Posts as ActivityStreams Create, Update and Delete of a Note."""

from datetime import datetime
from typing import ClassVar

import msgspec

from tidings.domain.events import Activity


class Question(msgspec.Struct, kw_only=True):
    """A poll as ActivityStreams writes one: ``one_of`` options for a single choice,
    ``any_of`` for several, and an ``end_time``. It rides inside the Note, so its options
    are encrypted with the author's text."""

    id: str  # a new id whenever an edit changes the options: votes on the old one lapse
    one_of: list[str] = []
    any_of: list[str] = []
    end_time: datetime
    # What the author asked for, so an edit re-sending the same poll (as Pleroma-FE and
    # Mastodon.py do on every edit) leaves it running as it was.
    expires_in: int
    hide_totals: bool = False

    @property
    def options(self) -> list[str]:
        return self.any_of or self.one_of

    @property
    def multiple(self) -> bool:
        return bool(self.any_of)


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
    poll: Question | None = None  # absent from Notes stored before polls: no upcast needed


class Create(Activity, kw_only=True, frozen=True):
    """The Note's text is the author's personal data: the whole object is encrypted."""

    personal: ClassVar[tuple[str, ...]] = ("object",)

    object: Note | None


class Update(Activity, kw_only=True, frozen=True):
    """An edit: the whole Note as it now stands, as ActivityPub sends it. ``to`` and ``cc``
    repeat the Create's: an edit never widens (or narrows) the audience."""

    personal: ClassVar[tuple[str, ...]] = ("object",)

    object: Note | None


class Delete(Activity, kw_only=True, frozen=True):
    """``actor`` deleted it: the author, or a moderator; ``expired`` when the author's own
    ``expires_at`` came and the expiry job deleted it, so auditors can tell the two apart."""

    object: str  # the status id
    attributed_to: str  # the author
    expired: bool = False
