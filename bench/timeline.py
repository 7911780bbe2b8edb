#!/usr/bin/env python3
"""Home timeline benchmarks: read throughput, and the delay from a post to its followers'
home timelines. Both run against a `tidings serve` on loopback whose data folder was
seeded through the log (far faster than posting 100,000 statuses over HTTP):

    python bench/timeline.py seed --data-dir /tmp/bench-home   # 1,000 accounts following
        # 50 each, 100,000 statuses, a token per account in /tmp/bench-home/tokens.txt;
        # then rebuilds every read model (no server may run on the folder meanwhile)
    TIDINGS_RATE_LIMITS=off tidings serve --data-dir /tmp/bench-home --port 4600 &
    python bench/timeline.py reads --base http://127.0.0.1:4600 --data-dir /tmp/bench-home
    python bench/timeline.py delay --base http://127.0.0.1:4600 --data-dir /tmp/bench-home

reads: wrk sends GET /api/v1/timelines/home?limit=20, each request as a random one of the
seeded users (so the reads are not one cached timeline), at each --concurrency; prints
requests/s and p50/p99 per concurrency. Needs wrk (Debian: apt-get install wrk).

delay: posts --posts public statuses at --rate per second (open loop, each from a
different seeded account, so about --follows followers each) and, on a connection to the
folder's PostgreSQL, LISTENs for the home_timeline projection's NOTIFY: a post counts as
delivered at the first NOTIFY after which all its followers' rows (and the author's) are in
home_timeline.home_timeline. Prints post -> home delay and POST latency, p50/p99. Because a
write is answered only after every projection applied it, the delay should not exceed the
POST latency; the script reports how often it did. Exits 1 if a post never arrived.

Only loopback servers are accepted; every run is bounded in requests and time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import load  # sibling script: loopback check, percentiles, httpx client
import psycopg
import wrk  # sibling script: wrk output parsing

from tidings.domain.ids import flake_at

BENCH = Path(__file__).resolve().parent
LUA = BENCH / "wrk_phases.lua"
HOME = "/api/v1/timelines/home?limit=20"
MAX_POSTS = 10_000
MAX_SECONDS = 600


@dataclass
class Seeded:
    token: str
    account_id: str
    username: str


def read_tokens(path: Path) -> list[Seeded]:
    """The ``token account_id username`` lines `seed_log.py --tokens` writes."""
    users = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) == 3:
            users.append(Seeded(*parts))
    if not users:
        raise SystemExit(f"no tokens in {path}")
    return users


def tokens_path(args: argparse.Namespace) -> Path:
    return Path(args.tokens or args.data_dir / "tokens.txt")


# -------------------------------------------------------------------------------- seed


def cmd_seed(args: argparse.Namespace) -> int:
    """The log through seed_log.py, then every read model rebuilt from it."""
    tokens = tokens_path(args)
    seed = [
        sys.executable,
        str(BENCH / "seed_log.py"),
        "--data-dir",
        str(args.data_dir),
        "--accounts",
        str(args.accounts),
        "--follows",
        str(args.follows),
        "--statuses",
        str(args.statuses),
        "--tokens",
        str(tokens),
    ]
    tidings = shutil.which("tidings") or "tidings"
    rebuild = [tidings, "projections", "rebuild", "--all", "--data-dir", str(args.data_dir)]
    for command in (seed, rebuild):
        print("+ " + " ".join(command), flush=True)
        subprocess.run(command, check=True)
    print(f"tokens for {args.accounts} accounts in {tokens}")
    return 0


# ------------------------------------------------------------------------------- reads


def sample_pages(base: str, users: Sequence[Seeded], n: int) -> list[int]:
    """Statuses per home page for a few users: an empty timeline would be a cheap read."""
    counts = []
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
        for user in users[:n]:
            resp = client.get(HOME, headers={"Authorization": f"Bearer {user.token}"})
            resp.raise_for_status()
            counts.append(len(resp.json()))
    return counts


def run_wrk(base: str, tokens: Path, connections: int, seconds: int, threads: int) -> str:
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
    command += ["--latency", "-s", str(LUA), base, "--", str(tokens), "GET", HOME]
    return subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout


def cmd_reads(args: argparse.Namespace) -> int:
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    base = load.loopback_base(args.base)
    tokens = tokens_path(args)
    users = read_tokens(tokens)
    counts = sample_pages(base, users, 20)
    print(
        f"{len(users)} users; sampled home pages hold {min(counts)}-{max(counts)} statuses "
        f"(limit 20); {args.seconds} s per run"
    )
    if args.warmup:
        run_wrk(base, tokens, args.concurrency[0], args.warmup, args.threads)
    print(f"{'connections':>11}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    failed = False
    for connections in args.concurrency:
        figures = wrk.parse(run_wrk(base, tokens, connections, args.seconds, args.threads))
        print(
            f"{connections:>11}{figures['rps']:>10.0f}{figures['p50']:>9.1f}"
            f"{figures['p99']:>9.1f}{figures['non_2xx']:>9.0f}",
            flush=True,
        )
        failed |= figures["non_2xx"] > 0 or figures["socket_errors"] > 0
    if failed:
        print("some requests failed (non-2xx or socket errors)", file=sys.stderr)
    return 1 if failed else 0


# ------------------------------------------------------------------------------- delay


@dataclass
class Probe:
    author: Seeded
    expected: int  # rows the post must reach: one per follower, and the author's own
    sent: float = 0.0
    answered: float = 0.0
    status_id: str = ""
    http_status: int = 0
    delivered: float = 0.0  # when the NOTIFY that completed its rows arrived
    delivered_id: str = ""


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str]:
    """A DSN for the server's database: --database-url, or the data folder's embedded
    PostgreSQL (attached to, not started anew, while the server runs)."""
    if args.database_url:
        yield args.database_url
        return
    from tidings.workers.embedded import start_postgres

    postgres = start_postgres(args.data_dir)
    try:
        yield postgres.dsn
    finally:
        postgres.stop()  # leaves it running for the server, which holds it too


class Listener(threading.Thread):
    """Marks probes delivered when a home_timeline NOTIFY finds all their rows."""

    def __init__(self, dsn: str, probes: dict[str, Probe], since: str) -> None:
        super().__init__(name="home-listener", daemon=True)
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("LISTEN projection_home_timeline")  # before any post is sent
        self.probes, self.since = probes, since
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.notifies = 0

    def waiting(self) -> dict[str, Probe]:
        with self.lock:
            return {k: p for k, p in self.probes.items() if p.sent and not p.delivered}

    def check(self, at: float) -> None:
        waiting = self.waiting()
        if not waiting:
            return
        rows = self.conn.execute(
            "SELECT p.author_id, p.status_id, count(h.owner_id)"
            " FROM home_timeline.home_posts p"
            " JOIN home_timeline.home_timeline h ON h.status_id = p.status_id"
            ' WHERE p.author_id = ANY(%s) AND p.status_id COLLATE "C" > %s'
            " GROUP BY p.author_id, p.status_id",
            (list(waiting), self.since),
        ).fetchall()
        with self.lock:
            for author_id, status_id, count in rows:
                probe = waiting[author_id]
                if count >= probe.expected and not probe.delivered:
                    probe.delivered, probe.delivered_id = at, status_id

    def run(self) -> None:
        while not self.stopping.is_set():
            # The generator holds the connection: take the NOTIFY, then query. With none
            # for a while, look anyway (an upper bound, should never matter).
            got = sum(1 for _ in self.conn.notifies(timeout=0.25, stop_after=1))
            self.notifies += got
            self.check(time.perf_counter())

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)
        self.conn.close()


def followers(dsn: str, authors: list[str]) -> dict[str, int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT followed_id, count(*) FROM home_timeline.home_follows"
            " WHERE followed_id = ANY(%s) AND follower_id <> followed_id GROUP BY followed_id",
            (authors,),
        ).fetchall()
    return {a: 0 for a in authors} | {a: int(n) for a, n in rows}


async def post_all(base: str, probes: Sequence[Probe], rate: float, lock: threading.Lock) -> None:
    """Open loop: probe i is sent at start + i/rate whatever earlier answers took."""
    async with load.make_client(base, 30.0, 64) as client:
        start = time.perf_counter()

        async def one(i: int, probe: Probe) -> None:
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            with lock:
                probe.sent = time.perf_counter()
            resp = await client.post(
                "/api/v1/statuses",
                headers={"Authorization": f"Bearer {probe.author.token}"},
                data={"status": f"home delay probe {i}", "visibility": "public"},
            )
            probe.answered = time.perf_counter()
            probe.http_status = resp.status_code
            if resp.status_code == 200:
                probe.status_id = str(resp.json()["id"])

        await asyncio.gather(*(one(i, p) for i, p in enumerate(probes)))


def ms_figures(values: Sequence[float]) -> str:
    if not values:
        return "-"
    p50, p99 = load.percentile(values, 50), load.percentile(values, 99)
    return f"p50 {p50:7.1f}  p99 {p99:7.1f}  max {max(values):7.1f}"


def cmd_delay(args: argparse.Namespace) -> int:
    base = load.loopback_base(args.base)
    users = read_tokens(tokens_path(args))
    if args.posts > len(users):
        print(f"--posts may be at most {len(users)} (one post per seeded account)")
        return 2
    authors = users[: args.posts]
    with database(args) as dsn:
        counts = followers(dsn, [u.account_id for u in authors])
        probes = {u.account_id: Probe(u, counts[u.account_id] + 1) for u in authors}
        listener = Listener(dsn, probes, flake_at(int(time.time() * 1000) - 1000))
        listener.start()
        try:
            asyncio.run(post_all(base, list(probes.values()), args.rate, listener.lock))
            deadline = time.monotonic() + args.timeout
            while listener.waiting() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            listener.stop()
    done = list(probes.values())
    ok = [p for p in done if p.http_status == 200]
    delivered = [p for p in ok if p.delivered]
    wrong = [p for p in delivered if p.delivered_id != p.status_id]
    fan = [p.expected - 1 for p in done]
    post_ms = [(p.answered - p.sent) * 1000 for p in ok]
    delay_ms = [(p.delivered - p.sent) * 1000 for p in delivered]
    after = [p for p in delivered if p.delivered > p.answered]
    print(
        f"{len(done)} posts at {args.rate:g}/s, followers per post {min(fan)}-{max(fan)} "
        f"(mean {statistics.mean(fan):.1f}); {listener.notifies} NOTIFYs"
    )
    print(f"POST /api/v1/statuses ms   {ms_figures(post_ms)}")
    print(f"post -> home timelines ms  {ms_figures(delay_ms)}")
    late = max(((p.delivered - p.answered) * 1000 for p in after), default=0.0)
    # The NOTIFY reaches this listener about when it reaches the server's waiter, so a
    # few posts seen a millisecond after their answer are skew; more is a read-your-writes bug.
    print(
        f"delivered {len(delivered)}/{len(ok)}; seen after the POST answered: {len(after)} "
        f"(by at most {late:.1f} ms; read-your-writes says none); "
        f"non-200 answers: {len(done) - len(ok)}"
    )
    if wrong:
        print(f"{len(wrong)} posts delivered under another id than the POST answered")
    return 0 if len(delivered) == len(done) and not wrong else 1


# --------------------------------------------------------------------------------- cli


def concurrencies(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or any(not 1 <= v <= load.MAX_CONCURRENCY for v in values):
        raise argparse.ArgumentTypeError(f"comma-separated, each 1-{load.MAX_CONCURRENCY}")
    return values


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)

    def phase(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--data-dir", type=Path, required=True, help="the server's data folder")
        p.add_argument("--tokens", type=Path, help="default: DATA_DIR/tokens.txt")
        return p

    seed = phase("seed", "seed the folder's log, issue tokens, rebuild the read models")
    seed.add_argument("--accounts", type=load.bounded_int(2, 100_000), default=1000)
    seed.add_argument("--follows", type=load.bounded_int(0, 1000), default=50)
    seed.add_argument("--statuses", type=load.bounded_int(0, 10_000_000), default=100_000)
    reads = phase("reads", "home timeline requests/s and latency, driven by wrk")
    reads.add_argument("--base", default="http://127.0.0.1:4600")
    reads.add_argument("--concurrency", type=concurrencies, default=[1, 8, 32, 128])
    reads.add_argument("--seconds", type=load.bounded_int(1, MAX_SECONDS), default=20)
    reads.add_argument("--warmup", type=load.bounded_int(0, 60), default=5, help="seconds")
    reads.add_argument("--threads", type=load.bounded_int(1, 8), default=1, help="wrk threads")
    delay = phase("delay", "post -> followers' home timelines delay, and POST latency")
    delay.add_argument("--base", default="http://127.0.0.1:4600")
    delay.add_argument("--database-url", help="the server's database (default: the folder's)")
    delay.add_argument("--posts", type=load.bounded_int(1, MAX_POSTS), default=300)
    delay.add_argument("--rate", type=load.bounded_float(0.1, 200), default=5.0, help="posts/s")
    delay.add_argument("--timeout", type=load.bounded_float(1, 120), default=15.0)
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    command: Any = {"seed": cmd_seed, "reads": cmd_reads, "delay": cmd_delay}[args.command]
    return int(command(args))


if __name__ == "__main__":
    sys.exit(main())
