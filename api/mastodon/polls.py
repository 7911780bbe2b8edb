"""Showing a poll and voting in it; a poll's id is its status's id."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.poll import Poll
from tidings.api.errors import not_found
from tidings.api.mastodon.statuses import reader, visible_status
from tidings.api.params import params
from tidings.api.polls import poll_of
from tidings.api.services import Services
from tidings.domain.polls.commands import VoteInPoll


class VoteIn(msgspec.Struct, kw_only=True):
    choices: list[int] | int = []


class PollsController(Controller):
    path = "/api/v1/polls"

    @get("/{poll_id:str}")
    async def show(
        self,
        poll_id: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Poll:
        """404 alike for a missing poll and one on a status the viewer may not see."""
        viewer_id = reader(viewer)
        async with svc.pool.connection() as conn:
            status = await visible_status(conn, poll_id, viewer_id)
            poll = await poll_of(conn, status, viewer_id)
        if poll is None:
            raise not_found()
        return poll

    @post(
        "/{poll_id:str}/votes",
        guards=[scope("write:statuses"), rate_limited("write")],
        status_code=200,
    )
    async def vote(
        self,
        poll_id: FromPath[str],
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Poll:
        payload = await params(request, VoteIn)
        choices = [payload.choices] if isinstance(payload.choices, int) else payload.choices
        async with svc.pool.connection() as conn:
            status = await visible_status(conn, poll_id, user.user_id)
        await svc.execute(
            VoteInPoll(account_id=user.user_id, status_id=status["id"], choices=choices)
        )
        async with svc.pool.connection() as conn:
            poll = await poll_of(conn, status, user.user_id)
        if poll is None:  # the status was deleted since
            raise not_found()
        return poll
