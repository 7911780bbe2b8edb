"""The work behind each kind of due job: plain functions that append events through the
write side. Each is idempotent, since delivery is at least once: the aggregate it calls
judges again, so a second run finds nothing to do and records nothing."""

from collections.abc import Callable
from typing import Any

from tidings.projections import jobs
from tidings.workers.actors import blocks, imports, statuses
from tidings.workers.actors.context import JobContext

Work = Callable[[JobContext, dict[str, Any]], None]

KINDS: dict[str, Work] = {
    jobs.EXPIRE_STATUS: statuses.expire_status,
    jobs.PUBLISH_SCHEDULED: statuses.publish_scheduled,
    jobs.RUN_IMPORT: imports.run_import,
    jobs.EXPIRE_MUTE: blocks.expire_mute,
}
