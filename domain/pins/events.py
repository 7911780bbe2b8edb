"""Pinned statuses as ActivityStreams Add and Remove on the account's featured
collection, as Mastodon federates them; the stream is the account's."""

from tidings.domain.events import Activity


def featured_of(account_id: str) -> str:
    return f"{account_id}/featured"


class Add(Activity, kw_only=True, frozen=True):
    object: str  # the status id
    target: str  # the account's featured collection
    pin_id: str  # the pin's own flake id: pinned statuses list newest pin first


class Remove(Activity, kw_only=True, frozen=True):
    object: str  # the status id
    target: str
