"""Pinning statuses to the author's profile (Mastodon's featured statuses)."""

from typing import Any

from litestar import Controller, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import render_page, visible_status
from tidings.api.services import Services
from tidings.domain.pins.commands import PinStatus, UnpinStatus
from tidings.projections import statuses

# Mastodon's message; the domain refuses a reblog's id too (it names no status stream), but
# only the read model knows it is a reblog, so this clearer answer is given here.
A_BOOST = "Validation failed: A boost cannot be pinned"


async def _answer(svc: Services, status_id: str, viewer_id: str) -> Status:
    async with svc.pool.connection() as conn:
        row = await statuses.by_id(conn, status_id)
        rendered = await render_page(conn, [row] if row else [], viewer_id, svc.settings)
    if not rendered:  # deleted between the write and this read
        raise not_found()
    return rendered[0]


async def _visible(svc: Services, status_id: str, viewer_id: str) -> dict[str, Any]:
    async with svc.pool.connection() as conn:
        return await visible_status(conn, status_id, viewer_id)


class PinsController(Controller):
    path = "/api/v1/statuses/{status_id:str}"

    @post("/pin", guards=[scope("write:accounts"), rate_limited("write")], status_code=200)
    async def pin(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        row = await _visible(svc, status_id, user.user_id)
        if row["reblog_of_id"]:
            raise ApiError(422, A_BOOST)
        await svc.execute(
            PinStatus(
                account_id=user.user_id,
                status_id=row["id"],
                max_pinned=svc.settings.max_pinned_statuses,
            )
        )
        return await _answer(svc, row["id"], user.user_id)

    @post("/unpin", guards=[scope("write:accounts"), rate_limited("write")], status_code=200)
    async def unpin(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        """Unpinning what is not pinned answers the status unchanged."""
        row = await _visible(svc, status_id, user.user_id)
        await svc.execute(UnpinStatus(account_id=user.user_id, status_id=row["id"]))
        return await _answer(svc, row["id"], user.user_id)
