"""Follow requests to a locked account, and its answers to them."""

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
)
from tidings.api.pagination import Page
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.graph.commands import AuthorizeFollowRequest, RejectFollowRequest
from tidings.projections import relationships as graph


class FollowRequestsController(Controller):
    path = "/api/v1/follow_requests"

    @get("/", guards=[scope("read:follows", "follow")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Account]]:
        page = (await params(request, Page)).bounded(ACCOUNTS_DEFAULT, ACCOUNTS_MOST)
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await graph.follow_requests(conn, user.user_id, page))
            return await account_list(conn, request, rows, svc.settings, user.user_id)

    @post(
        "/{account_id:str}/authorize",
        guards=[scope("write:follows", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def authorize(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        """The relationship answered is the follower's to the viewer, seen by the viewer
        (``followed_by`` now true), as Mastodon answers it."""
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda follower: AuthorizeFollowRequest(account_id=user.user_id, follower_id=follower),
        )

    @post(
        "/{account_id:str}/reject",
        guards=[scope("write:follows", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def reject(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda follower: RejectFollowRequest(account_id=user.user_id, follower_id=follower),
        )
