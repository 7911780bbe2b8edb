"""Mastodon's instance endpoints with Pleroma's extras, custom emoji, and the endpoints
Pleroma documents as "not implemented" (answered exactly as its differences document says)."""

from litestar import Controller, get
from litestar.di import NamedDependency

from tidings.api.entities.account import render_account
from tidings.api.entities.instance import (
    CustomEmoji,
    Figures,
    Instance,
    InstanceV2,
    Rule,
    render_instance,
    render_instance_v2,
)
from tidings.api.errors import not_found
from tidings.api.pleroma.emoji import local_emoji, render_custom_emoji
from tidings.api.services import Services
from tidings.projections import accounts, stats


async def figures(svc: Services) -> Figures:
    async with svc.pool.connection() as conn:
        staff = await stats.staff(conn)
        admins = [s for s in staff if s["is_admin"]]
        contact_row = await accounts.by_id(conn, admins[0]["id"]) if admins else None
        return Figures(
            user_count=await stats.user_count(conn),
            status_count=await stats.status_count(conn),
            active_month=await stats.active_user_count(conn, stats.MONTH),
            active_half_year=await stats.active_user_count(conn, stats.HALF_YEAR),
            staff=staff,
            contact=render_account(contact_row, svc.settings) if contact_row else None,
        )


class InstanceController(Controller):
    """Mastodon.py asks for ``/api/v1/instance/`` with its slash; Litestar routes both."""

    @get("/api/v1/instance")
    async def v1(self, svc: NamedDependency[Services]) -> Instance:
        return render_instance(svc.settings, await figures(svc))

    @get("/api/v2/instance")
    async def v2(self, svc: NamedDependency[Services]) -> InstanceV2:
        return render_instance_v2(svc.settings, await figures(svc))

    @get("/api/v1/instance/rules", sync_to_thread=False)
    def rules(self) -> list[Rule]:
        return []  # no rules can be set yet; the instance entities carry the same list

    @get("/api/v1/custom_emojis")
    async def custom_emojis(self, svc: NamedDependency[Services]) -> list[CustomEmoji]:
        return [render_custom_emoji(e, svc.settings) for e in await local_emoji(svc.settings)]

    @get("/api/v1/announcements", sync_to_thread=False)
    def announcements(self) -> list[object]:
        return []  # no one can announce anything yet; Pleroma-FE polls this before login


class NotImplementedController(Controller):
    """Pleroma's differences document: these answer 200 with an empty list, or 404."""

    @get(["/api/v1/suggestions", "/api/v1/trends", "/api/v1/identity_proofs"], sync_to_thread=False)
    def empty(self) -> list[object]:
        return []

    @get("/api/v1/featured_tags", sync_to_thread=False)
    def featured_tags(self) -> None:
        raise not_found()
