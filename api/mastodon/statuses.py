"""Posting, showing and deleting statuses, and rendering pages of them for every endpoint."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

import tidings.api.mastodon.compose as compose
from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, render_account
from tidings.api.entities.scheduled_status import ScheduledStatus
from tidings.api.entities.status import Status as StatusEntity
from tidings.api.entities.status import (
    StatusContext,
    mentioned_ids,
    render_reblog,
    render_status,
)
from tidings.api.errors import ApiError, not_found
from tidings.api.formatting import CONTENT_TYPES, PLAIN, format_status, mentioned_usernames
from tidings.api.idempotency import once
from tidings.api.mastodon import scheduled_statuses as scheduling
from tidings.api.pagination import link_header
from tidings.api.params import params
from tidings.api.polls import poll_draft, preview_poll, refuse_poll_with_media, rendered_polls
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.domain.ids import is_flake, new_id
from tidings.domain.oauth.aggregates import grants
from tidings.domain.reblogs.commands import UnreblogStatus
from tidings.domain.statuses.commands import DeleteStatus, PollDraft, PostStatus
from tidings.projections import accounts, blocks, marks, statuses

MAX_IDS = 100  # per GET /api/v1/statuses, as Mastodon and Pleroma allow
MIN_EXPIRES_IN = 3600  # Pleroma's shortest lifetime for an expiring status, in seconds
MAX_EXPIRES_IN = 100 * 365 * 24 * 3600  # far beyond any use, well inside datetime's range
# Mastodon's bounds on a thread: how far up to walk, how deep down, how many replies.
ANCESTORS_DEPTH = 40
DESCENDANTS_DEPTH = 40
DESCENDANTS_LIMIT = 4096
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")


class StatusIn(msgspec.Struct, kw_only=True):
    status: str = ""
    visibility: str | None = None
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    in_reply_to_id: str | None = None
    content_type: str | None = None
    preview: bool = False
    scheduled_at: str | None = None
    expires_in: int | None = None  # Pleroma: seconds until the status deletes itself
    poll: dict[str, Any] | None = None
    # Pleroma: a direct post to the recipients of the poster's own participation.
    in_reply_to_conversation_id: str | None = None
    # Accepted so they are refused clearly rather than dropped without a word:
    media_ids: list[str] | str = []
    to: list[str] | str | None = None  # Pleroma: nicknames addressed instead of the mentioned
    quote_id: str | None = None


class IdsIn(msgspec.Struct, kw_only=True):
    """``ids[]=`` as documented; ``id[]=`` as Mastodon reads it; either as one value."""

    ids: list[str] | str = []
    id: list[str] | str = []


class Context(msgspec.Struct, kw_only=True):
    ancestors: list[StatusEntity]
    descendants: list[StatusEntity]


class StatusSource(msgspec.Struct, kw_only=True):
    id: str
    text: str
    spoiler_text: str
    content_type: str  # Pleroma's addition


def _requested_ids(payload: IdsIn) -> list[str]:
    """The asked ids, once each and in order; malformed ones simply find nothing."""
    given = [
        *([payload.ids] if isinstance(payload.ids, str) else payload.ids),
        *([payload.id] if isinstance(payload.id, str) else payload.id),
    ]
    if len(given) > MAX_IDS:
        raise ApiError(422, f"Validation failed: at most {MAX_IDS} ids")
    return [i for i in dict.fromkeys(given) if is_flake(i)]


def reader(viewer: Viewer | None, needed: str = "read:statuses") -> str | None:
    """The reading account, or None for a visitor. A token may be absent, but one that is
    presented must allow ``needed`` (Mastodon's ``authorize_if_got_token!``)."""
    if viewer is None:
        return None
    if not grants(viewer.scopes, needed):
        raise ApiError(403, "This action is outside the authorized scopes")
    return viewer.account_id


async def account_page(
    conn: AsyncConnection[Any],
    request: Request[Any, Any, Any],
    rows: list[dict[str, Any]],
    settings: Settings,
) -> Response[list[Account]]:
    """Who marked a status (favourited, reblogged): rows of ``account_id`` and ``page_id``,
    newest first, rendered as accounts with the Link header over the marks' ids."""
    found = await accounts.by_ids(conn, [r["account_id"] for r in rows])
    rendered = [
        render_account(found[r["account_id"]], settings) for r in rows if r["account_id"] in found
    ]
    return Response(rendered, headers=link_header(request, [r["page_id"] for r in rows]))


async def render_page(
    conn: AsyncConnection[Any],
    rows: list[dict[str, Any]],
    viewer_id: str | None,
    settings: Settings,
    *,
    with_source: bool = False,
) -> list[StatusEntity]:
    """Renders rows the viewer may see (``statuses.visible`` has checked a reblog's
    original too): a few batch queries per page, none per status. A reblog nests its
    original, rendered like any other status; quoted statuses come along one level deep,
    as Pleroma nests them."""
    originals = await statuses.by_ids(
        conn, [r["reblog_of_id"] for r in rows if r.get("reblog_of_id")]
    )
    rows = [r for r in rows if not r.get("reblog_of_id") or r["reblog_of_id"] in originals]
    proper = list(
        {r["id"]: r for r in (*originals.values(), *rows) if not r.get("reblog_of_id")}.values()
    )
    quote_ids = [r["quote_id"] for r in proper if r.get("quote_id")]
    quote_rows = list((await statuses.by_ids(conn, quote_ids)).values())
    shown_quotes = await statuses.visible(conn, quote_rows, viewer_id)
    everything = [*proper, *shown_quotes]
    parent_ids = [r["in_reply_to_id"] for r in everything if r["in_reply_to_id"]]
    parents = list((await statuses.by_ids(conn, parent_ids)).values())
    visible_parents = {p["id"] for p in await statuses.visible(conn, parents, viewer_id)}
    account_ids = {
        a
        for r in everything
        for a in (r["account_id"], r["in_reply_to_account_id"], *mentioned_ids(r))
        if a is not None
    } | {r["account_id"] for r in rows}
    threads = sorted({r["conversation_id"] for r in everything if r["conversation_id"]})
    found = await marks.of_page(conn, viewer_id, [r["id"] for r in everything], threads)
    ctx = StatusContext(
        settings=settings,
        accounts=await accounts.by_ids(conn, sorted(account_ids)),
        visible_parents=visible_parents,
        quotes_existing={r["id"] for r in quote_rows},
        favourited=found.favourited,
        bookmarks=found.bookmarks,
        participations=found.participations,
        polls=await rendered_polls(conn, proper, viewer_id),
        viewer_id=viewer_id,
        reblogged=found.reblogged,
        pinned=found.pinned,
        muted_threads=found.muted_threads,
    )
    ctx.quoted = {
        q["id"]: render_status(q, ctx, nested=True)
        for q in shown_quotes
        if q["account_id"] in ctx.accounts
    }
    asked = {r["id"] for r in rows}  # a nested original never carries its source text
    rendered = {
        r["id"]: render_status(r, ctx, with_source=with_source and r["id"] in asked)
        for r in proper
        if r["account_id"] in ctx.accounts
    }
    page: list[StatusEntity] = []
    for r in rows:
        if r["account_id"] not in ctx.accounts:
            continue
        if not r.get("reblog_of_id"):
            page.append(rendered[r["id"]])
        elif r["reblog_of_id"] in rendered:
            page.append(render_reblog(r, rendered[r["reblog_of_id"]], ctx))
    return page


async def visible_status(
    conn: AsyncConnection[Any], status_id: str, viewer_id: str | None
) -> dict[str, Any]:
    """The status, or 404 alike for a bad id, a missing status and one the viewer may not
    see, so a private post's existence does not leak."""
    row = await statuses.by_id(conn, status_id) if is_flake(status_id) else None
    if row is None or not await statuses.visible(conn, [row], viewer_id):
        raise not_found()
    return row


async def without_blocked(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], viewer_id: str | None
) -> list[dict[str, Any]]:
    """Leaves out the statuses of accounts the viewer blocks (``visible`` has left out
    those of accounts blocking the viewer), as Mastodon and Pleroma filter a thread."""
    if viewer_id is None or not rows:
        return rows
    authors = sorted({r["account_id"] for r in rows} - {viewer_id})
    blocked = await blocks.blocked_either_way(conn, viewer_id, authors)
    return [r for r in rows if r["account_id"] not in blocked]


def _refuse_unsupported(payload: StatusIn) -> None:
    content_type = payload.content_type or PLAIN
    if content_type not in CONTENT_TYPES:
        raise ApiError(
            422,
            f"Validation failed: content_type must be one of {', '.join(CONTENT_TYPES)}",
        )
    unsupported = {
        "media_ids": bool(payload.media_ids),
    }
    for name, given in unsupported.items():
        if given:
            raise ApiError(422, f"Validation failed: {name} is not supported yet")
    if payload.language and not LANGUAGE.match(payload.language):
        raise ApiError(422, "Validation failed: language must be an ISO 639 code")
    if payload.expires_in and payload.expires_in < MIN_EXPIRES_IN:  # 0 means none
        raise ApiError(422, "Expiration date is too soon")
    if payload.expires_in and payload.expires_in > MAX_EXPIRES_IN:
        raise ApiError(422, "Expiration date is too far in the future")


class StatusesController(Controller):
    path = "/api/v1/statuses"

    @post("/", guards=[scope("write:statuses"), rate_limited("write")], status_code=200)
    async def create(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> StatusEntity | ScheduledStatus:
        """With ``scheduled_at``, Mastodon answers the ScheduledStatus instead."""
        payload = await params(request, StatusIn)
        poll = poll_draft(payload.poll, svc.settings)
        refuse_poll_with_media(poll, payload.media_ids)
        _refuse_unsupported(payload)
        when = scheduling.parse_time(payload.scheduled_at) if payload.scheduled_at else None
        if payload.preview:
            return await _preview(svc, await _compose(svc, user, payload, poll))
        key = request.headers.get("idempotency-key")
        if when is not None:

            async def plan() -> str:
                command = await _compose(svc, user, payload, poll)
                return await scheduling.schedule(svc, command, when, payload.expires_in, key)

            planned = await once(svc.redis, user.user_id, key, plan) if key else await plan()
            return await scheduling.answer(svc, user.user_id, planned)

        async def write() -> str:
            command = await _compose(svc, user, payload, poll)
            await svc.execute(command)
            return command.status_id

        status_id = await once(svc.redis, user.user_id, key, write) if key else await write()
        async with svc.pool.connection() as conn:
            row = await statuses.by_id(conn, status_id)
            if row is None:  # deleted since (by a moderator, or before a retry)
                raise not_found()
            return (await render_page(conn, [row], user.user_id, svc.settings))[0]

    @get("/")
    async def many(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> list[StatusEntity]:
        viewer_id = reader(viewer)
        wanted = _requested_ids(await params(request, IdsIn))
        async with svc.pool.connection() as conn:
            found = await statuses.by_ids(conn, wanted)
            rows = [found[i] for i in wanted if i in found]
            shown = await statuses.visible(conn, rows, viewer_id)
            return await render_page(conn, shown, viewer_id, svc.settings)

    @get("/{status_id:str}/context")
    async def context(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Context:
        """The thread around a status, each side filtered by the one visibility rule."""
        viewer_id = reader(viewer)
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, viewer_id)
            up = await statuses.ancestors(conn, row["id"], ANCESTORS_DEPTH)
            down = await statuses.descendants(conn, row["id"], DESCENDANTS_DEPTH, DESCENDANTS_LIMIT)
            # One visibility check and one rendering for the whole thread.
            shown = await statuses.visible(conn, [*up, *down], viewer_id)
            shown = await without_blocked(conn, shown, viewer_id)
            rendered = {s.id: s for s in await render_page(conn, shown, viewer_id, svc.settings)}
        return Context(
            ancestors=[rendered[r["id"]] for r in up if r["id"] in rendered],
            descendants=[rendered[r["id"]] for r in down if r["id"] in rendered],
        )

    @get("/{status_id:str}/source", guards=[scope("read:statuses")])
    async def source(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> StatusSource:
        """The text as written, for editing: 404 for what the user may not see, 403 for
        someone else's status."""
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, user.user_id)
        if row["account_id"] != user.user_id:
            raise ApiError(403, "This action is not allowed")
        return StatusSource(
            id=row["id"],
            text=row["source"],
            spoiler_text=row["spoiler_text"],
            content_type=row["content_type"],
        )

    @get("/{status_id:str}")
    async def show(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> StatusEntity:
        viewer_id = reader(viewer)
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, viewer_id)
            return (await render_page(conn, [row], viewer_id, svc.settings))[0]

    @delete(
        "/{status_id:str}",
        guards=[scope("write:statuses"), rate_limited("write")],
        status_code=200,
    )
    async def remove(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> StatusEntity:
        """Answers with the status as it was and its source ``text``, for delete and
        redraft. 404 for what the user may not see, 403 for someone else's status."""
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, user.user_id)
        if row["reblog_of_id"]:  # deleting a reblog takes it back, as on Mastodon
            if row["account_id"] != user.user_id:
                raise ApiError(403, "This action is not allowed")
            await svc.execute(
                UnreblogStatus(account_id=user.user_id, status_id=row["reblog_of_id"])
            )
        else:
            await svc.execute(
                DeleteStatus(
                    status_id=row["id"],
                    account_id=user.user_id,
                    as_admin=user.is_admin or user.is_moderator,  # Pleroma lets staff delete
                )
            )
        async with svc.pool.connection() as conn:
            rendered = await render_page(conn, [row], user.user_id, svc.settings, with_source=True)
        if not rendered:
            raise not_found()
        return rendered[0]


async def _compose(
    svc: Services, user: Viewer, payload: StatusIn, poll: PollDraft | None
) -> PostStatus:
    """The command the payload asks for, every check that needs the read models made."""
    settings = svc.settings
    text, spoiler = compose.checked_text(payload.status, payload.spoiler_text, settings)
    author_id = user.user_id
    content_type = payload.content_type or PLAIN
    async with svc.pool.connection() as conn:
        author = await accounts.by_id(conn, author_id)
        if author is None:
            raise ApiError(401, "The access token is invalid")
        preferences: dict[str, Any] = author.get("preferences") or {}
        visibility, list_id = compose.visibility(payload.visibility, preferences)
        if list_id is not None:
            await compose.check_list(conn, list_id, author_id)
        parent = None
        if payload.in_reply_to_id:
            parent = await visible_status(conn, payload.in_reply_to_id, author_id)
            if parent["reblog_of_id"]:  # a reply to a reblog answers its original
                parent = await visible_status(conn, parent["reblog_of_id"], author_id)
        quoted = None
        if payload.quote_id:
            quoted = await visible_status(conn, payload.quote_id, author_id)
            if quoted["reblog_of_id"]:  # and quoting one quotes its original
                quoted = await visible_status(conn, quoted["reblog_of_id"], author_id)
            compose.check_quotable(quoted, author_id)
        known = await statuses.accounts_named(conn, mentioned_usernames(text, settings.domain))
        addressed = None
        if payload.to is not None:
            names = [payload.to] if isinstance(payload.to, str) else payload.to
            addressed = await compose.addressed_by_to(conn, names, settings)
        conversation = None
        if payload.in_reply_to_conversation_id:
            conversation = await compose.replied_conversation(
                conn, payload.in_reply_to_conversation_id, author_id
            )
            # As Pleroma's ActivityDraft: direct whatever was asked, to the participation's
            # recipients alone (not the mentioned, nor ``to``), in its thread.
            visibility, list_id = "direct", None
            addressed = list(conversation["recipients"])
    formatted = format_status(text, content_type, known, settings)
    if (
        addressed is None
        and conversation is None
        and quoted is not None
        and quoted["account_id"] != author_id
    ):
        # Pleroma addresses the quoted author too, as if mentioned.
        addressed = list(dict.fromkeys([*formatted.mentions, quoted["account_id"]]))
    sensitive = payload.sensitive
    if sensitive is None:
        sensitive = bool(preferences.get("default_sensitive"))
    return PostStatus(
        status_id=new_id(),
        account_id=author_id,
        content=formatted.content,
        source=text,
        content_type=content_type,
        visibility=visibility,
        spoiler_text=spoiler,
        sensitive=sensitive or bool(spoiler),  # a content warning hides the text
        language=payload.language or preferences.get("language"),
        in_reply_to_id=parent["id"] if parent else None,
        in_reply_to_account_id=parent["account_id"] if parent else None,
        conversation_id=(
            conversation["conversation_id"]
            if conversation
            else parent["conversation_id"]
            if parent
            else None
        ),
        mentions=formatted.mentions,
        tags=formatted.tags,
        app_id=user.app_id,
        addressed=addressed,
        list_id=list_id,
        emojis=await compose.custom_emoji(settings, text, spoiler),
        quote_id=quoted["id"] if quoted else None,
        expires_at=(  # a scheduled status's lifetime starts when it is published
            datetime.now(UTC) + timedelta(seconds=payload.expires_in)
            if payload.expires_in and not payload.scheduled_at
            else None
        ),
        poll=poll,
    )


async def _preview(svc: Services, command: PostStatus) -> StatusEntity:
    """Pleroma's ``preview``: the status as it would be, with nothing written."""
    row: dict[str, Any] = {
        "id": command.status_id,
        "account_id": command.account_id,
        "visibility": command.visibility,
        "content": command.content,
        "source": command.source,
        "content_type": command.content_type,
        "spoiler_text": command.spoiler_text,
        "sensitive": command.sensitive,
        "language": command.language,
        "in_reply_to_id": command.in_reply_to_id,
        "in_reply_to_account_id": command.in_reply_to_account_id,
        "conversation_id": command.conversation_id or command.status_id,
        "mentions": command.mentions,
        "addressed": command.mentions if command.addressed is None else command.addressed,
        "emojis": command.emojis,
        "quote_id": command.quote_id,
        "quotes_count": 0,
        "tags": command.tags,
        "app_id": command.app_id,
        "app_name": None,
        "app_website": None,
        "expires_at": command.expires_at,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "reblog_of_id": None,
        "created_at": datetime.now(UTC),
        "edited_at": None,
    }
    async with svc.pool.connection() as conn:
        rendered = (await render_page(conn, [row], command.account_id, svc.settings))[0]
    if command.poll is not None:
        rendered.poll = preview_poll(command.poll, command.status_id, command.account_id)
    return rendered
