"""Pleroma's relationship extras: subscribe/unsubscribe (the follow's ``notify``, which the
differences document deprecates in favour of it), endorsements of any account, and
removing a follower."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship
from tidings.api.mastodon.endorsements import endorsed_by
from tidings.api.mastodon.follows import act_on_account, remove_follower
from tidings.api.mastodon.statuses import reader
from tidings.api.services import Services
from tidings.domain.graph.commands import SubscribeAccount


class PleromaRelationshipsController(Controller):
    path = "/api/v1/pleroma/accounts"

    @post(
        "/{account_id:str}/subscribe",
        guards=[scope("follow", "write:follows"), rate_limited("write")],
        status_code=200,
    )
    async def subscribe(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        """Only an account followed (or asked to be): there is no notify without a follow."""
        return await _subscribe(svc, user.user_id, account_id, notify=True)

    @post(
        "/{account_id:str}/unsubscribe",
        guards=[scope("follow", "write:follows"), rate_limited("write")],
        status_code=200,
    )
    async def unsubscribe(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await _subscribe(svc, user.user_id, account_id, notify=False)

    @get("/{account_id:str}/endorsements")
    async def endorsements(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        return await endorsed_by(request, account_id, svc, reader(viewer, "read:accounts"))

    @post(
        "/{account_id:str}/remove_from_followers",
        guards=[scope("follow", "write:follows"), rate_limited("write")],
        status_code=200,
    )
    async def remove_from_followers(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await remove_follower(svc, user.user_id, account_id)


async def _subscribe(svc: Services, viewer_id: str, account_id: str, notify: bool) -> Relationship:
    return await act_on_account(
        svc,
        viewer_id,
        account_id,
        lambda target: SubscribeAccount(follower_id=viewer_id, followed_id=target, notify=notify),
    )
