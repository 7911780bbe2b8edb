#!/usr/bin/env python3
"""Fills an event store with a realistic log (accounts, follows, posts) for rebuild and
timeline benchmarks, appending a thousand events per insert.

    tidings migrate   # with the same DATABASE_URL, so the tables exist
    DATABASE_URL=... TIDINGS_SECRET_KEY=... python bench/seed_log.py --accounts 1000 \\
        --follows 50 --statuses 100000

or, on a data folder's embedded PostgreSQL and key (migrated here; no server running):

    python bench/seed_log.py --data-dir /tmp/bench --tokens /tmp/bench/tokens.txt

Then ``tidings projections rebuild --all`` reports events/s per read model. ``--tokens``
also issues every account an OAuth token (read write follow) in the log and writes
``token account_id username`` lines to the file, for benchmarks that sign in as many users.
"""

import argparse
import os
import random
import secrets
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from tidings.api.services import digest
from tidings.domain.accounts.aggregates import Account, Claim, username_stream
from tidings.domain.accounts.events import UsernameClaimed
from tidings.domain.addressing import Visibility, address
from tidings.domain.aggregate import Aggregate
from tidings.domain.application import _Plain
from tidings.domain.graph.aggregates import FollowEdge, follow_stream
from tidings.domain.ids import new_id, stream_id
from tidings.domain.oauth.aggregates import Token
from tidings.domain.oauth.events import AppRegistered, TokenIssued
from tidings.domain.statuses.aggregates import Status
from tidings.domain.statuses.events import Create, Note
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.workers.app import prepare_database
from tidings.workers.embedded import secret_key, start_postgres

CHUNK = 1000
SCOPES = ["read", "write", "follow"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--follows", type=int, default=50, help="accounts each one follows")
    parser.add_argument("--statuses", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path, help="use this folder's embedded PostgreSQL")
    parser.add_argument("--tokens", type=Path, help="issue tokens, write them to this file")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.data_dir is not None:
            postgres = start_postgres(args.data_dir)
            stack.callback(postgres.stop)
            dsn, key = postgres.dsn, secret_key(args.data_dir)
            prepare_database(dsn, key)
        else:
            dsn_env, key_env = os.environ.get("DATABASE_URL"), os.environ.get("TIDINGS_SECRET_KEY")
            if not dsn_env or not key_env:
                print(
                    "set DATABASE_URL and TIDINGS_SECRET_KEY, or pass --data-dir", file=sys.stderr
                )
                return 2
            dsn, key = dsn_env, bytes.fromhex(key_env)
        return seed(args, dsn, key)


def seed(args: argparse.Namespace, dsn: str, key: bytes) -> int:
    rng = random.Random(args.seed)
    app = open_event_store(dsn, key)
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
    if args.tokens is not None:
        lines, aggregates = issue_tokens(ids)
        for aggregate in aggregates:
            pending.append(aggregate)
            flush()
        args.tokens.write_text("".join(lines))
        args.tokens.chmod(0o600)
    flush(force=True)
    close_event_store(app)
    elapsed = time.monotonic() - started
    print(f"appended {written} events in {elapsed:.1f} s ({written / elapsed:,.0f} events/s)")
    return 0


def issue_tokens(ids: list[str]) -> tuple[list[str], list[Aggregate]]:
    """One bench app and a token per account, as the password grant would issue them;
    the secrets exist in clear only in the returned lines."""
    app_id = new_id()
    record = _Plain(stream_id(app_id))
    record.trigger(
        AppRegistered,
        client_id=secrets.token_urlsafe(32),
        client_secret_digest=digest(secrets.token_urlsafe(32)),
        name="tidings-bench",
        website=None,
        redirect_uris=["urn:ietf:wg:oauth:2.0:oob"],
        scopes=SCOPES,
    )
    pending: list[Aggregate] = [record]
    lines = []
    for n, account_id in enumerate(ids):
        access = secrets.token_urlsafe(32)
        token = Token(stream_id(new_id()))
        token.trigger(
            TokenIssued,
            app_id=app_id,
            account_id=account_id,
            token_digest=digest(access),
            refresh_digest=None,
            scopes=SCOPES,
            grant_type="password",
        )
        pending.append(token)
        lines.append(f"{access} {account_id} bench{n}\n")
    return lines, pending


if __name__ == "__main__":
    sys.exit(main())
