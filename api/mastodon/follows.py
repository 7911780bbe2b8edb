"""Followers and following lists, and removing a follower: Mastodon's paths with
Pleroma's ``with_relationships`` and its hidden lists."""

from collections.abc import Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship, render_account
from tidings.api.errors import not_found
from tidings.api.mastodon.accounts import relationship, relationships_of
from tidings.api.mastodon.statuses import reader
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.domain.graph.commands import RemoveFromFollowers
from tidings.domain.ids import is_flake
from tidings.projections import accounts
from tidings.projections import relationships as graph

ACCOUNTS_DEFAULT, ACCOUNTS_MOST = 40, 80  # Mastodon's account list limits


class AccountListIn(Page, kw_only=True):
    with_relationships: bool = False


async def known_account(conn: AsyncConnection[Any], account_id: str) -> dict[str, Any]:
    """By flake id only: Pleroma takes nicknames on the account itself, never on the
    paths nested under it. A malformed id is as unknown as a missing one."""
    row = await accounts.by_id(conn, account_id) if is_flake(account_id) else None
    if row is None or row["deactivated"]:
        raise not_found()
    return row


async def act_on_account(
    svc: Services, viewer_id: str, account_id: str, command: Callable[[str], object]
) -> Relationship:
    """The shape of every action on another account: find it (else 404 and nothing
    written), run the command made for its id, and answer the viewer's relationship with
    it as it now stands."""
    async with svc.pool.connection() as conn:
        target: str = (await known_account(conn, account_id))["id"]
    await svc.execute(command(target))
    async with svc.pool.connection() as conn:
        return await relationship(conn, viewer_id, target)


async def account_list(
    conn: AsyncConnection[Any],
    request: Request[Any, Any, Any],
    rows: list[dict[str, Any]],
    settings: Settings,
    viewer_id: str | None,
    with_relationships: bool = False,
) -> Response[list[Account]]:
    """Rows of ``account_id`` and ``page_id``, newest first, as accounts (each with the
    viewer's relationship when asked) and the Link header over the page ids."""
    found = await accounts.by_ids(conn, [r["account_id"] for r in rows])
    shown = [found[r["account_id"]] for r in rows if r["account_id"] in found]
    shown = [row for row in shown if not row["deactivated"]]
    rels: dict[str, Relationship] = {}
    if with_relationships and viewer_id is not None and shown:
        ids = [row["id"] for row in shown]
        rels = {r.id: r for r in await relationships_of(conn, viewer_id, ids)}
    rendered = [render_account(row, settings, relationship=rels.get(row["id"])) for row in shown]
    return Response(rendered, headers=link_header(request, [r["page_id"] for r in rows]))


class FollowsController(Controller):
    path = "/api/v1/accounts"

    @get("/{account_id:str}/followers")
    async def followers(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        """Pleroma answers a hidden list with an empty one to anyone but its owner."""
        return await _list(request, account_id, svc, viewer, "hide_followers", graph.followers)

    @get("/{account_id:str}/following")
    async def following(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Response[list[Account]]:
        return await _list(request, account_id, svc, viewer, "hide_follows", graph.following)

    @post(
        "/{account_id:str}/remove_from_followers",
        guards=[scope("write:follows", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def remove_from_followers(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        return await remove_follower(svc, user.user_id, account_id)


async def remove_follower(svc: Services, account_id: str, follower_ref: str) -> Relationship:
    """A Reject on the follower's stream: the follow ends and their home stops
    receiving; answering for someone who does not follow changes nothing."""
    return await act_on_account(
        svc,
        account_id,
        follower_ref,
        lambda follower: RemoveFromFollowers(account_id=account_id, follower_id=follower),
    )


async def _list(
    request: Request[Any, Any, Any],
    account_id: str,
    svc: Services,
    viewer: Viewer | None,
    hidden_by: str,
    query: Any,
) -> Response[list[Account]]:
    viewer_id = reader(viewer, "read:accounts")
    payload = await params(request, AccountListIn)
    page = payload.bounded(ACCOUNTS_DEFAULT, ACCOUNTS_MOST)
    async with svc.pool.connection() as conn:
        owner = await known_account(conn, account_id)
        prefs: dict[str, Any] = owner.get("preferences") or {}
        if prefs.get(hidden_by) and viewer_id != owner["id"]:
            return Response([])
        rows = page.newest_first(await query(conn, owner["id"], page))
        return await account_list(
            conn, request, rows, svc.settings, viewer_id, payload.with_relationships
        )
