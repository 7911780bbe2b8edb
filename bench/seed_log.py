#!/usr/bin/env python3
"""Fills an event store with a realistic log (accounts, follows, posts) for rebuild and
timeline benchmarks, appending a thousand events per insert.

    tidings migrate   # with the same DATABASE_URL, so the tables exist
    DATABASE_URL=... TIDINGS_SECRET_KEY=... python bench/seed_log.py --accounts 1000 \\
        --follows 50 --statuses 100000

Then ``tidings projections rebuild --all`` reports events/s per read model.
"""

import argparse
import os
import random
import sys
import time

from tidings.domain.accounts.aggregates import Account, Claim, username_stream
from tidings.domain.accounts.events import UsernameClaimed
from tidings.domain.addressing import Visibility, address
from tidings.domain.aggregate import Aggregate
from tidings.domain.graph.aggregates import FollowEdge, follow_stream
from tidings.domain.ids import new_id, stream_id
from tidings.domain.statuses.aggregates import Status
from tidings.domain.statuses.events import Create, Note
from tidings.projections.eventstore import close_event_store, open_event_store

CHUNK = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--follows", type=int, default=50, help="accounts each one follows")
    parser.add_argument("--statuses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    dsn, key = os.environ.get("DATABASE_URL"), os.environ.get("TIDINGS_SECRET_KEY")
    if not dsn or not key:
        print("set DATABASE_URL and TIDINGS_SECRET_KEY", file=sys.stderr)
        return 2
    rng = random.Random(args.seed)
    app = open_event_store(dsn, bytes.fromhex(key))
    started, written = time.monotonic(), 0
    pending: list[Aggregate] = []

    def flush(force: bool = False) -> None:
        nonlocal written, pending
        if pending and (force or len(pending) >= CHUNK):
            written += len(app.save(*pending))
            pending = []

    ids = [new_id() for _ in range(args.accounts)]
    for n, account_id in enumerate(ids):
        account = Account.register(
            account_id, f"bench{n}", email=None, display_name=None, note=None, password_hash="x"
        )
        claim = Claim(username_stream(f"bench{n}"))
        claim.trigger(UsernameClaimed, account_id=account_id)
        pending += [account, claim]
        flush()
    for follower in ids:
        for followed in rng.sample(
            [i for i in ids if i != follower], min(args.follows, len(ids) - 1)
        ):
            edge = FollowEdge(follow_stream(follower, followed))
            edge.follow(follower, followed, None, None)
            pending.append(edge)
            flush()
    for n in range(args.statuses):
        author = rng.choice(ids)
        visibility: Visibility = rng.choice(("public", "public", "unlisted", "private"))
        to, cc = address(visibility, author, [])
        status = Status(stream_id(new_id()))
        status.trigger(
            Create,
            actor=author,
            to=to,
            cc=cc,
            object=Note(content=f"<p>post {n}</p>", source=f"post {n}"),
        )
        pending.append(status)
        flush()
    flush(force=True)
    close_event_store(app)
    elapsed = time.monotonic() - started
    print(f"appended {written} events in {elapsed:.1f} s ({written / elapsed:,.0f} events/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
