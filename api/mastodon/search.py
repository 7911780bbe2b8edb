"""Mastodon's v2 search: local accounts, statuses by their text, and hashtags, each only
among what the reader may see. No federation yet, so ``resolve`` finds nothing more."""

from typing import Any

import msgspec
from litestar import Controller, Request, get
from litestar.di import NamedDependency
from psycopg import AsyncConnection

from tidings.api.auth import Viewer
from tidings.api.entities.account import Account, render_account
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError
from tidings.api.formatting import tag_url
from tidings.api.mastodon.statuses import render_page
from tidings.api.pagination import Page
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.ids import is_flake
from tidings.domain.oauth.aggregates import grants
from tidings.projections import accounts, statuses
from tidings.projections import search as searching

TYPES = ("accounts", "statuses", "hashtags")


class SearchIn(msgspec.Struct, kw_only=True):
    q: str
    type: str | None = None
    resolve: bool = False
    following: bool = False
    account_id: str | None = None
    exclude_unreviewed: bool = False
    max_id: str | None = None
    min_id: str | None = None
    limit: int = 20
    offset: int = 0


class Hashtag(msgspec.Struct, kw_only=True):
    name: str
    url: str
    history: list[dict[str, Any]]


class Results(msgspec.Struct, kw_only=True):
    accounts: list[Account]
    statuses: list[Status]
    hashtags: list[Hashtag]


class SearchController(Controller):
    path = "/api/v2/search"

    @get("/")
    async def search(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Results:
        """Open to visitors, as on Pleroma; a token without ``read:search`` searches as a
        visitor, as Pleroma's scope check falls back to an unauthenticated request."""
        payload = await params(request, SearchIn)
        if payload.type is not None and payload.type not in TYPES:
            raise ApiError(400, "type - Invalid value for enum.")  # Pleroma's words
        if payload.offset < 0:
            raise ApiError(422, "Validation failed: offset must not be negative")
        viewer_id = None
        if viewer is not None and grants(viewer.scopes, "read:search"):
            viewer_id = viewer.account_id
        if payload.following and viewer_id is None:
            raise ApiError(401, "following=true needs a signed-in user")
        limit = max(1, min(payload.limit, 40))
        wanted = [payload.type] if payload.type else list(TYPES)
        query = payload.q.strip()
        found = Results(accounts=[], statuses=[], hashtags=[])
        if not query:
            return found
        async with svc.pool.connection() as conn:
            if "accounts" in wanted:
                found.accounts = await _accounts(conn, svc, query, payload, viewer_id, limit)
            if "statuses" in wanted:
                page = Page(max_id=payload.max_id, min_id=payload.min_id, limit=limit).bounded()
                author = payload.account_id if payload.account_id else None
                if author is not None and not is_flake(author):
                    rows = []
                else:
                    rows = page.newest_first(
                        await searching.statuses(
                            conn, query, viewer_id, page, payload.offset, author
                        )
                    )
                    # The one rule again over the page: the SQL above only chose what to fetch.
                    rows = await statuses.visible(conn, rows, viewer_id)
                found.statuses = await render_page(conn, rows, viewer_id, svc.settings)
            if "hashtags" in wanted:
                prefix = query.removeprefix("#").lower()
                names = await searching.hashtags(conn, prefix, viewer_id, limit, payload.offset)
                found.hashtags = [
                    Hashtag(name=n, url=tag_url(svc.settings, n), history=[]) for n in names
                ]
        return found


async def _accounts(
    conn: AsyncConnection[Any],
    svc: Services,
    query: str,
    payload: SearchIn,
    viewer_id: str | None,
    limit: int,
) -> list[Account]:
    username, _, domain = query.removeprefix("@").partition("@")
    if not username or (domain and domain.lower() != svc.settings.domain.lower()):
        return []  # no federation yet: only local accounts can match
    rows = await accounts.search(
        conn,
        username,
        limit,
        payload.offset,
        followed_by=viewer_id if payload.following else None,
    )
    return [render_account(row, svc.settings) for row in rows]
