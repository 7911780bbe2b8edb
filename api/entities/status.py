"""The Status entity in Mastodon's shape, with Pleroma's extra fields under ``pleroma``."""

import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import msgspec

from tidings.api.entities.account import Account, Emoji, render_account
from tidings.api.entities.common import iso
from tidings.api.entities.poll import Poll
from tidings.api.formatting import PLAIN, plain_text, tag_url
from tidings.api.settings import Settings


class Mention(msgspec.Struct, kw_only=True):
    id: str
    username: str
    acct: str
    url: str


class Tag(msgspec.Struct, kw_only=True):
    name: str
    url: str


class Application(msgspec.Struct, kw_only=True):
    name: str
    website: str | None = None


class StatusPleroma(msgspec.Struct, kw_only=True):
    """Every field of Pleroma's "differences in Mastodon API responses"; megalodon reads
    this object without a guard, so it is always there."""

    local: bool
    conversation_id: int | None
    # The viewer's participation in the thread (Pleroma's integer id; ours, as every id
    # we hand out, a flake string): what in_reply_to_conversation_id and the conversation
    # endpoints take.
    direct_conversation_id: str | None
    in_reply_to_account_acct: str | None
    content: dict[str, str]
    spoiler_text: dict[str, str]
    expires_at: str | None
    thread_muted: bool
    emoji_reactions: list[dict[str, Any]]
    parent_visible: bool
    pinned_at: str | None
    quotes_count: int
    event: dict[str, Any] | None
    non_anonymous: bool
    bookmark_folder: str | None
    # The quoted status one level deep, or None when there is none or the viewer may not
    # see it (``quote_visible`` tells which).
    quote: "Status | None" = None
    quote_id: str | None = None
    quote_url: str | None = None
    quote_visible: bool = False


class Quote(msgspec.Struct, kw_only=True):
    """Mastodon 4.4's quote: ``accepted`` with the status, else why it is not shown."""

    state: str
    quoted_status: "Status | None"


class Status(msgspec.Struct, kw_only=True):
    id: str
    uri: str
    url: str
    created_at: str
    edited_at: str | None
    account: Account
    content: str
    text: str | None  # the source, only in the answer to a delete (delete and redraft)
    visibility: str
    sensitive: bool
    spoiler_text: str
    language: str | None
    in_reply_to_id: str | None
    in_reply_to_account_id: str | None
    reblog: "Status | None"
    replies_count: int
    reblogs_count: int
    favourites_count: int
    favourited: bool
    reblogged: bool
    muted: bool
    bookmarked: bool
    pinned: bool
    media_attachments: list[dict[str, Any]]
    mentions: list[Mention]
    tags: list[Tag]
    emojis: list[Emoji]
    card: dict[str, Any] | None
    poll: Poll | None
    application: Application | None
    pleroma: StatusPleroma
    quote: Quote | None = None


def conversation_number(conversation_id: str | None) -> int | None:
    """Pleroma hands out a CRC32 of the thread's context with the top bit cleared, so
    clients that read the field into a signed 32-bit integer (Java, Kotlin) keep working."""
    if conversation_id is None:
        return None
    return zlib.crc32(conversation_id.encode()) & 0x7FFFFFFF


@dataclass
class StatusContext:
    """What a page of statuses needs beyond its own rows, loaded once for the page."""

    settings: Settings
    accounts: dict[str, dict[str, Any]]  # authors, reply targets and mentioned accounts
    visible_parents: set[str]  # ids of the replied-to statuses the viewer may see
    quoted: dict[str, "Status"] = field(default_factory=dict)  # quoted ones the viewer sees
    quotes_existing: set[str] = field(default_factory=set)  # quoted ones still there
    favourited: set[str] = field(default_factory=set)  # by the viewer
    bookmarks: dict[str, str | None] = field(default_factory=dict)  # the viewer's: folder
    participations: dict[str, str] = field(default_factory=dict)  # the viewer's, by thread
    polls: dict[str, Poll] = field(default_factory=dict)  # by status id, for the viewer
    viewer_id: str | None = None
    reblogged: set[str] = field(default_factory=set)  # by the viewer
    pinned: dict[str, datetime] = field(default_factory=dict)  # by their authors: since when
    muted_threads: set[str] = field(default_factory=set)  # conversations the viewer muted
    _rendered: dict[str, Account] = field(default_factory=dict)

    def account(self, account_id: str) -> Account:
        # A page often repeats authors: render each once.
        if account_id not in self._rendered:
            self._rendered[account_id] = render_account(self.accounts[account_id], self.settings)
        return self._rendered[account_id]


def mentioned_ids(row: dict[str, Any]) -> list[str]:
    """The mentioned and, as Pleroma lists them, those addressed by ``to``; a list's
    members are its audience, not mentions."""
    if row["visibility"] == "list":
        return list(row["mentions"])
    return list(dict.fromkeys([*row["mentions"], *row.get("addressed", [])]))


def _quote(row: dict[str, Any], ctx: StatusContext) -> tuple[Status | None, Quote | None]:
    quote_id = row.get("quote_id")
    if not quote_id:
        return None, None
    quoted = ctx.quoted.get(quote_id)
    if quoted is not None:
        return quoted, Quote(state="accepted", quoted_status=quoted)
    state = "unauthorized" if quote_id in ctx.quotes_existing else "deleted"
    return None, Quote(state=state, quoted_status=None)


def custom_emojis(used: dict[str, str] | None, settings: Settings) -> list[Emoji]:
    """A status's (or a version's) local emoji, from its shortcode-to-path map."""
    return [
        Emoji(
            shortcode=code,
            url=f"{settings.base_url}{path}",
            static_url=f"{settings.base_url}{path}",
            category=path.split("/")[2] if path.count("/") == 3 else None,
        )
        for code, path in (used or {}).items()
    ]


def render_status(
    row: dict[str, Any], ctx: StatusContext, *, with_source: bool = False, nested: bool = False
) -> Status:
    """``nested``: a quoted status inside another, whose own quote is not rendered."""
    settings = ctx.settings
    mentions = [
        Mention(
            id=a["id"],
            username=a["username"],
            acct=a["username"],
            url=f"{settings.base_url}/users/{a['username']}",
        )
        for a in (ctx.accounts.get(m) for m in mentioned_ids(row))
        if a is not None
    ]
    emojis = custom_emojis(row.get("emojis"), settings)
    quoted, quote = (None, None) if nested else _quote(row, ctx)
    quote_id = row.get("quote_id")
    source = row["source"] if row["content_type"] == PLAIN else plain_text(row["content"])
    reply_account = ctx.accounts.get(row["in_reply_to_account_id"] or "")
    app = (
        Application(name=row["app_name"], website=row["app_website"])
        if row.get("app_name")
        else None
    )
    return Status(
        id=row["id"],
        uri=f"{settings.base_url}/objects/{row['id']}",
        url=f"{settings.base_url}/notice/{row['id']}",
        created_at=iso(row["created_at"]),
        edited_at=iso(row["edited_at"]) if row.get("edited_at") else None,
        account=ctx.account(row["account_id"]),
        content=row["content"],
        text=row["source"] if with_source else None,
        visibility=row["visibility"],
        sensitive=bool(row["sensitive"]),
        spoiler_text=row["spoiler_text"],
        language=row["language"],
        in_reply_to_id=row["in_reply_to_id"],
        in_reply_to_account_id=row["in_reply_to_account_id"],
        reblog=None,
        replies_count=row["replies_count"],
        reblogs_count=row["reblogs_count"],
        favourites_count=row["favourites_count"],
        favourited=row["id"] in ctx.favourited,
        reblogged=row["id"] in ctx.reblogged,
        muted=row["conversation_id"] in ctx.muted_threads,  # no account mutes exist yet
        bookmarked=row["id"] in ctx.bookmarks,
        # Mastodon tells only the author; Pleroma's pinned_at below tells everyone.
        pinned=ctx.viewer_id == row["account_id"] and row["id"] in ctx.pinned,
        media_attachments=[],
        mentions=mentions,
        tags=[Tag(name=t, url=tag_url(settings, t)) for t in row["tags"]],
        emojis=emojis,
        card=None,
        poll=ctx.polls.get(row["id"]),
        application=app,
        quote=quote,
        pleroma=StatusPleroma(
            local=True,
            conversation_id=conversation_number(row["conversation_id"]),
            direct_conversation_id=ctx.participations.get(row["conversation_id"] or ""),
            in_reply_to_account_acct=reply_account["username"] if reply_account else None,
            content={"text/plain": source},
            spoiler_text={"text/plain": row["spoiler_text"]},
            expires_at=iso(row["expires_at"]) if row.get("expires_at") else None,
            thread_muted=row["conversation_id"] in ctx.muted_threads,
            emoji_reactions=[],
            parent_visible=row["in_reply_to_id"] in ctx.visible_parents,
            pinned_at=iso(ctx.pinned[row["id"]]) if row["id"] in ctx.pinned else None,
            quotes_count=row.get("quotes_count", 0),
            event=None,
            non_anonymous=False,
            bookmark_folder=ctx.bookmarks.get(row["id"]),
            quote=quoted,
            quote_id=quote_id,
            quote_url=f"{settings.base_url}/notice/{quote_id}" if quote_id else None,
            quote_visible=quoted is not None,
        ),
    )


def render_reblog(row: dict[str, Any], original: Status, ctx: StatusContext) -> Status:
    """A reblog wraps its original: its own id, time, author and audience, nothing of its
    own to say, and the viewer's marks of the original (as Mastodon and Pleroma show)."""
    settings = ctx.settings
    return msgspec.structs.replace(
        original,
        id=row["id"],
        uri=f"{settings.base_url}/objects/{row['id']}",
        url=f"{settings.base_url}/notice/{row['id']}",
        created_at=iso(row["created_at"]),
        edited_at=None,  # a reblog itself is never edited
        account=ctx.account(row["account_id"]),
        content="",
        text=None,
        visibility=row["visibility"],
        sensitive=False,
        spoiler_text="",
        language=None,
        in_reply_to_id=None,
        in_reply_to_account_id=None,
        reblog=original,
        replies_count=0,
        reblogs_count=0,
        favourites_count=0,
        pinned=False,
        media_attachments=[],
        mentions=[],
        tags=[],
        emojis=[],
        card=None,
        poll=None,
        application=None,
        quote=None,
        pleroma=msgspec.structs.replace(
            original.pleroma,
            conversation_id=None,
            in_reply_to_account_acct=None,
            content={"text/plain": ""},
            spoiler_text={"text/plain": ""},
            expires_at=None,
            emoji_reactions=[],
            parent_visible=False,
            pinned_at=None,
            quotes_count=0,
            event=None,
            quote=None,
            quote_id=None,
            quote_url=None,
            quote_visible=False,
        ),
    )
