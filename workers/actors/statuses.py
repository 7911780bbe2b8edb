"""Expiring statuses and publishing scheduled ones."""

from typing import Any

from tidings.domain.scheduled.commands import PublishScheduledStatus
from tidings.domain.statuses.commands import ExpireStatus
from tidings.workers.actors.context import JobContext


def expire_status(ctx: JobContext, payload: dict[str, Any]) -> None:
    """A Delete by the author, marked ``expired``; an already deleted status is success."""
    ctx.tidings.handle(ExpireStatus(status_id=payload["status_id"], now=ctx.clock()))


def publish_scheduled(ctx: JobContext, payload: dict[str, Any]) -> None:
    """The Create of the status and SchedulePublished, in one insert."""
    command = PublishScheduledStatus(scheduled_id=payload["scheduled_id"], now=ctx.clock())
    ctx.tidings.handle(command)
