"""Notifications: Mastodon's list, show, dismiss and clear, Pleroma's read and
destroy_multiple, and ``created_by`` for the streaming of new notifications."""

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import render_account
from tidings.api.entities.common import iso
from tidings.api.entities.notification import Notification, NotificationPleroma
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import render_page
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.domain.ids import is_flake
from tidings.domain.notifications.commands import (
    ClearNotifications,
    DismissNotifications,
    ReadNotifications,
)
from tidings.projections import accounts, statuses
from tidings.projections import notifications as queries
from tidings.projections.timelines import ALL_VISIBILITIES

MOST_READ = 80  # the seeds: "only the first 80 read notifications will be returned"
MOST_IDS = 100


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else value


class NotificationsIn(Page, kw_only=True):
    types: list[str] | str = []  # Mastodon
    include_types: list[str] | str = []  # Pleroma; the two together mean either
    exclude_types: list[str] | str = []
    exclude_visibilities: list[str] | str = []
    account_id: str | None = None
    with_muted: bool = False

    def filters(self) -> queries.Filters:
        """Unknown type names match nothing, as Mastodon has it (clients send types
        of newer servers); an unknown visibility is refused as Pleroma refuses it."""
        excluded = _listed(self.exclude_visibilities)
        for value in excluded:
            if value not in ALL_VISIBILITIES:
                # Pleroma checks it against its OpenAPI spec and answers 400 in these words.
                raise ApiError(400, f"{value} - Invalid value for enum.")
        wanted = [*_listed(self.types), *_listed(self.include_types)]
        return queries.Filters(
            types=list(dict.fromkeys(wanted)) or None,
            exclude_types=_listed(self.exclude_types),
            exclude_visibilities=excluded,
            account_id=self.account_id or None,
            with_muted=self.with_muted,
        )


class IdIn(msgspec.Struct, kw_only=True):
    id: str | None = None


class IdsIn(msgspec.Struct, kw_only=True):
    ids: list[str] | str = []


class ReadIn(msgspec.Struct, kw_only=True):
    id: str | None = None
    max_id: str | None = None


class Empty(msgspec.Struct):
    pass


class UnreadCount(msgspec.Struct, kw_only=True):
    count: int


async def render_notifications(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], viewer_id: str, settings: Settings
) -> list[Notification]:
    """Rows of one recipient, in their order. The status is rendered for the recipient as
    every status is (``render_page``); one they may no longer see (a private post of an
    account they stopped following) takes its notification out of the answer."""
    status_rows = list(
        (
            await statuses.by_ids(conn, sorted({r["status_id"] for r in rows if r["status_id"]}))
        ).values()
    )
    shown = await statuses.visible(conn, status_rows, viewer_id)
    rendered: dict[str, Status] = {
        s.id: s for s in await render_page(conn, shown, viewer_id, settings)
    }
    senders = await accounts.by_ids(conn, sorted({r["from_account_id"] for r in rows}))
    out: list[Notification] = []
    for row in rows:
        sender = senders.get(row["from_account_id"])
        if sender is None or sender["deactivated"]:
            continue
        status: Status | msgspec.UnsetType = msgspec.UNSET
        if row["status_id"] is not None:
            if row["status_id"] not in rendered:
                continue
            status = rendered[row["status_id"]]
        out.append(
            Notification(
                id=row["id"],
                type=row["type"],
                created_at=iso(row["created_at"]),
                account=render_account(sender, settings),
                status=status,
                group_key=f"ungrouped-{row['id']}",
                pleroma=NotificationPleroma(
                    is_seen=bool(row["is_seen"]), is_muted=bool(row["is_muted"])
                ),
            )
        )
    return out


async def created_by(
    conn: AsyncConnection[Any], notification_id: int, settings: Settings
) -> list[tuple[str, Notification]]:
    """For streaming: the notifications the event at log position ``notification_id``
    made, as (recipient account id, entity rendered for that recipient). Each recipient's
    blocks, mutes, muted threads and strangers setting apply as in their list, so what
    streams is what the list shows. ``conn`` must return dict rows (the API pool's do)."""
    return await _per_recipient(conn, await queries.created_by(conn, notification_id), settings)


async def came_due(
    conn: AsyncConnection[Any], after: datetime, until: datetime, settings: Settings
) -> list[tuple[str, Notification]]:
    """For streaming: the notifications no event makes when they show, polls' ends, that
    came due in (``after``, ``until``]; a streamer ticking every second or so passes the
    last tick's time and now. Same shape and rules as ``created_by``."""
    return await _per_recipient(conn, await queries.came_due(conn, after, until), settings)


async def _per_recipient(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], settings: Settings
) -> list[tuple[str, Notification]]:
    by_recipient: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_recipient.setdefault(row["account_id"], []).append(row)
    out: list[tuple[str, Notification]] = []
    for account_id, mine in by_recipient.items():
        for entity in await render_notifications(conn, mine, account_id, settings):
            out.append((account_id, entity))
    return out


async def _one(svc: Services, viewer_id: str, notification_id: str) -> dict[str, Any]:
    async with svc.pool.connection() as conn:
        found = await queries.by_ids(conn, viewer_id, [notification_id])
    if not found:
        raise not_found()
    return found[0]


def _ids(value: list[str] | str) -> list[str]:
    given = _listed(value)
    if len(given) > MOST_IDS:
        raise ApiError(422, f"Validation failed: at most {MOST_IDS} ids")
    return [i for i in dict.fromkeys(given) if is_flake(i)]


class NotificationsController(Controller):
    path = "/api/v1/notifications"

    @get("/", guards=[scope("read:notifications")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Notification]]:
        payload = await params(request, NotificationsIn)
        filters = payload.filters()
        page = payload.bounded(default=20, most=80)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await queries.page(conn, user.user_id, page, filters))
            rendered = await render_notifications(conn, rows, user.user_id, svc.settings)
        return Response(rendered, headers=link_header(request, [r["id"] for r in rows]))

    @get("/unread_count", guards=[scope("read:notifications")])
    async def unread_count(
        self, svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> UnreadCount:
        """Mastodon 4.3's badge count: the unread the list would show."""
        async with svc.pool.connection() as conn:
            return UnreadCount(count=await queries.unread_count(conn, user.user_id))

    @get("/{notification_id:str}", guards=[scope("read:notifications")])
    async def show(
        self,
        notification_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Notification:
        row = await _one(svc, user.user_id, notification_id)
        async with svc.pool.connection() as conn:
            rendered = await render_notifications(conn, [row], user.user_id, svc.settings)
        if not rendered:
            raise not_found()
        return rendered[0]

    @post(
        "/{notification_id:str}/dismiss",
        guards=[scope("write:notifications"), rate_limited("write")],
        status_code=200,
    )
    async def dismiss(
        self,
        notification_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Empty:
        await _one(svc, user.user_id, notification_id)
        await svc.execute(DismissNotifications(account_id=user.user_id, ids=[notification_id]))
        return Empty()

    @post(
        "/dismiss",
        guards=[scope("write:notifications"), rate_limited("write")],
        status_code=200,
    )
    async def dismiss_by_param(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Empty:
        """Pleroma's older form, the id as a parameter."""
        payload = await params(request, IdIn)
        if not payload.id:
            raise ApiError(422, "Validation failed: id is required")
        await _one(svc, user.user_id, payload.id)
        await svc.execute(DismissNotifications(account_id=user.user_id, ids=[payload.id]))
        return Empty()

    @post(
        "/clear",
        guards=[scope("write:notifications"), rate_limited("write")],
        status_code=200,
    )
    async def clear(self, svc: NamedDependency[Services], user: NamedDependency[Viewer]) -> Empty:
        """Clearing nothing (a retried request) records nothing."""
        async with svc.pool.connection() as conn:
            anything = await queries.has_any(conn, user.user_id)
        if anything:
            await svc.execute(ClearNotifications(account_id=user.user_id))
        return Empty()

    @delete(
        "/destroy_multiple",
        guards=[scope("write:notifications"), rate_limited("write")],
        status_code=200,
    )
    async def destroy_multiple(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Empty:
        """Ids that are not the reader's notifications are passed over, as Mastodon's
        ``where(id:).destroy_all`` passes them over."""
        wanted = _ids((await params(request, IdsIn)).ids)
        async with svc.pool.connection() as conn:
            found = [r["id"] for r in await queries.by_ids(conn, user.user_id, wanted)]
        if found:
            await svc.execute(DismissNotifications(account_id=user.user_id, ids=found))
        return Empty()


class PleromaNotificationsController(Controller):
    path = "/api/v1/pleroma/notifications"

    @post(
        "/read",
        guards=[scope("write:notifications"), rate_limited("write")],
        status_code=200,
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Notification | list[Notification]:
        """``id`` answers the one notification, ``max_id`` the (at most 80) it marked."""
        payload = await params(request, ReadIn)
        if bool(payload.id) == bool(payload.max_id):
            raise ApiError(400, "Give either id or max_id")
        if payload.id:
            async with svc.pool.connection() as conn:
                if not await queries.by_ids(conn, user.user_id, [payload.id]):
                    raise ApiError(400, "Cannot get notification")
            await svc.execute(ReadNotifications(account_id=user.user_id, id=payload.id))
            one = await _rendered(svc, user.user_id, [payload.id])
            if not one:  # its sender went or its status was deleted meanwhile
                raise ApiError(400, "Cannot get notification")
            return one[0]
        max_id = payload.max_id or ""
        async with svc.pool.connection() as conn:
            marked = await queries.unseen_up_to(conn, user.user_id, max_id, MOST_READ)
        await svc.execute(ReadNotifications(account_id=user.user_id, max_id=max_id))
        return await _rendered(svc, user.user_id, marked)


async def _rendered(svc: Services, viewer_id: str, ids: list[str]) -> list[Notification]:
    async with svc.pool.connection() as conn:
        rows = await queries.by_ids(conn, viewer_id, ids)
        return await render_notifications(conn, rows, viewer_id, svc.settings)
