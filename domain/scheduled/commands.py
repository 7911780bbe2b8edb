from datetime import datetime

import msgspec

from tidings.domain.scheduled.events import PreparedPost


class ScheduleStatus(msgspec.Struct, kw_only=True, frozen=True):
    scheduled_id: str
    account_id: str
    scheduled_at: datetime
    post: PreparedPost
    now: datetime


class RescheduleStatus(msgspec.Struct, kw_only=True, frozen=True):
    scheduled_id: str
    account_id: str
    scheduled_at: datetime
    now: datetime


class CancelScheduledStatus(msgspec.Struct, kw_only=True, frozen=True):
    scheduled_id: str
    account_id: str


class PublishScheduledStatus(msgspec.Struct, kw_only=True, frozen=True):
    """From the publishing job: ``now`` is its clock, so the aggregate judges if it is due."""

    scheduled_id: str
    now: datetime
