"""Scheduled statuses: POST /api/v1/statuses with ``scheduled_at`` prepares the post now
and a job publishes it at its time; these endpoints list, show, move and cancel them,
for their author only (anyone else's is a 404, as Mastodon scopes them to the account)."""

from datetime import UTC, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.scheduled_status import ScheduledStatus, render_scheduled
from tidings.api.errors import ApiError, not_found
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.ids import is_flake, new_id
from tidings.domain.scheduled.commands import (
    CancelScheduledStatus,
    RescheduleStatus,
    ScheduleStatus,
)
from tidings.domain.scheduled.events import PreparedPost
from tidings.domain.statuses.commands import PostStatus
from tidings.projections import scheduled_statuses

MALFORMED = "Validation failed: scheduled_at must be an ISO 8601 date and time"


def parse_time(text: str) -> datetime:
    """ISO 8601 as clients send it (``Z`` or an offset; a bare time is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(text.strip())
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # out of range once in UTC, at either end of time
        raise ApiError(422, MALFORMED) from None


async def schedule(
    svc: Services,
    command: PostStatus,
    scheduled_at: datetime,
    expires_in: int | None,
    idempotency: str | None,
) -> str:
    """The post as ``create`` prepared it, kept to be published at ``scheduled_at``;
    returns the scheduled status's id."""
    scheduled_id = new_id()
    post = PreparedPost(
        content=command.content,
        source=command.source,
        content_type=command.content_type,
        visibility=command.visibility,
        spoiler_text=command.spoiler_text,
        sensitive=command.sensitive,
        language=command.language,
        in_reply_to_id=command.in_reply_to_id,
        in_reply_to_account_id=command.in_reply_to_account_id,
        conversation_id=command.conversation_id,
        mentions=command.mentions,
        tags=command.tags,
        app_id=command.app_id,
        addressed=command.addressed,
        list_id=command.list_id,
        emojis=command.emojis,
        quote_id=command.quote_id,
        expires_in=expires_in,
        poll=command.poll,
        idempotency=idempotency,
    )
    await svc.execute(
        ScheduleStatus(
            scheduled_id=scheduled_id,
            account_id=command.account_id,
            scheduled_at=scheduled_at,
            post=post,
            now=datetime.now(UTC),
        )
    )
    return scheduled_id


async def answer(svc: Services, account_id: str, scheduled_id: str) -> ScheduledStatus:
    async with svc.pool.connection() as conn:
        row = await scheduled_statuses.by_id(conn, account_id, scheduled_id)
    if row is None:  # published or canceled between the write and this read
        raise not_found()
    return render_scheduled(row)


class RescheduleIn(msgspec.Struct, kw_only=True):
    scheduled_at: str | None = None


class ScheduledStatusesController(Controller):
    path = "/api/v1/scheduled_statuses"

    @get("/", guards=[scope("read:statuses")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[ScheduledStatus]]:
        page = (await params(request, Page)).bounded(default=20, most=40)
        async with svc.pool.connection() as conn:
            rows = await scheduled_statuses.of_account(conn, user.user_id, page)
        rows = page.newest_first(rows)
        return Response(
            [render_scheduled(r) for r in rows],
            headers=link_header(request, [r["id"] for r in rows]),
        )

    @get("/{scheduled_id:str}", guards=[scope("read:statuses")])
    async def show(
        self,
        scheduled_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> ScheduledStatus:
        if not is_flake(scheduled_id):
            raise not_found()
        return await answer(svc, user.user_id, scheduled_id)

    @put("/{scheduled_id:str}", guards=[scope("write:statuses"), rate_limited("write")])
    async def update(
        self,
        scheduled_id: FromPath[str],
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> ScheduledStatus:
        """Moves the time, by Mastodon's rule: at least five minutes ahead."""
        if not is_flake(scheduled_id):
            raise not_found()
        payload = await params(request, RescheduleIn)
        if not payload.scheduled_at:
            raise ApiError(422, "Validation failed: scheduled_at is required")
        await svc.execute(
            RescheduleStatus(
                scheduled_id=scheduled_id,
                account_id=user.user_id,
                scheduled_at=parse_time(payload.scheduled_at),
                now=datetime.now(UTC),
            )
        )
        return await answer(svc, user.user_id, scheduled_id)

    @delete(
        "/{scheduled_id:str}",
        guards=[scope("write:statuses"), rate_limited("write")],
        status_code=200,
    )
    async def cancel(
        self,
        scheduled_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        """Mastodon answers an empty object."""
        if not is_flake(scheduled_id):
            raise not_found()
        await svc.execute(CancelScheduledStatus(scheduled_id=scheduled_id, account_id=user.user_id))
        return {}
