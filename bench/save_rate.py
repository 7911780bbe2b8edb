#!/usr/bin/env python3
"""The event store's raw write ceilings on this machine: one ``save()`` per event (what a
request without group commit costs) against the group-commit path of ``Tidings.handle``.

    DATABASE_URL=... TIDINGS_SECRET_KEY=... python bench/save_rate.py --threads 8 --seconds 5
"""

import argparse
import os
import statistics
import sys
import threading
import time

from tidings.domain.application import Tidings
from tidings.domain.ids import new_id, stream_id
from tidings.domain.statuses.aggregates import Status
from tidings.domain.statuses.commands import PostStatus
from tidings.domain.statuses.events import Create, Note
from tidings.projections.eventstore import close_event_store, open_event_store


def run(app: Tidings, threads: int, seconds: float, grouped: bool) -> tuple[float, float, float]:
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    author = new_id()

    def work() -> None:
        mine = []
        while time.monotonic() < deadline:
            started = time.perf_counter()
            if grouped:
                app.handle(
                    PostStatus(
                        status_id=new_id(),
                        account_id=author,
                        content="<p>x</p>",
                        source="x",
                        visibility="public",
                    )
                )
            else:
                status = Status(stream_id(new_id()))
                status.trigger(
                    Create, actor=author, to=[], cc=[], object=Note(content="<p>x</p>", source="x")
                )
                app.save(status)
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    return len(latencies) / seconds, statistics.median(latencies) * 1000, p99


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    dsn, key = os.environ.get("DATABASE_URL"), os.environ.get("TIDINGS_SECRET_KEY")
    if not dsn or not key:
        print("set DATABASE_URL and TIDINGS_SECRET_KEY", file=sys.stderr)
        return 2
    app = open_event_store(dsn, bytes.fromhex(key))
    print(f"{'threads':>7} {'path':<14} {'saves/s':>9} {'p50 ms':>7} {'p99 ms':>7}")
    for threads in args.threads:
        for grouped in (False, True):
            rate, p50, p99 = run(app, threads, args.seconds, grouped)
            path = "group commit" if grouped else "save() each"
            print(f"{threads:>7} {path:<14} {rate:>9,.0f} {p50:>7.1f} {p99:>7.1f}")
    close_event_store(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
