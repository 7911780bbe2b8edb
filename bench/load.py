#!/usr/bin/env python3
"""Load test for a running Tidings server, through the Mastodon client API.

Setup: registers --users accounts (app, client-credentials token, POST /api/v1/accounts),
and has each follow --follows others. Then two timed phases with --concurrency clients:
  1. post_statuses   POST /api/v1/statuses
  2. home_timeline   GET  /api/v1/timelines/home?limit=20
For each phase it reports requests, errors by status, requests/s and p50/p90/p99 latency.

    python bench/load.py --base http://127.0.0.1:4000 --users 20 --concurrency 32 --seconds 15

Only loopback servers are accepted: this is a benchmark, not a tool to load other hosts.
Exit status: 0 ok, 1 a phase's error rate exceeded --max-error-rate, 2 setup failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import math
import random
import secrets
import ssl
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SCOPES = "read write follow"
OOB = "urn:ietf:wg:oauth:2.0:oob"
PERCENTILES = (50, 90, 99)
CLIENT_SATURATED = 0.9  # share of one core

# Hard ceilings so a typo cannot turn the script into an unbounded run.
MAX_USERS = 1000
MAX_CONCURRENCY = 512
MAX_SECONDS = 600
MAX_REQUESTS = 10_000_000


class SetupError(RuntimeError):
    """Registration or following failed; the phases would measure nothing useful."""


# --------------------------------------------------------------------------- statistics


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of `values` (need not be sorted); NaN when empty.

    The smallest value with at least p% of the values at or below it: an observed latency,
    never an interpolated one. Fraction keeps p*n/100 exact (0.29*100 is not 29 in floats).
    """
    if not 0 <= p <= 100:
        raise ValueError(f"percentile out of range: {p}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(Fraction(str(p)) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


@dataclass
class PhaseResult:
    """What one phase observed. Latencies are kept for 2xx responses only, so fast
    failures cannot make a broken server look quick."""

    name: str
    latencies_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    elapsed_s: float = 0.0
    client_cpu_s: float = 0.0

    def record(self, status: int, latency_ms: float) -> None:
        if 200 <= status < 300:
            self.latencies_ms.append(latency_ms)
        else:
            self.errors[str(status)] += 1

    def record_failure(self, kind: str) -> None:
        self.errors[kind] += 1

    @property
    def ok(self) -> int:
        return len(self.latencies_ms)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def total(self) -> int:
        return self.ok + self.error_count

    @property
    def rps(self) -> float:
        return self.total / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def error_rate(self) -> float:
        return self.error_count / self.total if self.total else 0.0

    def summary(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "phase": self.name,
            "requests": self.total,
            "ok": self.ok,
            "errors": self.error_count,
            "errors_by_status": dict(sorted(self.errors.items())),
            "elapsed_s": round(self.elapsed_s, 3),
            "requests_per_s": round(self.rps, 1),
            "client_cpu_s": round(self.client_cpu_s, 3),
        }
        for p in PERCENTILES:
            value = percentile(self.latencies_ms, p)
            out[f"p{p}_ms"] = None if math.isnan(value) else round(value, 2)
        return out


def format_table(results: Sequence[PhaseResult]) -> str:
    header = f"{'phase':<15}{'requests':>10}{'errors':>8}{'req/s':>10}"
    header += "".join(f"{f'p{p} ms':>10}" for p in PERCENTILES)
    lines = [header, "-" * len(header)]
    for r in results:
        s = r.summary()
        row = f"{r.name:<15}{s['requests']:>10}{s['errors']:>8}{s['requests_per_s']:>10.1f}"
        for p in PERCENTILES:
            v = s[f"p{p}_ms"]
            row += f"{'-' if v is None else f'{v:.1f}':>10}"
        lines.append(row)
    for r in results:
        if r.errors:
            by = ", ".join(f"{k}: {v}" for k, v in sorted(r.errors.items()))
            lines.append(f"{r.name} errors by status: {by}")
    for r in results:
        # One event loop is one core: near 100% the client, not the server, set the pace.
        if r.elapsed_s > 0 and r.client_cpu_s / r.elapsed_s >= CLIENT_SATURATED:
            lines.append(
                f"{r.name}: this client used {r.client_cpu_s / r.elapsed_s:.0%} of a core; "
                "req/s may be capped by this client rather than by the server"
            )
    return "\n".join(lines)


# ------------------------------------------------------------------------------- setup


@dataclass
class User:
    username: str
    email: str
    password: str
    token: str = ""
    account_id: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def loopback_base(url: str) -> str:
    """The base URL without a trailing slash; refuses anything but a loopback server."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"--base must be http(s)://, got {url!r}")
    if parts.hostname not in LOOPBACK_HOSTS or parts.username or parts.password:
        raise ValueError(f"--base must point at 127.0.0.1 or localhost, got {url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"--base must not carry a query or fragment, got {url!r}")
    return url.rstrip("/")


def json_object(resp: httpx.Response, what: str) -> dict[str, Any]:
    """The response's JSON object, or a SetupError that shows what the server said."""
    if not 200 <= resp.status_code < 300:
        raise SetupError(f"{what}: HTTP {resp.status_code}: {resp.text[:300]}")
    try:
        data = resp.json()
    except ValueError as exc:
        raise SetupError(f"{what}: response is not JSON: {resp.text[:300]}") from exc
    if not isinstance(data, dict):
        raise SetupError(f"{what}: expected a JSON object, got {type(data).__name__}")
    return data


def string_field(data: dict[str, Any], key: str, what: str) -> str:
    value = data.get(key)
    # Mastodon ids are strings; accept a number too, as some servers send those.
    if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value):
        return str(value)
    raise SetupError(f"{what}: no {key!r} in response: {json.dumps(data)[:300]}")


async def register_app(client: httpx.AsyncClient) -> tuple[str, str, str]:
    """Creates an app and returns (client_id, client_secret, app token)."""
    resp = await client.post(
        "/api/v1/apps",
        data={"client_name": "tidings-load", "redirect_uris": OOB, "scopes": SCOPES},
    )
    app = json_object(resp, "POST /api/v1/apps")
    client_id = string_field(app, "client_id", "POST /api/v1/apps")
    client_secret = string_field(app, "client_secret", "POST /api/v1/apps")
    resp = await client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": SCOPES,
        },
    )
    token = string_field(json_object(resp, "client_credentials"), "access_token", "token")
    return client_id, client_secret, token


async def password_grant(
    client: httpx.AsyncClient, user: User, client_id: str, client_secret: str
) -> str:
    """A user token by the password grant: Mastodon wants the email as username,
    Pleroma takes the nickname too, so both are tried."""
    last = ""
    for login in (user.email, user.username):
        resp = await client.post(
            "/oauth/token",
            data={
                "grant_type": "password",
                "username": login,
                "password": user.password,
                "client_id": client_id,
                "client_secret": client_secret,
                "scope": SCOPES,
            },
        )
        if 200 <= resp.status_code < 300:
            return string_field(json_object(resp, "password grant"), "access_token", "token")
        last = f"HTTP {resp.status_code}: {resp.text[:300]}"
    raise SetupError(f"password grant for {user.username} failed: {last}")


async def register_user(
    client: httpx.AsyncClient, user: User, app_token: str, client_id: str, client_secret: str
) -> None:
    resp = await client.post(
        "/api/v1/accounts",
        headers={"Authorization": f"Bearer {app_token}"},
        data={
            "username": user.username,
            "email": user.email,
            "password": user.password,
            "agreement": "true",
            "locale": "en",
        },
    )
    created = json_object(resp, f"POST /api/v1/accounts ({user.username})")
    token = created.get("access_token")
    # No token (e.g. approval or confirmation pending): log in with the password instead.
    if isinstance(token, str) and token:
        user.token = token
    else:
        user.token = await password_grant(client, user, client_id, client_secret)
    resp = await client.get("/api/v1/accounts/verify_credentials", headers=user.auth)
    me = json_object(resp, f"verify_credentials ({user.username})")
    user.account_id = string_field(me, "id", "verify_credentials")


async def follow(client: httpx.AsyncClient, follower: User, target: User) -> None:
    resp = await client.post(f"/api/v1/accounts/{target.account_id}/follow", headers=follower.auth)
    json_object(resp, f"{follower.username} follows {target.username}")


async def bounded_gather(limit: int, jobs: Sequence[Callable[[], Awaitable[None]]]) -> None:
    """Runs the jobs at most `limit` at a time; the first failure cancels the rest."""
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[None]]) -> None:
        async with gate:
            await job()

    try:
        async with asyncio.TaskGroup() as group:
            for job in jobs:
                group.create_task(run(job))
    except ExceptionGroup as failures:
        first = failures.exceptions[0]
        raise first if isinstance(first, SetupError) else SetupError(repr(first)) from failures


async def set_up(
    client: httpx.AsyncClient, n_users: int, n_follows: int, parallel: int, rng: random.Random
) -> list[User]:
    client_id, client_secret, app_token = await register_app(client)
    run = secrets.token_hex(3)  # fresh names each run, so reruns never collide
    password = secrets.token_urlsafe(16)
    users = [
        User(username=f"load{run}_{i}", email=f"load{run}_{i}@example.com", password=password)
        for i in range(n_users)
    ]
    await bounded_gather(
        parallel,
        [
            functools.partial(register_user, client, u, app_token, client_id, client_secret)
            for u in users
        ],
    )
    pairs = [
        (u, v)
        for i, u in enumerate(users)
        for v in rng.sample(users[:i] + users[i + 1 :], min(n_follows, n_users - 1))
    ]
    await bounded_gather(parallel, [functools.partial(follow, client, u, v) for u, v in pairs])
    return users


# ------------------------------------------------------------------------------ phases

Request = Callable[[httpx.AsyncClient, User, int], Awaitable[httpx.Response]]


async def post_status(client: httpx.AsyncClient, user: User, n: int) -> httpx.Response:
    return await client.post(
        "/api/v1/statuses", headers=user.auth, data={"status": f"load test post {n}"}
    )


async def home_timeline(client: httpx.AsyncClient, user: User, n: int) -> httpx.Response:
    return await client.get("/api/v1/timelines/home", headers=user.auth, params={"limit": 20})


@functools.cache
def tls_context() -> ssl.SSLContext:
    # Shared: building one loads the CA store, about 20 ms of CPU per client otherwise.
    return ssl.create_default_context()


def make_client(base: str, timeout: float, connections: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    # trust_env=False: no proxy from the environment may carry this traffic off the host.
    return httpx.AsyncClient(
        base_url=base, timeout=timeout, limits=limits, trust_env=False, verify=tls_context()
    )


async def run_phase(
    base: str,
    name: str,
    request: Request,
    users: Sequence[User],
    concurrency: int,
    seconds: float,
    max_requests: int,
    request_timeout: float,
) -> PhaseResult:
    """`concurrency` closed-loop clients send requests until `seconds` pass or
    `max_requests` were started; requests in flight then finish (or time out).

    Each client has its own one-connection pool: httpcore scans every pooled connection
    on each request, so one shared pool of 32 made this script, not the server, the
    bottleneck (about 3x the client CPU per request)."""
    result = PhaseResult(name)
    started = 0
    async with contextlib.AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(make_client(base, request_timeout, 1))
            for _ in range(concurrency)
        ]
        cpu0, t0 = time.process_time(), time.perf_counter()
        deadline = time.monotonic() + seconds

        async def worker(client: httpx.AsyncClient, offset: int) -> None:
            nonlocal started
            i = offset
            while time.monotonic() < deadline and started < max_requests:
                started += 1  # one event loop thread: no lock needed
                user = users[i % len(users)]
                i += concurrency  # spread clients over users
                t = time.perf_counter()
                try:
                    resp = await request(client, user, started)
                except httpx.TimeoutException:
                    result.record_failure("timeout")
                    continue
                except httpx.TransportError as exc:
                    result.record_failure(type(exc).__name__)
                    continue
                result.record(resp.status_code, (time.perf_counter() - t) * 1000)

        # A backstop beyond the httpx timeouts, so the phase always ends.
        try:
            async with asyncio.timeout(seconds + 3 * request_timeout + 5):
                await asyncio.gather(*(worker(c, k) for k, c in enumerate(clients)))
        except TimeoutError:
            result.record_failure("phase_backstop")
        result.elapsed_s = time.perf_counter() - t0
        result.client_cpu_s = time.process_time() - cpu0
    return result


# --------------------------------------------------------------------------------- cli


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def bounded_float(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:4000", help="server (loopback only)")
    ap.add_argument("--users", type=bounded_int(2, MAX_USERS), default=20)
    ap.add_argument("--follows", type=bounded_int(0, MAX_USERS), default=5, help="per user")
    ap.add_argument("--concurrency", type=bounded_int(1, MAX_CONCURRENCY), default=32)
    ap.add_argument("--seconds", type=bounded_float(0.1, MAX_SECONDS), default=15.0)
    ap.add_argument(
        "--max-requests",
        type=bounded_int(1, MAX_REQUESTS),
        default=1_000_000,
        help="per phase, an upper bound beside --seconds",
    )
    ap.add_argument("--timeout", type=bounded_float(0.1, 120), default=10.0, help="per request")
    ap.add_argument("--max-error-rate", type=bounded_float(0, 1), default=0.01)
    ap.add_argument("--seed", type=int, default=None, help="for the follow graph")
    ap.add_argument("--json", type=Path, default=None, help="also write results here")
    args = ap.parse_args(argv)
    try:
        args.base = loopback_base(args.base)
    except ValueError as exc:
        ap.error(str(exc))
    return args


async def main_async(args: argparse.Namespace) -> int:
    parallel = min(args.concurrency, 8)
    t = time.perf_counter()
    async with make_client(args.base, args.timeout, parallel) as client:
        try:
            users = await set_up(
                client, args.users, args.follows, parallel, random.Random(args.seed)
            )
        except (SetupError, httpx.HTTPError) as exc:
            print(f"setup failed ({type(exc).__name__}): {exc}", file=sys.stderr)
            return 2
    print(
        f"setup: {len(users)} users, {min(args.follows, args.users - 1)} follows each, "
        f"{time.perf_counter() - t:.1f} s"
    )
    results = []
    for name, request in (("post_statuses", post_status), ("home_timeline", home_timeline)):
        results.append(
            await run_phase(
                args.base,
                name,
                request,
                users,
                args.concurrency,
                args.seconds,
                args.max_requests,
                args.timeout,
            )
        )
    print(format_table(results))
    if args.json is not None:
        report = {
            "base": args.base,
            "users": args.users,
            "follows": args.follows,
            "concurrency": args.concurrency,
            "seconds": args.seconds,
            "phases": [r.summary() for r in results],
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    bad = [r.name for r in results if r.total == 0 or r.error_rate > args.max_error_rate]
    if bad:
        print(f"error rate above {args.max_error_rate:.2%} in: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return asyncio.run(main_async(parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
