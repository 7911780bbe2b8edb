"""Pleroma's favourites of another account, for profiles: open to visitors, closed when
the account hides them (Pleroma's ``hide_favorites``, on unless turned off)."""

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError
from tidings.api.mastodon.accounts import _account_row
from tidings.api.mastodon.statuses import render_page
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.oauth.aggregates import grants
from tidings.projections import interactions, statuses


class AccountFavouritesController(Controller):
    path = "/api/v1/pleroma/accounts"

    @get("/{account_ref:str}/favourites")
    async def favourites(
        self,
        request: Request[Any, Any, Any],
        account_ref: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Status]]:
        """Paged by the favourites' own ids; statuses the reader may not see are left out
        of the page. A token without ``read:favourites`` reads as a visitor, as Pleroma's
        scope check falls back to an unauthenticated request."""
        viewer_id = None
        if viewer is not None and grants(viewer.scopes, "read:favourites"):
            viewer_id = viewer.account_id
        page = (await params(request, Page)).bounded()
        async with svc.pool.connection() as conn:
            account = await _account_row(conn, account_ref)
            hidden = (account.get("preferences") or {}).get("hide_favorites", True)
            if hidden and viewer_id != account["id"]:
                raise ApiError(403, "Can't get favorites")
            rows = page.newest_first(await interactions.favourites(conn, account["id"], page))
            shown = await statuses.visible(conn, rows, viewer_id)
            rendered = await render_page(conn, shown, viewer_id, svc.settings)
        return Response(rendered, headers=link_header(request, [r["page_id"] for r in rows]))
