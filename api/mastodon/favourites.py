"""Favourites and bookmarks: marking a status, the viewer's lists of them, and who
favourited a status. Lists page by the favourite's or bookmark's own id, as Mastodon does."""

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import account_page, reader, render_page, visible_status
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.interactions.commands import (
    BookmarkStatus,
    FavouriteStatus,
    UnbookmarkStatus,
    UnfavouriteStatus,
)
from tidings.projections import interactions, statuses

NO_FOLDERS = "Validation failed: bookmark folders are not supported yet"


class BookmarkIn(msgspec.Struct, kw_only=True):
    folder_id: str | None = None


class BookmarksIn(Page, kw_only=True):
    folder_id: str | None = None


async def _answer(svc: Services, status_id: str, viewer_id: str) -> Status:
    """The status as the viewer now sees it, after the write is in every read model."""
    async with svc.pool.connection() as conn:
        row = await statuses.by_id(conn, status_id)
        if row is None:  # deleted between the write and this read
            raise not_found()
        return (await render_page(conn, [row], viewer_id, svc.settings))[0]


async def _marked(
    conn: AsyncConnection[Any],
    request: Request[Any, Any, Any],
    rows: list[dict[str, Any]],
    page: Page,
    viewer_id: str,
    svc: Services,
) -> Response[list[Status]]:
    """A page of favourited or bookmarked statuses; the Link header carries the marks' ids,
    and a status the viewer may no longer see (an unfollowed private author) is left out."""
    rows = page.newest_first(rows)
    page_ids = [r["page_id"] for r in rows]
    shown = await statuses.visible(conn, rows, viewer_id)
    rendered = await render_page(conn, shown, viewer_id, svc.settings)
    return Response(rendered, headers=link_header(request, page_ids))


Mark = type[FavouriteStatus | UnfavouriteStatus | BookmarkStatus | UnbookmarkStatus]


async def _mark(svc: Services, status_id: str, user: Viewer, command: Mark) -> Status:
    """Marks (or unmarks) a status the viewer may see and answers it as they now see it."""
    async with svc.pool.connection() as conn:
        row = await visible_status(conn, status_id, user.user_id)
    target = row["reblog_of_id"] or row["id"]  # a reblog's id marks its original, as Mastodon
    await svc.execute(command(account_id=user.user_id, status_id=target))
    return await _answer(svc, target, user.user_id)


class FavouritesController(Controller):
    path = "/api/v1"

    @post(
        "/statuses/{status_id:str}/favourite",
        guards=[scope("write:favourites"), rate_limited("write")],
        status_code=200,
    )
    async def favourite(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        return await _mark(svc, status_id, user, FavouriteStatus)

    @post(
        "/statuses/{status_id:str}/unfavourite",
        guards=[scope("write:favourites"), rate_limited("write")],
        status_code=200,
    )
    async def unfavourite(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        return await _mark(svc, status_id, user, UnfavouriteStatus)

    @post(
        "/statuses/{status_id:str}/bookmark",
        guards=[scope("write:bookmarks"), rate_limited("write")],
        status_code=200,
    )
    async def bookmark(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        payload = await params(request, BookmarkIn)
        if payload.folder_id:  # no folder can exist yet, so none can be valid
            raise ApiError(422, NO_FOLDERS)
        return await _mark(svc, status_id, user, BookmarkStatus)

    @post(
        "/statuses/{status_id:str}/unbookmark",
        guards=[scope("write:bookmarks"), rate_limited("write")],
        status_code=200,
    )
    async def unbookmark(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        return await _mark(svc, status_id, user, UnbookmarkStatus)

    @get("/favourites", guards=[scope("read:favourites")])
    async def favourites(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        page = (await params(request, Page)).bounded()
        async with svc.pool.connection() as conn:
            rows = await interactions.favourites(conn, user.user_id, page)
            return await _marked(conn, request, rows, page, user.user_id, svc)

    @get("/bookmarks", guards=[scope("read:bookmarks")])
    async def bookmarks(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        payload = await params(request, BookmarksIn)
        if payload.folder_id:
            raise ApiError(422, NO_FOLDERS)
        page = payload.bounded()
        async with svc.pool.connection() as conn:
            rows = await interactions.bookmarks(conn, user.user_id, page)
            return await _marked(conn, request, rows, page, user.user_id, svc)

    @get("/statuses/{status_id:str}/favourited_by")
    async def favourited_by(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        """Open to visitors for a status they may see; a presented token must allow
        reading accounts (Mastodon's ``authorize_if_got_token!``)."""
        viewer_id = reader(viewer, "read:accounts")
        page = (await params(request, Page)).bounded()
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, viewer_id)
            likes = page.newest_first(await interactions.favourited_by(conn, row["id"], page))
            return await account_page(conn, request, likes, svc.settings)
