"""Reblogs (boosts): reblogging and taking it back, and who reblogged a status. A reblog
is a status of its own; its id given where an original is expected means the original,
as Mastodon reads it."""

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import account_page, reader, render_page, visible_status
from tidings.api.pagination import Page
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.addressing import Visibility
from tidings.domain.reblogs.aggregates import REBLOG_VISIBILITIES
from tidings.domain.reblogs.commands import ReblogStatus, UnreblogStatus
from tidings.projections import statuses


class ReblogIn(msgspec.Struct, kw_only=True):
    visibility: str | None = None


def _visibility(requested: str | None) -> Visibility:
    if not requested:
        return "public"  # Mastodon's documented default
    for known in REBLOG_VISIBILITIES:
        if requested == known:
            return known
    raise ApiError(
        422, f"Validation failed: visibility must be one of {', '.join(REBLOG_VISIBILITIES)}"
    )


def original_id(row: dict[str, Any]) -> str:
    """What a status row stands for when reblogged: a reblog stands for its original."""
    return str(row["reblog_of_id"] or row["id"])


class ReblogsController(Controller):
    path = "/api/v1/statuses/{status_id:str}"

    @post("/reblog", guards=[scope("write:statuses"), rate_limited("write")], status_code=200)
    async def reblog(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        """Answers the reblog, its original nested; reblogging again answers the same one."""
        visibility = _visibility((await params(request, ReblogIn)).visibility)
        async with svc.pool.connection() as conn:
            target = original_id(await visible_status(conn, status_id, user.user_id))
        await svc.execute(
            ReblogStatus(account_id=user.user_id, status_id=target, visibility=visibility)
        )
        async with svc.pool.connection() as conn:
            mine = await statuses.reblog_by(conn, user.user_id, target)
            rendered = await render_page(conn, [mine] if mine else [], user.user_id, svc.settings)
        if not rendered:  # the original was deleted between the write and this read
            raise not_found()
        return rendered[0]

    @post("/unreblog", guards=[scope("write:statuses"), rate_limited("write")], status_code=200)
    async def unreblog(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        """Answers the original as the viewer now sees it; undoing nothing is no error."""
        async with svc.pool.connection() as conn:
            target = original_id(await visible_status(conn, status_id, user.user_id))
        await svc.execute(UnreblogStatus(account_id=user.user_id, status_id=target))
        async with svc.pool.connection() as conn:
            row = await statuses.by_id(conn, target)
            rendered = await render_page(conn, [row] if row else [], user.user_id, svc.settings)
        if not rendered:
            raise not_found()
        return rendered[0]

    @get("/reblogged_by")
    async def reblogged_by(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        """Open to visitors for a status they may see; a presented token must allow
        reading accounts (Mastodon's ``authorize_if_got_token!``). Paged by reblog id."""
        viewer_id = reader(viewer, "read:accounts")
        page = (await params(request, Page)).bounded(default=40, most=80)
        async with svc.pool.connection() as conn:
            target = original_id(await visible_status(conn, status_id, viewer_id))
            reblogs = page.newest_first(
                await statuses.reblogged_by(conn, target, page, with_local=viewer_id is not None)
            )
            return await account_page(conn, request, reblogs, svc.settings)
