"""Writes from concurrent requests share one insert, and a conflicting one fails alone."""

import threading
from pathlib import Path
from typing import Any

from tests.helpers import post_status
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.errors import Invalid
from tidings.domain.ids import new_id, stream_id
from tidings.domain.statuses.aggregates import Status
from tidings.domain.statuses.events import Create, Note
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.workers.app import prepare_database
from tidings.workers.embedded import start_postgres


def test_a_taken_name_in_a_busy_batch_fails_alone(store: Any) -> None:
    author = new_id()
    store.handle(
        RegisterAccount(account_id=author, username="author", email=None, password_hash="x")
    )
    outcomes: dict[str, list[object]] = {"ok": [], "taken": [], "posts": []}
    lock = threading.Lock()
    start = threading.Barrier(24)

    def claim(n: int) -> None:
        start.wait()
        try:
            position = store.handle(
                RegisterAccount(
                    account_id=new_id(),
                    username="popular",
                    email=f"{n}@x.example",
                    password_hash="x",
                )
            )
        except Invalid:
            with lock:
                outcomes["taken"].append(n)
        else:
            with lock:
                outcomes["ok"].append(position)

    def post(n: int) -> None:
        start.wait()
        position = post_status(store, author, str(n), "public")
        with lock:
            outcomes["posts"].append(position)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
    threads += [threading.Thread(target=post, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes["ok"]) == 1
    assert len(outcomes["taken"]) == 7
    assert len(outcomes["posts"]) == 16
    assert len(set(outcomes["posts"])) == 16  # every request learns its own position


def test_a_large_group_commit_goes_through_a_unix_socket(tmp_path: Path, secret: bytes) -> None:
    """psycopg's pipeline mode deadlocked here once an insert carried a few hundred KB."""
    embedded = start_postgres(tmp_path)  # the embedded default speaks only through a socket
    try:
        prepare_database(embedded.dsn, secret)
        app = open_event_store(embedded.dsn, secret)
        author = new_id()
        statuses = []
        for _ in range(100):
            status = Status(stream_id(new_id()))
            status.trigger(
                Create,
                actor=author,
                to=[],
                cc=[],
                object=Note(content="x" * 5000, source="y" * 5000),
            )
            statuses.append(status)
        done = threading.Event()
        saved: list[object] = []

        def save() -> None:
            saved.extend(app.save(*statuses))
            done.set()

        threading.Thread(target=save, daemon=True).start()
        assert done.wait(30), "the insert hung"
        assert len(saved) == 100
        close_event_store(app)
    finally:
        embedded.stop()
