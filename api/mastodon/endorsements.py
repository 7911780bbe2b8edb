"""Endorsements: Mastodon's pinned accounts (pin/unpin, ``/api/v1/endorsements``), which
Pleroma lists per account under ``/api/v1/pleroma/accounts/:id/endorsements``."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship
from tidings.api.mastodon.follows import (
    ACCOUNTS_DEFAULT,
    ACCOUNTS_MOST,
    account_list,
    act_on_account,
    known_account,
)
from tidings.api.mastodon.statuses import reader
from tidings.api.pagination import Page
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.graph.commands import EndorseAccount, UnendorseAccount
from tidings.projections import relationships as graph


class EndorseController(Controller):
    path = "/api/v1/accounts"

    @post(
        ["/{account_id:str}/pin", "/{account_id:str}/endorse"],  # Mastodon 4.4's new name
        guards=[scope("write:accounts"), rate_limited("write")],
        status_code=200,
    )
    async def pin(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        """Only an account the viewer follows (Mastodon's rule): else 422."""
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: EndorseAccount(account_id=user.user_id, target_id=target),
        )

    @post(
        ["/{account_id:str}/unpin", "/{account_id:str}/unendorse"],
        guards=[scope("write:accounts"), rate_limited("write")],
        status_code=200,
    )
    async def unpin(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: UnendorseAccount(account_id=user.user_id, target_id=target),
        )

    @get("/{account_id:str}/endorsements")
    async def endorsements_of(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        """Mastodon 4.4's path for the same list Pleroma serves."""
        return await endorsed_by(request, account_id, svc, reader(viewer, "read:accounts"))


class EndorsementsController(Controller):
    path = "/api/v1/endorsements"

    @get("/", guards=[scope("read:accounts")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Account]]:
        page = (await params(request, Page)).bounded(ACCOUNTS_DEFAULT, ACCOUNTS_MOST)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await graph.endorsements(conn, user.user_id, page))
            return await account_list(conn, request, rows, svc.settings, user.user_id)


async def endorsed_by(
    request: Request[Any, Any, Any], account_id: str, svc: Services, viewer_id: str | None
) -> Response[list[Account]]:
    """Anyone's endorsements, open to visitors: they are shown on the profile."""
    page = (await params(request, Page)).bounded(ACCOUNTS_DEFAULT, ACCOUNTS_MOST)
    async with svc.pool.connection() as conn:
        owner = await known_account(conn, account_id)
        rows = page.newest_first(await graph.endorsements(conn, owner["id"], page))
        return await account_list(conn, request, rows, svc.settings, viewer_id)
