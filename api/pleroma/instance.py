"""Nodeinfo and the healthcheck: how other software and operators' monitors see the instance."""

import asyncio
import logging
import os
import resource
from pathlib import Path
from typing import Any

import psycopg
import redis.asyncio as aioredis
from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency

from tidings.api.entities.instance import (
    Health,
    JobQueueStats,
    NodeInfo,
    NodeInfoLinks,
    ProjectionStats,
    QueueStats,
    render_nodeinfo,
    render_nodeinfo_links,
)
from tidings.api.mastodon.instance import figures
from tidings.api.services import Services
from tidings.projections import stats

log = logging.getLogger("tidings.api")

PROBE_TIMEOUT = 2.0  # seconds a dependency may take before the instance counts as unhealthy
# dramatiq's RedisBroker keeps each queue as the list "<namespace>:<queue>", its delayed
# twin "<queue>.DQ", dead letters in the sorted set "<queue>.XQ", and every message not
# yet acknowledged in the hash "<queue>.msgs"; the namespace is ``Settings.job_namespace``.
DEFAULT_QUEUE = "default"


class NodeInfoController(Controller):
    @get("/.well-known/nodeinfo", sync_to_thread=False)
    def links(self, svc: NamedDependency[Services]) -> NodeInfoLinks:
        return render_nodeinfo_links(svc.settings)

    @get(["/nodeinfo/2.0.json", "/nodeinfo/2.0"])
    async def v20(self, svc: NamedDependency[Services]) -> NodeInfo:
        return render_nodeinfo(svc.settings, await figures(svc), "2.0")

    @get(["/nodeinfo/2.1.json", "/nodeinfo/2.1"])
    async def v21(self, svc: NamedDependency[Services]) -> NodeInfo:
        return render_nodeinfo(svc.settings, await figures(svc), "2.1")


def memory_used_mb() -> float:
    """Resident memory of this process in MB, as Pleroma reports its VM's."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
        used = resident_pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # peak, in KiB
    return round(used / 1024 / 1024, 2)


async def job_queue_stats(redis: "aioredis.Redis", namespace: str) -> JobQueueStats:
    names = {DEFAULT_QUEUE}
    async for key in redis.scan_iter(match=f"{namespace}:*.msgs", count=100):
        queue = key.decode().removeprefix(f"{namespace}:").removesuffix(".msgs")
        if not queue.endswith((".DQ", ".XQ")) and not queue.startswith("__"):
            names.add(queue)
    queues = {}
    for name in sorted(names):
        key = f"{namespace}:{name}"
        async with redis.pipeline(transaction=False) as pipe:
            pipe.llen(key)
            pipe.hlen(f"{key}.msgs")
            pipe.llen(f"{key}.DQ")
            pipe.zcard(f"{key}.XQ")
            waiting, unacked, delayed, failed = await pipe.execute()
        queues[name] = QueueStats(
            enqueued=waiting,
            delayed=delayed,
            in_progress=max(unacked - waiting, 0),  # fetched by a worker, not yet acked
            failed=failed,
        )
    return JobQueueStats(queues=queues)


async def _database(svc: Services) -> ProjectionStats:
    async with svc.pool.connection(timeout=PROBE_TIMEOUT) as conn:
        head, lag = await stats.projection_lag(conn)
    return ProjectionStats(head=head, lag=lag)


async def _probe(what: str, check: Any) -> Any:
    try:
        return await asyncio.wait_for(check, PROBE_TIMEOUT)
    except (TimeoutError, psycopg.Error, aioredis.RedisError, OSError) as error:
        log.warning("healthcheck: %s does not answer: %s", what, error)
        return None


async def health(svc: Services) -> Health:
    pool = svc.pool.get_stats()  # before the probe borrows a connection
    projections = await _probe("the database", _database(svc))
    queues = await _probe("Redis", job_queue_stats(svc.redis, svc.settings.job_namespace))
    return Health(
        pool_size=pool.get("pool_size", 0),
        active=pool.get("pool_size", 0) - pool.get("pool_available", 0),
        idle=pool.get("pool_available", 0),
        memory_used=memory_used_mb(),
        healthy=projections is not None and queues is not None,
        job_queue_stats=queues,
        projections=projections,
    )


class HealthController(Controller):
    @get(["/api/pleroma/healthcheck", "/api/v1/pleroma/healthcheck"])
    async def healthcheck(self, svc: NamedDependency[Services]) -> Response[Health]:
        """200 when the database and Redis answer, else 503, with the figures either way."""
        report = await health(svc)
        return Response(report, status_code=200 if report.healthy else 503)

    @get("/health", media_type=MediaType.TEXT)
    async def mastodon_health(self, svc: NamedDependency[Services]) -> Response[str]:
        """Mastodon's liveness probe (Mastodon.py's ``instance_health`` reads "OK")."""
        report = await health(svc)
        return Response(
            "OK" if report.healthy else "unhealthy", status_code=200 if report.healthy else 503
        )
