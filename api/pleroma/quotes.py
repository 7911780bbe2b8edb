"""Pleroma's list of the statuses quoting one (``/api/v1/pleroma/statuses/:id/quotes``)."""

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer
from tidings.api.entities.status import Status
from tidings.api.mastodon.statuses import reader, render_page, visible_status
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.projections import statuses


class QuotesController(Controller):
    path = "/api/v1/pleroma/statuses"

    @get("/{status_id:str}/quotes")
    async def quotes(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Status]]:
        """Newest first; a quote the viewer may not see is left out, while the Link header
        still pages past it, so no page repeats and none is skipped."""
        viewer_id = reader(viewer)
        page = (await params(request, Page)).bounded()
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, viewer_id)
            rows = page.newest_first(await statuses.quotes_of(conn, row["id"], page))
            shown = await statuses.visible(conn, rows, viewer_id)
            rendered = await render_page(conn, shown, viewer_id, svc.settings)
        return Response(rendered, headers=link_header(request, [r["id"] for r in rows]))
