"""An account's statuses, as each reader may see them: visitors the public and unlisted
ones, followers the private ones too, mentioned accounts the ones that mention them."""

from dataclasses import replace
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer
from tidings.api.entities.status import Status
from tidings.api.mastodon.accounts import _account_row
from tidings.api.mastodon.statuses import reader, render_page
from tidings.api.mastodon.timelines import TimelineIn
from tidings.api.pagination import link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.projections import statuses
from tidings.projections import timelines as queries
from tidings.projections.relationships import following_ids


class AccountStatusesIn(TimelineIn, kw_only=True):
    exclude_replies: bool = False
    exclude_reblogs: bool = False
    pinned: bool = False  # the pinned ones alone, newest pin first, paged by pin
    exclude_direct: bool = False  # Mastodon.py's: the same as exclude_visibilities[]=direct
    tagged: str | None = None


class AccountStatusesController(Controller):
    path = "/api/v1/accounts"

    @get("/{account_ref:str}/statuses")
    async def statuses(
        self,
        request: Request[Any, Any, Any],
        account_ref: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Status]]:
        """By id, as Mastodon, or by nickname, as Pleroma also allows. Open to visitors;
        a presented token must allow reading statuses."""
        viewer_id = reader(viewer)
        payload = await params(request, AccountStatusesIn)
        page = payload.bounded()
        filters = replace(
            payload.filters(viewer_id),
            exclude_replies=payload.exclude_replies,
            exclude_reblogs=payload.exclude_reblogs,
            author_shut_out=False,
            tagged=payload.tagged.strip().removeprefix("#").lower() if payload.tagged else None,
        )
        if payload.exclude_direct:
            filters.exclude = [*filters.exclude, "direct"]
        async with svc.pool.connection() as conn:
            author = await _account_row(conn, account_ref)
            if payload.only_media or payload.remote:
                return Response([])
            if payload.pinned:
                pins = page.newest_first(await statuses.pinned_page(conn, author["id"], page))
                shown_pins = await statuses.visible(conn, pins, viewer_id)
                rendered = await render_page(conn, shown_pins, viewer_id, svc.settings)
                pin_ids = [p["page_id"] for p in pins]
                return Response(rendered, headers=link_header(request, pin_ids))
            follows = viewer_id is not None and bool(
                await following_ids(conn, viewer_id, [author["id"]])
            )
            shown = queries.visible_from(author["id"], viewer_id, follows)
            rows = await queries.by_account(conn, author["id"], page, shown, filters.condition())
            # The one rule again over the page: the SQL above only chose what to fetch.
            rows = await statuses.visible(conn, page.newest_first(rows), viewer_id)
            rendered = await render_page(conn, rows, viewer_id, svc.settings)
        return Response(rendered, headers=link_header(request, [s.id for s in rendered]))
