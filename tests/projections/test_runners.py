"""Projections apply every event exactly once, however many runners race, and a rebuild
beside the live model ends identical to it while writes go on."""

import threading
from typing import Any

import psycopg

from tests.helpers import post_status
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.graph.commands import FollowAccount, UnfollowAccount
from tidings.domain.ids import new_id
from tidings.projections.rebuild import rebuild, verify
from tidings.projections.registry import NAMES
from tidings.projections.tracking import Waiter, read_position
from tidings.workers.runner import ProjectionRunners


def _populate(store: Any, accounts: int, posts_each: int) -> list[str]:
    ids = [new_id() for _ in range(accounts)]
    for n, account_id in enumerate(ids):
        store.handle(
            RegisterAccount(account_id=account_id, username=f"u{n}", email=None, password_hash="x")
        )

    def write(account_id: str) -> None:
        for _ in range(posts_each):
            post_status(store, account_id, "x", "public")
        for other in ids:
            if other != account_id:
                store.handle(FollowAccount(follower_id=account_id, followed_id=other))
        store.handle(UnfollowAccount(follower_id=account_id, followed_id=ids[0]))

    threads = [threading.Thread(target=write, args=(a,)) for a in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ids


def _stats(db: psycopg.Connection[Any]) -> dict[str, tuple[int, int, int]]:
    rows = db.execute(
        "SELECT account_id, followers_count, following_count, statuses_count"
        " FROM account_stats.account_stats"
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_two_runner_processes_never_apply_an_event_twice(
    store: Any, database: str, db: psycopg.Connection[Any]
) -> None:
    first, second = ProjectionRunners(database, store), ProjectionRunners(database, store)
    first.start()
    second.start()
    try:
        ids = _populate(store, accounts=6, posts_each=40)
        waiter = Waiter(database, NAMES)
        assert waiter.wait(store.recorder.max_notification_id(), timeout=30)
        waiter.close()
    finally:
        first.stop()
        second.stop()
    stats = _stats(db)
    assert stats[ids[0]] == (0, 5, 40)  # everyone unfollowed the first account again
    for account_id in ids[1:]:
        assert stats[account_id] == (5, 4, 40)
    timeline = db.execute("SELECT count(*) FROM home_timeline.home_timeline").fetchone()
    # own posts, plus 40 from each account still followed: 5 for the first, 4 for the rest
    assert timeline is not None and timeline[0] == 6 * 40 + 5 * 40 + 5 * 4 * 40


def test_a_restarted_runner_resumes_where_it_stopped(
    store: Any, database: str, db: psycopg.Connection[Any]
) -> None:
    ids = _populate(store, accounts=3, posts_each=10)
    runners = ProjectionRunners(database, store, names=["account_stats"])
    runners.start()
    waiter = Waiter(database, ["account_stats"])
    assert waiter.wait(store.recorder.max_notification_id(), timeout=30)
    runners.stop()
    post_status(store, ids[1], "y", "public")
    runners = ProjectionRunners(database, store, names=["account_stats"])
    runners.start()
    assert waiter.wait(store.recorder.max_notification_id(), timeout=30)
    runners.stop()
    waiter.close()
    assert _stats(db)[ids[1]][2] == 11


def test_rebuild_while_writes_go_on_matches_the_live_model(
    store: Any, database: str, db: psycopg.Connection[Any]
) -> None:
    runners = ProjectionRunners(database, store)
    runners.start()
    try:
        ids = _populate(store, accounts=4, posts_each=30)
        stop = threading.Event()

        def keep_writing() -> None:
            while not stop.is_set():
                post_status(store, ids[2], "z", "private")

        writer = threading.Thread(target=keep_writing)
        writer.start()
        with psycopg.connect(database, autocommit=True) as conn:
            for name in NAMES:
                assert rebuild(conn, store, name) > 0
        stop.set()
        writer.join()
        waiter = Waiter(database, NAMES)
        assert waiter.wait(store.recorder.max_notification_id(), timeout=30)
        waiter.close()
        with psycopg.connect(database, autocommit=True) as conn:
            for name in NAMES:
                assert read_position(conn, name) == store.recorder.max_notification_id()
                assert set(verify(conn, store, name).values()) == {0}, name
    finally:
        runners.stop()
