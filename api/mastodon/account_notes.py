"""Mastodon's private note on an account: its author's alone, shown only in the author's
relationships."""

from typing import Any

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Relationship
from tidings.api.errors import ApiError
from tidings.api.mastodon.follows import act_on_account
from tidings.api.params import params
from tidings.api.services import Services
from tidings.domain.graph.aggregates import NOTE_MAX, NOTE_TOO_LONG
from tidings.domain.graph.commands import SetAccountNote


class NoteIn(msgspec.Struct, kw_only=True):
    comment: str | None = None  # absent or empty clears the note, as Mastodon does


class AccountNotesController(Controller):
    path = "/api/v1/accounts"

    @post(
        "/{account_id:str}/note",
        guards=[scope("write:accounts"), rate_limited("write")],
        status_code=200,
    )
    async def note(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        comment = (await params(request, NoteIn)).comment or ""
        if len(comment) > NOTE_MAX:
            raise ApiError(422, NOTE_TOO_LONG)
        return await act_on_account(
            svc,
            user.user_id,
            account_id,
            lambda target: SetAccountNote(
                account_id=user.user_id, target_id=target, comment=comment
            ),
        )
