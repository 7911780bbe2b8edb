"""Lists of followed accounts, their members, and the list timeline. A list is its
owner's alone: anyone else is answered as if it did not exist."""

from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, render_account
from tidings.api.entities.list import List, render_list
from tidings.api.entities.status import Status
from tidings.api.errors import ApiError, not_found
from tidings.api.mastodon.statuses import render_page
from tidings.api.mastodon.timelines import TimelineIn, nothing_matches
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.ids import is_flake, new_id
from tidings.domain.lists.aggregates import REPLIES_POLICIES, TITLE_MAX
from tidings.domain.lists.commands import (
    AddListMembers,
    CreateList,
    DeleteList,
    RemoveListMembers,
    UpdateList,
)
from tidings.projections import accounts, statuses
from tidings.projections import lists as lists_model


class ListIn(msgspec.Struct, kw_only=True):
    title: str | None = None
    replies_policy: str | None = None
    exclusive: bool | None = None


class MembersIn(msgspec.Struct, kw_only=True):
    account_ids: list[str] | str = []

    def ids(self) -> list[str]:
        given = self.account_ids
        return list(dict.fromkeys([given] if isinstance(given, str) else given))


def _check(payload: ListIn, creating: bool) -> None:
    """Refused before anything is written; the domain holds the same rules."""
    title = payload.title
    if title is not None or creating:
        if title is None or not title.strip():
            raise ApiError(422, "Validation failed: Title can't be blank")
        if len(title) > TITLE_MAX:
            raise ApiError(
                422, f"Validation failed: Title is too long (maximum is {TITLE_MAX} characters)"
            )
    if payload.replies_policy is not None and payload.replies_policy not in REPLIES_POLICIES:
        raise ApiError(
            422, f"Validation failed: replies_policy must be one of {', '.join(REPLIES_POLICIES)}"
        )


async def _own_list(conn: AsyncConnection[Any], list_id: str, owner_id: str) -> dict[str, Any]:
    row = await lists_model.by_id(conn, list_id) if is_flake(list_id) else None
    if row is None or row["owner_id"] != owner_id:
        raise not_found()
    return row


async def _accounts(conn: AsyncConnection[Any], account_ids: list[str]) -> list[str]:
    """The ids, all of existing accounts, or 404 as Mastodon answers."""
    if not account_ids:
        raise ApiError(422, "Validation failed: account_ids is required")
    found = await accounts.by_ids(conn, [a for a in account_ids if is_flake(a)])
    if any(a not in found or found[a]["deactivated"] for a in account_ids):
        raise not_found()
    return account_ids


class ListsController(Controller):
    path = "/api/v1/lists"

    @get("/", guards=[scope("read:lists")])
    async def index(
        self, svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> list[List]:
        async with svc.pool.connection() as conn:
            return [render_list(r) for r in await lists_model.owned_by(conn, user.user_id)]

    @post("/", guards=[scope("write:lists"), rate_limited("write")], status_code=200)
    async def create(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> List:
        payload = await params(request, ListIn)
        _check(payload, creating=True)
        list_id = new_id()
        await svc.execute(
            CreateList(
                list_id=list_id,
                owner_id=user.user_id,
                title=payload.title or "",
                replies_policy=payload.replies_policy or "list",
                exclusive=bool(payload.exclusive),
            )
        )
        async with svc.pool.connection() as conn:
            return render_list(await _own_list(conn, list_id, user.user_id))

    @get("/{list_id:str}", guards=[scope("read:lists")])
    async def show(
        self, list_id: FromPath[str], svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> List:
        async with svc.pool.connection() as conn:
            return render_list(await _own_list(conn, list_id, user.user_id))

    @put("/{list_id:str}", guards=[scope("write:lists"), rate_limited("write")])
    async def update(
        self,
        request: Request[Any, Any, Any],
        list_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> List:
        payload = await params(request, ListIn)
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
        _check(payload, creating=False)
        await svc.execute(
            UpdateList(
                list_id=list_id,
                owner_id=user.user_id,
                title=payload.title,
                replies_policy=payload.replies_policy,
                exclusive=payload.exclusive,
            )
        )
        async with svc.pool.connection() as conn:
            return render_list(await _own_list(conn, list_id, user.user_id))

    @delete("/{list_id:str}", guards=[scope("write:lists"), rate_limited("write")], status_code=200)
    async def remove(
        self, list_id: FromPath[str], svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> dict[str, Any]:
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
        await svc.execute(DeleteList(list_id=list_id, owner_id=user.user_id))
        return {}

    @get("/{list_id:str}/accounts", guards=[scope("read:lists")])
    async def members(
        self,
        request: Request[Any, Any, Any],
        list_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Account]]:
        """Paged by account id; ``limit=0`` is Mastodon's "all of them"."""
        payload = await params(request, Page)
        everyone = payload.limit == 0
        page = payload.bounded(default=40, most=80)
        if everyone:
            page.limit = 10_000
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
            ids = page.newest_first(await lists_model.members(conn, list_id, page))
            rows = await accounts.by_ids(conn, ids)
        shown = [render_account(rows[i], svc.settings) for i in ids if i in rows]
        headers = {} if everyone else link_header(request, [a.id for a in shown])
        return Response(shown, headers=headers)

    @post(
        "/{list_id:str}/accounts",
        guards=[scope("write:lists"), rate_limited("write")],
        status_code=200,
    )
    async def add_members(
        self,
        request: Request[Any, Any, Any],
        list_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        payload = await params(request, MembersIn)
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
            account_ids = await _accounts(conn, payload.ids())
        await svc.execute(
            AddListMembers(list_id=list_id, owner_id=user.user_id, account_ids=account_ids)
        )
        return {}

    @delete(
        "/{list_id:str}/accounts",
        guards=[scope("write:lists"), rate_limited("write")],
        status_code=200,
    )
    async def remove_members(
        self,
        request: Request[Any, Any, Any],
        list_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        payload = await params(request, MembersIn)
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
        ids = payload.ids()
        if not ids:
            raise ApiError(422, "Validation failed: account_ids is required")
        await svc.execute(
            RemoveListMembers(list_id=list_id, owner_id=user.user_id, account_ids=ids)
        )
        return {}


class AccountListsController(Controller):
    path = "/api/v1/accounts"

    @get("/{account_id:str}/lists", guards=[scope("read:lists")])
    async def lists_of(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> list[List]:
        """The reader's own lists that hold the account."""
        async with svc.pool.connection() as conn:
            row = await accounts.by_id(conn, account_id) if is_flake(account_id) else None
            if row is None:
                raise not_found()
            return [
                render_list(r) for r in await lists_model.containing(conn, user.user_id, row["id"])
            ]


class ListTimelineController(Controller):
    path = "/api/v1/timelines"

    @get("/list/{list_id:str}", guards=[scope("read:lists")])
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        list_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        payload = await params(request, TimelineIn)
        page = payload.bounded()
        filters = payload.filters(user.user_id)
        async with svc.pool.connection() as conn:
            await _own_list(conn, list_id, user.user_id)
            if nothing_matches(payload):
                return Response([])
            # The filters' condition carries exclude_visibilities too.
            rows = await lists_model.page(conn, list_id, page, [], filters.condition())
            rows = await statuses.visible(conn, page.newest_first(rows), user.user_id)
            rendered = await render_page(conn, rows, user.user_id, svc.settings)
        return Response(rendered, headers=link_header(request, [s.id for s in rendered]))
