#!/usr/bin/env python3
"""The same two phases as load.py (post statuses, read home timelines), driven by wrk so
the client costs a fraction of a core and the figures are the server's, not Python's.

    python bench/wrk.py --base http://127.0.0.1:4000 --users 20 --connections 32 --seconds 15

Needs wrk (Debian: apt-get install wrk). Loopback servers only.
"""

import argparse
import asyncio
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import load  # the sibling script: user set-up and the loopback check

SCRIPT = Path(__file__).with_name("wrk_phases.lua")
PHASES = (
    ("post_statuses", "POST", "/api/v1/statuses"),
    ("home_timeline", "GET", "/api/v1/timelines/home?limit=20"),
)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def parse(output: str) -> dict[str, float]:
    """Requests/s, p50 and p99 in ms, and non-2xx count from wrk --latency output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", default="http://127.0.0.1:4000")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--follows", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    base = load.loopback_base(args.base)
    if shutil.which("wrk") is None:
        print("wrk is not installed", file=sys.stderr)
        return 2

    async def set_up() -> list[load.User]:
        async with load.make_client(base, 30.0, 8) as client:
            return await load.set_up(client, args.users, args.follows, 8, random.Random(1))

    users = asyncio.run(set_up())
    with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as tokens:
        tokens.write("\n".join(u.token for u in users))
    print(f"{'phase':<15}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, method, path in PHASES:
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--latency",
                "-s",
                str(SCRIPT),
                base,
                "--",
                tokens.name,
                method,
                path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        figures = parse(output)
        print(
            f"{name:<15}{figures['rps']:>10.0f}{figures['p50']:>9.1f}{figures['p99']:>9.1f}"
            f"{figures['non_2xx']:>9.0f}"
        )
    Path(tokens.name).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
