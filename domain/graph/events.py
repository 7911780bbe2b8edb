"""Follows between local accounts; the stream is the (follower, followed) pair.

A follow of a locked account is a request (``Follow`` with ``requested``) until the
followed account answers with ``Accept`` or ``Reject``; ``Reject`` also removes an
accepted follower. ``Undo`` is the follower's unfollow, of a request as well. A ``Follow``
on a stream whose follow is already active (or already requested) only changes its options.
"""

from typing import ClassVar
from uuid import UUID

from tidings.domain.events import Activity, Event
from tidings.domain.ids import stream_id


class Follow(Activity, kw_only=True, frozen=True):
    object: str  # the followed account id
    notify: bool = False
    reblogs: bool = True
    requested: bool = False  # the followed account is locked: a follow request


class Accept(Activity, kw_only=True, frozen=True):
    """The followed account (``actor``) authorised the request of ``object``. Carries the
    request's options so each read model can start the follow from this event alone."""

    object: str  # the follower account id
    notify: bool = False
    reblogs: bool = True


class Reject(Activity, kw_only=True, frozen=True):
    """The followed account (``actor``) refused the request of ``object``, or removed
    ``object`` from its followers."""

    object: str  # the follower account id


class Undo(Activity, kw_only=True, frozen=True):
    """Undo of the stream's Follow."""

    object: str  # the followed account id


def featured_accounts_of(account_id: str) -> str:
    return f"{account_id}/featured_accounts"


class Add(Activity, kw_only=True, frozen=True):
    """An endorsement: ``object`` joins the actor's featured accounts (Mastodon's pinned
    accounts, Pleroma's endorsements); the stream is the actor's."""

    object: str  # the endorsed account id
    target: str  # the actor's featured-accounts collection


class Remove(Activity, kw_only=True, frozen=True):
    object: str  # the account id no longer endorsed
    target: str


class AccountNoteChanged(Event, kw_only=True, frozen=True):
    """A private note an account keeps on another; local only, and personal data of its
    author, encrypted with the author's key. Forgotten, it reads as ``None``."""

    personal: ClassVar[tuple[str, ...]] = ("comment",)

    account_id: str  # the author
    target_id: str
    comment: str | None

    def key_owner(self) -> UUID:
        return stream_id(self.account_id)
