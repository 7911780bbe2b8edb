"""Writes from concurrent requests share one insert, and a conflicting one fails alone."""

import threading
from typing import Any

import pytest

from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.errors import Invalid
from tidings.domain.ids import new_id
from tidings.domain.statuses.commands import PostStatus
from tidings.projections.eventstore import close_event_store, open_event_store


@pytest.fixture
def store(database: str, secret: bytes) -> Any:
    app = open_event_store(database, secret)
    yield app
    close_event_store(app)


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
        position = store.handle(
            PostStatus(
                status_id=new_id(),
                account_id=author,
                content="<p>x</p>",
                source=str(n),
                visibility="public",
            )
        )
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
