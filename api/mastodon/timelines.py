"""The home and public timelines, paged by id with Link headers."""

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency

from tidings.api.auth import Viewer, scope
from tidings.api.entities.status import Status
from tidings.api.mastodon.statuses import reader, render_page
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.addressing import VISIBILITIES
from tidings.projections import home_timeline, statuses


class TimelineIn(Page, kw_only=True):
    local: bool = False
    remote: bool = False  # every status here is local: a remote-only timeline is empty
    only_media: bool = False  # no status has media yet
    exclude_visibilities: list[str] | str = []

    def excluded(self) -> list[str]:
        given = self.exclude_visibilities
        return [v for v in ([given] if isinstance(given, str) else given) if v in VISIBILITIES]


def _nothing_matches(payload: TimelineIn) -> bool:
    return payload.remote or payload.only_media


def _page(request: Request[Any, Any, Any], rows: list[Status]) -> Response[list[Status]]:
    return Response(rows, headers=link_header(request, [s.id for s in rows]))


class TimelinesController(Controller):
    path = "/api/v1/timelines"

    @get("/home", guards=[scope("read:statuses")])
    async def home(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        payload = await params(request, TimelineIn)
        page = payload.bounded()
        if _nothing_matches(payload):
            return _page(request, [])
        async with svc.pool.connection() as conn:
            rows = await home_timeline.page(conn, user.user_id, page, payload.excluded())
            rows = await statuses.visible(conn, page.newest_first(rows), user.user_id)
            rendered = await render_page(conn, rows, user.user_id, svc.settings)
        return _page(request, rendered)

    @get("/public")
    async def public(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Status]]:
        """Open to visitors; signed-in readers also see local-only posts, as on Pleroma."""
        viewer_id = reader(viewer)
        payload = await params(request, TimelineIn)
        page = payload.bounded()
        if _nothing_matches(payload):
            return _page(request, [])
        excluded = payload.excluded()
        if "public" in excluded:
            return _page(request, [])
        with_local = viewer_id is not None and "local" not in excluded
        async with svc.pool.connection() as conn:
            rows = await statuses.public(conn, page, with_local)
            rows = await statuses.visible(conn, page.newest_first(rows), viewer_id)
            rendered = await render_page(conn, rows, viewer_id, svc.settings)
        return _page(request, rendered)
