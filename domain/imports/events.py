"""Pleroma's follow, block and mute imports: local bookkeeping, as ActivityStreams has no
import. The request records the parsed list; a job acts on it entry by entry through the
graph and blocks commands, then records what it did and what it skipped, and why.

Whom someone follows, blocks or mutes is personal data: the lists are encrypted with the
owner's key, so forgetting the owner forgets them too.
"""

from typing import ClassVar, Literal
from uuid import UUID

import msgspec

from tidings.domain.events import Event
from tidings.domain.ids import stream_id

ImportKind = Literal["follows", "blocks", "mutes"]


class ImportEntry(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One line of the list. ``acct`` is a local username, or ``user@domain`` / a URL for
    another server's account; the options are what a Mastodon export said about it."""

    acct: str
    reblogs: bool | None = None  # follows: "Show boosts"
    notify: bool | None = None  # follows: "Notify on new posts"
    notifications: bool | None = None  # mutes: "Hide notifications"


class Imported(msgspec.Struct, kw_only=True, frozen=True):
    acct: str
    account_id: str


class Skipped(msgspec.Struct, kw_only=True, frozen=True):
    acct: str
    reason: str


class _ImportEvent(Event, kw_only=True, frozen=True):
    account_id: str  # the owner: who follows, blocks or mutes

    def key_owner(self) -> UUID:
        return stream_id(self.account_id)


class ImportRequested(_ImportEvent, kw_only=True, frozen=True):
    personal: ClassVar[tuple[str, ...]] = ("entries",)

    kind: ImportKind
    entries: list[ImportEntry] | None  # None once the owner is forgotten


class ImportCompleted(_ImportEvent, kw_only=True, frozen=True):
    """``imported`` are the accounts now followed (blocked, muted), whether this import or
    an earlier follow made them so; ``skipped`` the entries it could not act on."""

    personal: ClassVar[tuple[str, ...]] = ("imported", "skipped")

    imported: list[Imported] | None
    skipped: list[Skipped] | None
