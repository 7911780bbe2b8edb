"""Mastodon's markers (home and notifications), with Pleroma's unread count on the
notifications marker."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.common import iso
from tidings.api.entities.marker import Marker, MarkerPleroma
from tidings.api.errors import ApiError
from tidings.api.params import raw_params
from tidings.api.services import Services
from tidings.domain.notifications.aggregates import TIMELINES
from tidings.domain.notifications.commands import SetMarkers
from tidings.projections import notifications as queries


class MarkersIn(msgspec.Struct, kw_only=True):
    timeline: list[str] | str = []


async def markers(
    conn: AsyncConnection[Any], account_id: str, timelines: list[str]
) -> dict[str, Marker]:
    """The markers that were ever set, of the timelines asked for (Mastodon leaves the
    others out)."""
    out: dict[str, Marker] = {}
    for row in await queries.markers_of(conn, account_id, timelines):
        marker = Marker(
            last_read_id=row["last_read_id"],
            version=row["version"],
            updated_at=iso(row["updated_at"]),
        )
        if row["timeline"] == "notifications":
            marker.pleroma = MarkerPleroma(
                unread_count=await queries.unread_count(conn, account_id)
            )
        out[row["timeline"]] = marker
    return out


def _positions(values: dict[str, Any]) -> dict[str, str]:
    """``home[last_read_id]=..`` as forms send it, or ``{"home": {"last_read_id": ..}}``;
    other keys (Mastodon.py's own) are passed over, as Mastodon permits only the two."""
    wanted: dict[str, str] = {}
    for timeline in TIMELINES:
        given = values.get(timeline)
        if given is None:
            continue
        last_read_id = given.get("last_read_id") if isinstance(given, dict) else None
        if not isinstance(last_read_id, str | int) or not str(last_read_id):
            raise ApiError(422, f"Validation failed: {timeline}[last_read_id] can't be blank")
        wanted[timeline] = str(last_read_id)
    return wanted


class MarkersController(Controller):
    path = "/api/v1/markers"

    @get("/", guards=[scope("read:statuses")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Marker]:
        values = await raw_params(request)
        asked = values.get("timeline", [])
        timelines = [asked] if isinstance(asked, str) else list(asked)
        async with svc.pool.connection() as conn:  # none asked: none answered, as Mastodon
            return await markers(conn, user.user_id, timelines)

    @post("/", guards=[scope("write:statuses"), rate_limited("write")], status_code=200)
    async def save(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Marker]:
        wanted = _positions(await raw_params(request))
        if wanted:
            await svc.execute(SetMarkers(account_id=user.user_id, markers=wanted))
        async with svc.pool.connection() as conn:
            return await markers(conn, user.user_id, list(wanted))
