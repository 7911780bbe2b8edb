"""Editing a status (Mastodon 3.5's PUT) and its history of versions."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

import tidings.api.mastodon.compose as compose
from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import render_account
from tidings.api.entities.status import Status as StatusEntity
from tidings.api.entities.status_edit import StatusEdit, render_edit
from tidings.api.errors import ApiError, not_found
from tidings.api.formatting import CONTENT_TYPES, PLAIN, format_status, mentioned_usernames
from tidings.api.mastodon.statuses import LANGUAGE, reader, render_page, visible_status
from tidings.api.params import params
from tidings.api.polls import poll_draft, refuse_poll_with_media
from tidings.api.services import Services
from tidings.domain.statuses.commands import EditStatus
from tidings.projections import accounts, polls, status_edits, statuses


class EditIn(msgspec.Struct, kw_only=True):
    """As Mastodon reads an edit, every field is the new value: an omitted spoiler or poll
    is removed. Only an omitted ``language`` or ``content_type`` keeps the current one."""

    status: str = ""
    spoiler_text: str = ""
    sensitive: bool | None = None
    language: str | None = None
    content_type: str | None = None
    poll: dict[str, Any] | None = None
    media_ids: list[str] | str = []


def _refuse_unsupported(payload: EditIn) -> None:
    content_type = payload.content_type or PLAIN
    if content_type not in CONTENT_TYPES:
        raise ApiError(
            422,
            f"Validation failed: content_type must be one of {', '.join(CONTENT_TYPES)}",
        )
    if payload.media_ids:
        raise ApiError(422, "Validation failed: media_ids is not supported yet")
    if payload.language and not LANGUAGE.match(payload.language):
        raise ApiError(422, "Validation failed: language must be an ISO 639 code")


class EditsController(Controller):
    path = "/api/v1/statuses"

    @put(
        "/{status_id:str}",
        guards=[scope("write:statuses"), rate_limited("write")],
        status_code=200,
    )
    async def edit(
        self,
        status_id: FromPath[str],
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> StatusEntity:
        """404 for what the user may not see, 403 for someone else's status. Mentions in
        the new text are linked, but the audience stays the one the status was posted to."""
        payload = await params(request, EditIn)
        settings = svc.settings
        poll = poll_draft(payload.poll, settings)
        refuse_poll_with_media(poll, payload.media_ids)
        _refuse_unsupported(payload)
        text, spoiler = compose.checked_text(payload.status, payload.spoiler_text, settings)
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, user.user_id)
            known = await statuses.accounts_named(conn, mentioned_usernames(text, settings.domain))
        content_type = payload.content_type or row["content_type"]  # as Mastodon keeps it
        formatted = format_status(text, content_type, known, settings)
        await svc.execute(
            EditStatus(
                status_id=row["id"],
                account_id=user.user_id,
                content=formatted.content,
                source=text,
                content_type=content_type,
                spoiler_text=spoiler,
                sensitive=bool(payload.sensitive) or bool(spoiler),
                language=payload.language or row["language"],
                mentions=formatted.mentions,
                tags=formatted.tags,
                emojis=await compose.custom_emoji(settings, text, spoiler),
                poll=poll,
            )
        )
        async with svc.pool.connection() as conn:
            edited = await statuses.by_id(conn, row["id"])
            if edited is None:  # deleted between the write and this read
                raise not_found()
            return (await render_page(conn, [edited], user.user_id, settings))[0]

    @get("/{status_id:str}/history")
    async def history(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> list[StatusEdit]:
        """Every version, oldest first, the current one last; a status never edited has
        one, as Mastodon answers. Seen by whoever may see the status."""
        viewer_id = reader(viewer)
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, viewer_id)
            author = await accounts.by_id(conn, row["account_id"])
            versions = await status_edits.history(conn, row["id"])
            if not versions:
                poll = (await polls.by_status_ids(conn, [row["id"]], None)).get(row["id"])
                versions = [{**row, "poll_options": poll["options"] if poll else None}]
        if author is None:
            raise not_found()
        account = render_account(author, svc.settings)
        return [render_edit(v, account, svc.settings) for v in versions]
