"""Pleroma's notification settings, at both of its paths."""

from typing import Any

import msgspec
from litestar import Controller, Request, put
from litestar.di import NamedDependency

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.notifications.commands import ChangeNotificationSettings


class SettingsIn(msgspec.Struct, kw_only=True):
    block_from_strangers: bool | None = None
    hide_notification_contents: bool | None = None


class Success(msgspec.Struct, kw_only=True):
    status: str = "success"


async def _change(request: Request[Any, Any, Any], svc: Services, user: Viewer) -> Success:
    """Settings not given keep their value; Pleroma takes them from the query string
    (its own tests do) as well as from a body."""
    payload = await params(request, SettingsIn)
    await svc.execute(
        ChangeNotificationSettings(
            account_id=user.user_id,
            block_from_strangers=payload.block_from_strangers,
            hide_notification_contents=payload.hide_notification_contents,
        )
    )
    return Success()


class NotificationSettingsController(Controller):
    path = "/api/v1/pleroma/notification_settings"

    @put("/", guards=[scope("write:accounts"), rate_limited("write")], status_code=200)
    async def change(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Success:
        return await _change(request, svc, user)


class LegacyNotificationSettingsController(Controller):
    path = "/api/pleroma/notification_settings"

    @put("/", guards=[scope("write:accounts"), rate_limited("write")], status_code=200)
    async def change(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Success:
        return await _change(request, svc, user)
