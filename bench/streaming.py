#!/usr/bin/env python3
"""Streaming delivery latency with many connected clients, against a running Tidings.

Setup: registers --accounts accounts that follow one poster, then opens --clients
WebSocket connections to /api/v1/streaming: half on ``public`` (anonymous), half on
``user`` (spread over the followers' tokens). Then the poster publishes --posts statuses,
one every --interval seconds, and every frame's latency is measured from just before its
POST was sent to the frame's arrival. Prints p50/p90/p99 per stream and how many frames
of those expected arrived.

    TIDINGS_RATE_LIMITS=off tidings serve &
    python bench/streaming.py --base http://127.0.0.1:4000 --clients 1000 --posts 30

Only loopback servers are accepted; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import secrets
import sys
import time
from collections import defaultdict
from fractions import Fraction
from urllib.parse import urlsplit

import httpx
import websockets

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SCOPES = "read write follow"
MAX_CLIENTS = 5000
MAX_POSTS = 1000
DRAIN_SECONDS = 10.0  # after the last post, how long frames still late are waited for


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: an observed latency, never an interpolated one."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = math.ceil(Fraction(str(p)) * len(ordered) / 100)
    return ordered[max(rank, 1) - 1]


def loopback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise SystemExit(f"refusing {url!r}: only loopback servers are benchmarked")
    return url.rstrip("/")


async def register(http: httpx.AsyncClient, app_token: str, username: str) -> dict[str, str]:
    made = await http.post(
        "/api/v1/accounts",
        headers={"Authorization": f"Bearer {app_token}"},
        data={
            "username": username,
            "email": f"{username}@example.org",
            "password": secrets.token_urlsafe(12),
            "agreement": "true",
            "locale": "en",
        },
    )
    if made.status_code != 200:
        raise SystemExit(f"registering {username} failed ({made.status_code}): {made.text}")
    token = made.json()["access_token"]
    me = await http.get(
        "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    return {"id": me.json()["id"], "token": token}


async def setup(base: str, accounts: int) -> tuple[dict[str, str], list[dict[str, str]]]:
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
        app = (
            await http.post(
                "/api/v1/apps",
                data={
                    "client_name": "bench",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": SCOPES,
                },
            )
        ).json()
        grant = (
            await http.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": app["client_id"],
                    "client_secret": app["client_secret"],
                    "scope": SCOPES,
                },
            )
        ).json()
        run = secrets.token_hex(3)
        poster = await register(http, grant["access_token"], f"poster{run}")
        limit = asyncio.Semaphore(8)

        async def follower(n: int) -> dict[str, str]:
            async with limit:
                account = await register(http, grant["access_token"], f"reader{run}x{n}")
                followed = await http.post(
                    f"/api/v1/accounts/{poster['id']}/follow",
                    headers={"Authorization": f"Bearer {account['token']}"},
                )
                if followed.status_code != 200:
                    raise SystemExit(f"follow failed: {followed.text}")
                return account

        followers = await asyncio.gather(*(follower(n) for n in range(accounts)))
    return poster, list(followers)


class Receiver:
    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.early: list[tuple[str, str, float]] = []  # frames that beat their POST's answer

    def record(self, kind: str, frame: str) -> None:
        now = time.perf_counter()
        message = json.loads(frame)
        if message.get("event") != "update":
            return
        status_id = json.loads(message["payload"])["id"]
        started = self.sent_at.get(status_id)
        if started is None:
            self.early.append((kind, status_id, now))
        else:
            self.latencies[kind].append((now - started) * 1000)

    def settle(self, starts: dict[str, float]) -> None:
        for kind, status_id, at in self.early:
            if status_id in starts:
                self.latencies[kind].append((at - starts[status_id]) * 1000)
        self.early.clear()


async def listen(
    url: str,
    kind: str,
    receiver: Receiver,
    ready: asyncio.Event,
    stop: asyncio.Event,
    opened: list[int],
    total: int,
) -> None:
    async with websockets.connect(url, proxy=None, open_timeout=60, max_queue=None) as ws:
        opened[0] += 1
        if opened[0] == total:
            ready.set()
        while not stop.is_set():
            try:
                frame = await asyncio.wait_for(ws.recv(), 0.5)
            except TimeoutError:
                continue
            receiver.record(kind, frame if isinstance(frame, str) else frame.decode())


async def main(args: argparse.Namespace) -> int:
    base = loopback(args.base)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.clients + 256)), hard))
    print(f"setup: {args.accounts} followers of one poster...", file=sys.stderr)
    poster, followers = await setup(base, args.accounts)
    ws_base = base.replace("http", "ws", 1) + "/api/v1/streaming"
    receiver = Receiver()
    ready, stop = asyncio.Event(), asyncio.Event()
    opened = [0]
    tasks = []
    for n in range(args.clients):
        if n % 2 == 0:
            url, kind = f"{ws_base}?stream=public", "public"
        else:
            token = followers[(n // 2) % len(followers)]["token"]
            url, kind = f"{ws_base}?stream=user&access_token={token}", "user"
        tasks.append(
            asyncio.create_task(listen(url, kind, receiver, ready, stop, opened, args.clients))
        )
        if n % 100 == 99:
            await asyncio.sleep(0.05)  # no thundering herd of handshakes
    try:
        await asyncio.wait_for(ready.wait(), 120)
    except TimeoutError:
        failed = [t for t in tasks if t.done() and t.exception()]
        print(
            f"only {opened[0]} of {args.clients} connected; {len(failed)} failed", file=sys.stderr
        )
        if failed:
            print(repr(failed[0].exception()), file=sys.stderr)
        return 2
    print(f"{args.clients} clients connected; posting {args.posts}...", file=sys.stderr)
    post_ms: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60, trust_env=False) as http:
        for n in range(args.posts):
            started = time.perf_counter()
            answer = await http.post(
                "/api/v1/statuses",
                headers={"Authorization": f"Bearer {poster['token']}"},
                data={"status": f"bench post {n}"},
            )
            post_ms.append((time.perf_counter() - started) * 1000)
            if answer.status_code != 200:
                print(f"post failed: {answer.text}", file=sys.stderr)
                return 1
            receiver.sent_at[answer.json()["id"]] = started
            receiver.settle(receiver.sent_at)
            await asyncio.sleep(args.interval)
    expected = args.posts * args.clients // 2
    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        receiver.settle(receiver.sent_at)
        if sum(len(v) for v in receiver.latencies.values()) >= 2 * expected:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(f"clients {args.clients}, posts {args.posts}, POST p50 {percentile(post_ms, 50):.1f} ms")
    print(f"{'stream':<8} {'frames':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ("public", "user"):
        values = receiver.latencies.get(kind, [])
        print(
            f"{kind:<8} {len(values):>5}/{expected:<5}"
            f" {percentile(values, 50):>6.1f} {percentile(values, 90):>8.1f}"
            f" {percentile(values, 99):>8.1f} {max(values, default=math.nan):>8.1f}"
        )
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:4000")
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--accounts", type=int, default=50, help="followers holding user streams")
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between posts")
    args = parser.parse_args(argv)
    if not 2 <= args.clients <= MAX_CLIENTS or not 1 <= args.posts <= MAX_POSTS:
        parser.error(f"--clients 2..{MAX_CLIENTS}, --posts 1..{MAX_POSTS}")
    if args.accounts < 1 or not 0 <= args.interval <= 10:
        parser.error("--accounts >= 1, --interval 0..10")
    return args


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
