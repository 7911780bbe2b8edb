"""Blocking and muting accounts, and blocking domains: the commands, and the account's
lists of them, paged by when each was made, with Link headers."""

from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship, render_account
from tidings.api.entities.common import iso
from tidings.api.errors import ApiError
from tidings.api.mastodon.accounts import relationships_of
from tidings.api.mastodon.follows import act_on_account
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.blocks.commands import (
    BlockAccount,
    BlockDomain,
    MuteAccount,
    UnblockAccount,
    UnblockDomain,
    UnmuteAccount,
)
from tidings.projections import accounts, blocks

MAX_MUTE_SECONDS = 100 * 365 * 24 * 3600  # far beyond any use, well inside datetime's range


class MuteIn(msgspec.Struct, kw_only=True):
    notifications: bool = True
    # Seconds the mute lasts; 0 or none mutes for good. Pleroma's ``expires_in``,
    # Mastodon's ``duration`` (which Pleroma also takes, and Mastodon.py sends).
    expires_in: int | None = None
    duration: int | None = None

    def expires_at(self) -> datetime | None:
        seconds = self.duration if self.duration is not None else self.expires_in
        if not seconds:
            return None
        if seconds < 0:
            raise ApiError(422, "Validation failed: duration must not be negative")
        if seconds > MAX_MUTE_SECONDS:
            raise ApiError(422, "Validation failed: duration is too long")
        return datetime.now(UTC) + timedelta(seconds=seconds)


class MutesIn(Page, kw_only=True):
    with_relationships: bool = False  # Pleroma's, on /api/v1/mutes


class DomainIn(msgspec.Struct, kw_only=True):
    domain: str = ""


class MutedAccount(Account, kw_only=True):
    """Mastodon's MutedAccount: an Account with when the mute ends (null: never)."""

    mute_expires_at: str | None = None


def _domain(svc: Services, given: str) -> str:
    """The domain as stored: lowercased, IDNs in their ASCII form. Blocking this
    server's own domain would block every account here, and is refused."""
    domain = given.strip().lower().rstrip(".")
    if not domain:
        raise ApiError(422, "Validation failed: domain can't be blank")
    if domain == svc.settings.domain.lower():
        raise ApiError(422, "Validation failed: you can't block your own domain")
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ApiError(422, "Validation failed: domain is not a valid domain name") from None


class AccountBlocksController(Controller):
    path = "/api/v1/accounts/{account_id:str}"

    @post(
        "/block", guards=[scope("write:blocks", "follow"), rate_limited("write")], status_code=200
    )
    async def block(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: BlockAccount(account_id=user.user_id, target_id=target),
        )

    @post(
        "/unblock", guards=[scope("write:blocks", "follow"), rate_limited("write")], status_code=200
    )
    async def unblock(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: UnblockAccount(account_id=user.user_id, target_id=target),
        )

    @post("/mute", guards=[scope("write:mutes", "follow"), rate_limited("write")], status_code=200)
    async def mute(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        payload = await params(request, MuteIn)
        expires_at = payload.expires_at()
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: MuteAccount(
                account_id=user.user_id,
                target_id=target,
                notifications=payload.notifications,
                expires_at=expires_at,
            ),
        )

    @post(
        "/unmute", guards=[scope("write:mutes", "follow"), rate_limited("write")], status_code=200
    )
    async def unmute(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: UnmuteAccount(account_id=user.user_id, target_id=target),
        )


class BlocksController(Controller):
    path = "/api/v1"

    @get("/blocks", guards=[scope("read:blocks", "follow")])
    async def blocks(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Account]]:
        page = (await params(request, Page)).bounded(default=40, most=80)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await blocks.blocked_page(conn, user.user_id, page))
            found = await accounts.by_ids(conn, [r["account_id"] for r in rows])
        rendered = [
            render_account(found[r["account_id"]], svc.settings)
            for r in rows
            if r["account_id"] in found
        ]
        return Response(rendered, headers=link_header(request, [r["page_id"] for r in rows]))

    @get("/mutes", guards=[scope("read:mutes", "follow")])
    async def mutes(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[MutedAccount]]:
        """Live mutes only: one past its expiry is gone, whether or not its job ran."""
        payload = await params(request, MutesIn)
        page = payload.bounded(default=40, most=80)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await blocks.muted_page(conn, user.user_id, page))
            found = await accounts.by_ids(conn, [r["account_id"] for r in rows])
            shown = [r for r in rows if r["account_id"] in found]
            relations: dict[str, Relationship] = {}
            if payload.with_relationships:
                ids = [r["account_id"] for r in shown]
                relations = {r.id: r for r in await relationships_of(conn, user.user_id, ids)}
        rendered = []
        for row in shown:
            account = render_account(
                found[row["account_id"]],
                svc.settings,
                relationship=relations.get(row["account_id"]),
            )
            expires = row["expires_at"]
            rendered.append(
                MutedAccount(
                    **msgspec.structs.asdict(account),
                    mute_expires_at=iso(expires) if expires is not None else None,
                )
            )
        return Response(rendered, headers=link_header(request, [r["page_id"] for r in rows]))


class DomainBlocksController(Controller):
    path = "/api/v1/domain_blocks"

    @get("/", guards=[scope("read:blocks", "follow")])
    async def domain_blocks(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[str]]:
        page = (await params(request, Page)).bounded(default=100, most=200)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await blocks.domain_page(conn, user.user_id, page))
        return Response(
            [r["domain"] for r in rows], headers=link_header(request, [r["page_id"] for r in rows])
        )

    @post("/", guards=[scope("write:blocks", "follow"), rate_limited("write")], status_code=200)
    async def block_domain(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        domain = _domain(svc, (await params(request, DomainIn)).domain)
        await svc.execute(BlockDomain(account_id=user.user_id, domain=domain))
        return {}

    @delete("/", guards=[scope("write:blocks", "follow"), rate_limited("write")], status_code=200)
    async def unblock_domain(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        domain = _domain(svc, (await params(request, DomainIn)).domain)
        await svc.execute(UnblockDomain(account_id=user.user_id, domain=domain))
        return {}
