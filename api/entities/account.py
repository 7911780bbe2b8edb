"""The Account, Source and Relationship entities with Pleroma's extra fields."""

import html
from typing import Any

import msgspec

from tidings.api.entities.common import iso
from tidings.api.settings import Settings


class Field(msgspec.Struct, kw_only=True):
    name: str
    value: str
    verified_at: str | None = None


class Emoji(msgspec.Struct, kw_only=True):
    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool = True
    category: str | None = None


class Relationship(msgspec.Struct, kw_only=True):
    id: str
    following: bool = False
    showing_reblogs: bool = True
    notifying: bool = False
    subscribing: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    note: str = ""
    languages: list[str] | None = None


class SourcePleroma(msgspec.Struct, kw_only=True):
    show_role: bool = True
    no_rich_text: bool = False
    discoverable: bool = False
    actor_type: str = "Person"


class Source(msgspec.Struct, kw_only=True):
    note: str
    fields: list[Field]
    privacy: str = "public"
    sensitive: bool = False
    language: str | None = None
    follow_requests_count: int = 0
    pleroma: SourcePleroma


class AccountPleroma(msgspec.Struct, kw_only=True):
    ap_id: str
    background_image: str | None = None
    tags: list[str] = []
    # Pleroma sends {} without a viewer; one type keeps the OpenAPI schema expressible.
    relationship: dict[str, Any] = {}
    is_moderator: bool | None = False  # None: the owner hides their role (show_role)
    is_admin: bool | None = False
    is_confirmed: bool = True
    confirmation_pending: bool = False
    hide_favorites: bool = True
    hide_followers: bool = False
    hide_follows: bool = False
    hide_followers_count: bool = False
    hide_follows_count: bool = False
    deactivated: bool = False
    allow_following_move: bool = True
    accepts_chat_messages: bool | None = True
    skip_thread_containment: bool = False
    favicon: str | None = None
    also_known_as: list[str] = []
    # Only for the account's owner:
    settings_store: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    unread_conversation_count: int | msgspec.UnsetType = msgspec.UNSET
    unread_notifications_count: int | msgspec.UnsetType = msgspec.UNSET
    notification_settings: dict[str, bool] | msgspec.UnsetType = msgspec.UNSET
    chat_token: str | msgspec.UnsetType = msgspec.UNSET


class Account(msgspec.Struct, kw_only=True):
    id: str
    username: str
    acct: str
    fqn: str
    display_name: str
    locked: bool
    bot: bool
    discoverable: bool
    group: bool
    created_at: str
    note: str
    url: str
    uri: str
    avatar: str
    avatar_static: str
    header: str
    header_static: str
    followers_count: int
    following_count: int
    statuses_count: int
    last_status_at: str | None
    emojis: list[Emoji]
    fields: list[Field]
    pleroma: AccountPleroma
    source: Source | msgspec.UnsetType = msgspec.UNSET
    # Only for the account's owner, where Pleroma puts it (Mastodon's is in source):
    follow_requests_count: int | msgspec.UnsetType = msgspec.UNSET


def plain_to_html(text: str) -> str:
    """Profile text is stored as typed; clients get it escaped with line breaks kept."""
    if not text:
        return ""
    return "<p>" + html.escape(text).replace("\n", "<br/>") + "</p>"


def render_account(
    row: dict[str, Any],
    settings: Settings,
    *,
    own: bool = False,
    relationship: Relationship | None = None,
) -> Account:
    prefs: dict[str, Any] = row.get("preferences") or {}
    account_url = f"{settings.base_url}/users/{row['username']}"
    avatar = f"{settings.base_url}/images/avi.png"
    header = f"{settings.base_url}/images/banner.png"
    hide_followers_count = bool(prefs.get("hide_followers_count"))
    hide_follows_count = bool(prefs.get("hide_follows_count"))
    fields = [
        Field(name=f.get("name", ""), value=html.escape(f.get("value", "")))
        for f in row.get("fields") or []
    ]
    show_role = own or bool(prefs.get("show_role", True))
    pleroma = AccountPleroma(
        ap_id=account_url,
        background_image=prefs.get("background_image"),
        relationship=msgspec.to_builtins(relationship) if relationship is not None else {},
        is_admin=bool(row["is_admin"]) if show_role else None,
        is_moderator=bool(row["is_moderator"]) if show_role else None,
        hide_favorites=bool(prefs.get("hide_favorites", True)),
        hide_followers=bool(prefs.get("hide_followers")),
        hide_follows=bool(prefs.get("hide_follows")),
        hide_followers_count=hide_followers_count,
        hide_follows_count=hide_follows_count,
        deactivated=bool(row["deactivated"]),
        allow_following_move=bool(prefs.get("allow_following_move", True)),
        accepts_chat_messages=bool(prefs.get("accepts_chat_messages", True)),
        skip_thread_containment=bool(prefs.get("skip_thread_containment")),
        also_known_as=list(prefs.get("also_known_as") or []),
    )
    source: Source | msgspec.UnsetType = msgspec.UNSET
    if own:
        pleroma.settings_store = row.get("settings_store") or {}
        pleroma.unread_conversation_count = 0
        pleroma.unread_notifications_count = 0
        pleroma.notification_settings = {
            "block_from_strangers": False,
            "hide_notification_contents": False,
        }
        source = Source(
            note=row["note"],
            fields=[
                Field(name=f.get("name", ""), value=f.get("value", ""))
                for f in row.get("fields") or []
            ],
            privacy=prefs.get("default_scope", "public"),
            sensitive=bool(prefs.get("default_sensitive")),
            language=prefs.get("language"),
            pleroma=SourcePleroma(
                show_role=bool(prefs.get("show_role", True)),
                no_rich_text=bool(prefs.get("no_rich_text")),
                discoverable=bool(row["discoverable"]),
                actor_type=prefs.get("actor_type", "Person"),
            ),
        )
    last_status_at = row.get("last_status_at")
    return Account(
        id=row["id"],
        username=row["username"],
        acct=row["username"],
        fqn=f"{row['username']}@{settings.domain}",
        display_name=row["display_name"] or row["username"],
        locked=bool(row["locked"]),
        bot=bool(row["bot"]),
        discoverable=bool(row["discoverable"]),
        group=prefs.get("actor_type") == "Group",
        created_at=iso(row["created_at"]),
        note=plain_to_html(row["note"]),
        url=account_url,
        uri=account_url,
        avatar=avatar,
        avatar_static=avatar,
        header=header,
        header_static=header,
        followers_count=0 if hide_followers_count and not own else row["followers_count"],
        following_count=0 if hide_follows_count and not own else row["following_count"],
        statuses_count=row["statuses_count"],
        last_status_at=last_status_at.date().isoformat() if last_status_at else None,
        emojis=[],
        fields=fields,
        pleroma=pleroma,
        source=source,
    )
