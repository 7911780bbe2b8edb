"""Ending mutes whose time has come."""

from typing import Any

from tidings.domain.blocks.commands import ExpireMute
from tidings.workers.actors.context import JobContext


def expire_mute(ctx: JobContext, payload: dict[str, Any]) -> None:
    """An unmute marked ``expired``; a mute already ended, or renewed for longer, is left
    as it is, so a repeated or stale message records nothing."""
    command = ExpireMute(
        account_id=payload["account_id"], target_id=payload["target_id"], now=ctx.clock()
    )
    ctx.tidings.handle(command)
