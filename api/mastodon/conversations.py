"""Conversations: Mastodon's list of the viewer's direct threads, and Pleroma's reading,
re-addressing and per-conversation timelines. A participation is its owner's alone: any
other account gets 404, as for a participation that does not exist. Every change (read,
recipients, delete) is an event on the participation's stream."""

from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import render_account
from tidings.api.entities.conversation import Conversation, ConversationPleroma
from tidings.api.entities.status import Status
from tidings.api.errors import not_found
from tidings.api.mastodon.statuses import render_page, without_blocked
from tidings.api.pagination import Page, link_header
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.conversations.commands import (
    DeleteConversation,
    ReadConversations,
    SetConversationRecipients,
)
from tidings.domain.ids import is_flake
from tidings.projections import accounts, conversations, statuses


class ConversationsIn(Page, kw_only=True):
    recipients: list[str] | str = []  # Pleroma: only conversations with exactly these


class RecipientsIn(msgspec.Struct, kw_only=True):
    recipients: list[str] | str = []


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


async def render_conversations(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], viewer_id: str, svc: Services
) -> list[Conversation]:
    """A page of participations: one query for the accounts, one rendering of the last
    statuses, whatever the page's size."""
    last_ids = [r["last_status_id"] for r in rows if r["last_status_id"]]
    found = await statuses.by_ids(conn, last_ids)
    shown = await statuses.visible(conn, [found[i] for i in last_ids if i in found], viewer_id)
    shown = await without_blocked(conn, shown, viewer_id)
    rendered = {s.id: s for s in await render_page(conn, shown, viewer_id, svc.settings)}
    people = await accounts.by_ids(
        conn, sorted({a for r in rows for a in (r["account_id"], *r["recipients"])})
    )
    out = []
    for row in rows:
        everyone = [row["account_id"], *row["recipients"]]
        known = [render_account(people[a], svc.settings) for a in everyone if a in people]
        others = [a for a in known if a.id != row["account_id"]]
        out.append(
            Conversation(
                id=row["id"],
                unread=row["unread"],
                accounts=others or known,
                last_status=rendered.get(row["last_status_id"] or ""),
                pleroma=ConversationPleroma(recipients=known),
            )
        )
    return out


async def _owned(svc: Services, participation_id: str, owner_id: str) -> dict[str, Any]:
    async with svc.pool.connection() as conn:
        row = (
            await conversations.owned(conn, participation_id, owner_id)
            if is_flake(participation_id)
            else None
        )
    if row is None:
        raise not_found()
    return row


async def _answer(svc: Services, participation_id: str, owner_id: str) -> Conversation:
    row = await _owned(svc, participation_id, owner_id)
    async with svc.pool.connection() as conn:
        return (await render_conversations(conn, [row], owner_id, svc))[0]


async def _read(svc: Services, rows: list[dict[str, Any]], owner_id: str) -> None:
    unread = {r["id"]: r["conversation_id"] for r in rows if r["unread"]}
    if unread:  # reading what is already read records nothing
        await svc.execute(ReadConversations(account_id=owner_id, participations=unread))


class ConversationsController(Controller):
    path = "/api/v1/conversations"

    @get("/", guards=[scope("read:statuses")])
    async def index(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Conversation]]:
        payload = await params(request, ConversationsIn)
        page = payload.bounded()
        async with svc.pool.connection() as conn:
            rows = page.newest_first(
                await conversations.page(conn, user.user_id, page, _listed(payload.recipients))
            )
            rendered = await render_conversations(conn, rows, user.user_id, svc)
        return Response(rendered, headers=link_header(request, [r["last_status_id"] for r in rows]))

    @post(
        "/{participation_id:str}/read",
        guards=[scope("write:conversations"), rate_limited("write")],
        status_code=200,
    )
    async def read(
        self,
        participation_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Conversation:
        row = await _owned(svc, participation_id, user.user_id)
        await _read(svc, [row], user.user_id)
        return await _answer(svc, row["id"], user.user_id)

    @delete(
        "/{participation_id:str}",
        guards=[scope("write:conversations"), rate_limited("write")],
        status_code=200,
    )
    async def remove(
        self,
        participation_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> dict[str, Any]:
        row = await _owned(svc, participation_id, user.user_id)
        await svc.execute(
            DeleteConversation(
                participation_id=row["id"],
                account_id=user.user_id,
                conversation_id=row["conversation_id"],
            )
        )
        return {}


class PleromaConversationsController(Controller):
    path = "/api/v1/pleroma/conversations"

    @get("/{participation_id:str}", guards=[scope("read:statuses")])
    async def show(
        self,
        participation_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Conversation:
        return await _answer(svc, participation_id, user.user_id)

    @get("/{participation_id:str}/statuses", guards=[scope("read:statuses")])
    async def timeline(
        self,
        request: Request[Any, Any, Any],
        participation_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[list[Status]]:
        """The thread's statuses the owner may see, newest first, paged by id."""
        row = await _owned(svc, participation_id, user.user_id)
        page = (await params(request, Page)).bounded()
        async with svc.pool.connection() as conn:
            rows = page.newest_first(await statuses.in_thread(conn, row["conversation_id"], page))
            shown = await statuses.visible(conn, rows, user.user_id)
            shown = await without_blocked(conn, shown, user.user_id)
            rendered = await render_page(conn, shown, user.user_id, svc.settings)
        return Response(rendered, headers=link_header(request, [r["id"] for r in rows]))

    @patch(
        "/{participation_id:str}",
        guards=[scope("write:conversations"), rate_limited("write")],
    )
    async def update(
        self,
        request: Request[Any, Any, Any],
        participation_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Conversation:
        """Replaces the recipients; the owner always stays one, and ids of no account are
        left out, as Pleroma's ``set_recipients`` keeps only the users it finds."""
        row = await _owned(svc, participation_id, user.user_id)
        wanted = [r for r in _listed((await params(request, RecipientsIn)).recipients) if r]
        async with svc.pool.connection() as conn:
            found = await accounts.by_ids(conn, [r for r in wanted if is_flake(r)])
        await svc.execute(
            SetConversationRecipients(
                participation_id=row["id"],
                account_id=user.user_id,
                conversation_id=row["conversation_id"],
                recipients=[r for r in dict.fromkeys(wanted) if r in found],
            )
        )
        return await _answer(svc, row["id"], user.user_id)

    @post("/read", guards=[scope("write:conversations"), rate_limited("write")], status_code=200)
    async def read_all(
        self,
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> list[Conversation]:
        """Marks every unread conversation read; answers those it marked."""
        async with svc.pool.connection() as conn:
            rows = await conversations.unread_of(conn, user.user_id)
        await _read(svc, rows, user.user_id)
        async with svc.pool.connection() as conn:
            now = await conversations.by_ids(conn, [r["id"] for r in rows])
            return await render_conversations(
                conn, [now[r["id"]] for r in rows if r["id"] in now], user.user_id, svc
            )
