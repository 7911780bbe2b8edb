"""The home, public, tag and direct timelines, paged by id with Link headers."""

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, scope
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError
from tidings.api.mastodon.statuses import reader, render_page
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.projections import home_timeline, statuses
from tidings.projections import timelines as queries
from tidings.projections.timelines import ALL_VISIBILITIES, Filters

REPLY_VISIBILITIES = ("following", "self")


def _invalid_enum(name: str) -> ApiError:
    # Pleroma checks parameters against its OpenAPI spec and answers 400 in these words.
    return ApiError(400, f"{name} - Invalid value for enum.")


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else value


class TimelineIn(Page, kw_only=True):
    local: bool = False
    remote: bool = False  # every status here is local: a remote-only timeline is empty
    # No status can carry media yet (posting media_ids is refused), so none matches.
    only_media: bool = False
    exclude_visibilities: list[str] | str = []
    with_muted: bool = False
    reply_visibility: str | None = None
    instance: str | None = None

    def excluded(self) -> list[str]:
        given = _listed(self.exclude_visibilities)
        for value in given:
            if value not in ALL_VISIBILITIES:  # Pleroma's VisibilityScope, ``list`` included
                raise _invalid_enum(value)
        return given

    def filters(self, viewer_id: str | None, *, replies: bool = False) -> Filters:
        """``replies``: whether ``reply_visibility`` applies (home and public, as Pleroma)."""
        if self.reply_visibility and self.reply_visibility not in REPLY_VISIBILITIES:
            raise _invalid_enum("reply_visibility")
        return Filters(
            viewer_id=viewer_id,
            exclude=self.excluded(),
            with_muted=self.with_muted,
            reply_visibility=self.reply_visibility if replies else None,
        )


class TagTimelineIn(TimelineIn, kw_only=True):
    any: list[str] | str = []
    all: list[str] | str = []
    none: list[str] | str = []


def nothing_matches(payload: TimelineIn) -> bool:
    return payload.remote or payload.only_media


def _page(request: Request[Any, Any, Any], rows: list[Status]) -> Response[list[Status]]:
    return Response(rows, headers=link_header(request, [s.id for s in rows]))


def _tags(values: list[str] | str) -> list[str]:
    """Tags match whatever their case, and with or without the leading #."""
    return [t.strip().removeprefix("#").lower() for t in _listed(values) if t.strip("# ")]


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
        filters = payload.filters(user.user_id, replies=True)
        if nothing_matches(payload):
            return _page(request, [])
        async with svc.pool.connection() as conn:
            # The filters' condition carries exclude_visibilities too.
            rows = await home_timeline.page(conn, user.user_id, page, [], filters.condition())
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
        """Open to visitors; signed-in readers also see local-only posts, as on Pleroma.
        Every status here is local, so ``local=true`` changes nothing and ``instance``
        matches this server's own domain only."""
        viewer_id = reader(viewer)
        payload = await params(request, TimelineIn)
        page = payload.bounded()
        filters = payload.filters(viewer_id, replies=True)
        elsewhere = payload.instance and payload.instance.lower() != svc.settings.domain.lower()
        if nothing_matches(payload) or elsewhere or "public" in filters.exclude:
            return _page(request, [])
        with_local = viewer_id is not None and "local" not in filters.exclude
        async with svc.pool.connection() as conn:
            rows = await statuses.public(conn, page, with_local, filters.condition())
            rows = await statuses.visible(conn, page.newest_first(rows), viewer_id)
            rendered = await render_page(conn, rows, viewer_id, svc.settings)
        return _page(request, rendered)

    @get("/tag/{hashtag:str}")
    async def tag(
        self,
        request: Request[Any, Any, Any],
        hashtag: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Status]]:
        """Public statuses with the tag or any of ``any[]``, all of ``all[]`` and none of
        ``none[]``; open to visitors, with local-only ones for signed-in readers."""
        viewer_id = reader(viewer)
        payload = await params(request, TagTimelineIn)
        page = payload.bounded()
        filters = payload.filters(viewer_id)
        any_of = _tags([hashtag, *_listed(payload.any)])
        if nothing_matches(payload) or not any_of or "public" in filters.exclude:
            return _page(request, [])
        with_local = viewer_id is not None and "local" not in filters.exclude
        async with svc.pool.connection() as conn:
            rows = await queries.tagged(
                conn,
                page,
                any_of,
                _tags(payload.all),
                _tags(payload.none),
                with_local,
                filters.condition(),
            )
            rows = await statuses.visible(conn, page.newest_first(rows), viewer_id)
            rendered = await render_page(conn, rows, viewer_id, svc.settings)
        return _page(request, rendered)

    @get("/direct", guards=[scope("read:statuses")])
    async def direct(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        """Direct statuses the reader wrote or is addressed by, newest first. Mastodon
        removed it in 3.0; Pleroma and its clients still use it."""
        payload = await params(request, TimelineIn)
        page = payload.bounded()
        filters = payload.filters(user.user_id)
        if nothing_matches(payload) or "direct" in filters.exclude:
            return _page(request, [])
        async with svc.pool.connection() as conn:
            rows = await queries.direct(conn, user.user_id, page, filters.condition())
            rows = await statuses.visible(conn, page.newest_first(rows), user.user_id)
            rendered = await render_page(conn, rows, user.user_id, svc.settings)
        return _page(request, rendered)
