"""Account lifecycle events. Profile text, email and settings are personal data."""

from typing import Any, ClassVar

import msgspec

from tidings.domain.events import Activity, Event


class Registered(Event, kw_only=True, frozen=True):
    """A local account came to be; the stream id is the account's flake id."""

    personal: ClassVar[tuple[str, ...]] = ("email", "display_name", "note")

    username: str
    email: str | None
    display_name: str | None
    note: str | None
    password_hash: str
    locked: bool = False
    bot: bool = False
    is_admin: bool = False
    is_moderator: bool = False
    language: str | None = None
    app_id: str | None = None


class UsernameClaimed(Event, kw_only=True, frozen=True):
    """Version 1 of a stream named after the lower-cased username: a second claim conflicts."""

    account_id: str


class EmailClaimed(Event, kw_only=True, frozen=True):
    account_id: str


class Profile(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The changed profile fields of an Update; absent fields keep their value."""

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    fields: list[dict[str, str]] | None = None
    default_scope: str | None = None
    default_sensitive: bool | None = None
    language: str | None = None
    no_rich_text: bool | None = None
    hide_followers: bool | None = None
    hide_follows: bool | None = None
    hide_followers_count: bool | None = None
    hide_follows_count: bool | None = None
    hide_favorites: bool | None = None
    show_role: bool | None = None
    skip_thread_containment: bool | None = None
    allow_following_move: bool | None = None
    accepts_chat_messages: bool | None = None
    actor_type: str | None = None
    also_known_as: list[str] | None = None
    settings_store: dict[str, Any] | None = None


class Update(Activity, kw_only=True, frozen=True):
    """ActivityStreams Update of the actor's Person; the whole object is personal."""

    personal: ClassVar[tuple[str, ...]] = ("object",)

    object: Profile | None


class PasswordChanged(Event, kw_only=True, frozen=True):
    password_hash: str
