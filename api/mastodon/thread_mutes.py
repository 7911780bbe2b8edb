"""Muting a conversation: its statuses leave the reader's timelines (unless they ask for
``with_muted``) and render ``muted``; Pleroma's ``expires_in`` lets a mute lapse."""

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import render_page, visible_status
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.thread_mutes.commands import MuteConversation, UnmuteConversation
from tidings.projections import statuses

MAX_EXPIRES_IN = 100 * 365 * 24 * 3600  # a century: beyond it a date no longer fits


class MuteIn(msgspec.Struct, kw_only=True):
    expires_in: int | None = None  # seconds; Pleroma's 0 (the default) mutes for good


def _expiry(expires_in: int | None) -> datetime | None:
    if not expires_in:
        return None
    if expires_in < 0 or expires_in > MAX_EXPIRES_IN:
        raise ApiError(422, "Validation failed: expires_in must be a number of seconds from now")
    return datetime.now(UTC) + timedelta(seconds=expires_in)


async def _answer(svc: Services, status_id: str, viewer_id: str) -> Status:
    async with svc.pool.connection() as conn:
        row = await statuses.by_id(conn, status_id)
        if row is None:  # deleted between the write and this read
            raise not_found()
        return (await render_page(conn, [row], viewer_id, svc.settings))[0]


class ThreadMutesController(Controller):
    path = "/api/v1/statuses/{status_id:str}"

    @post("/mute", guards=[scope("write:mutes"), rate_limited("write")], status_code=200)
    async def mute(
        self,
        request: Request[Any, Any, Any],
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        """Muting a muted thread again records nothing (Mastodon; Pleroma answers 400), and
        a new ``expires_in`` replaces the old expiry."""
        expires_at = _expiry((await params(request, MuteIn)).expires_in)
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, user.user_id)
        await svc.execute(
            MuteConversation(
                account_id=user.user_id,
                status_id=row["id"],
                conversation_id=row["conversation_id"],
                expires_at=expires_at,
            )
        )
        return await _answer(svc, row["id"], user.user_id)

    @post("/unmute", guards=[scope("write:mutes"), rate_limited("write")], status_code=200)
    async def unmute(
        self,
        status_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Status:
        async with svc.pool.connection() as conn:
            row = await visible_status(conn, status_id, user.user_id)
        await svc.execute(
            UnmuteConversation(
                account_id=user.user_id,
                status_id=row["id"],
                conversation_id=row["conversation_id"],
            )
        )
        return await _answer(svc, row["id"], user.user_id)
