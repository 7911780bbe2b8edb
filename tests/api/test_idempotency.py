"""``Idempotency-Key``: a retried post answers the status the first try made."""

import threading
from typing import Any, cast

import httpx
import psycopg
from litestar.testing import TestClient

from tests.helpers import Client, User, event_count


def _post(client: Client, user: User, key: str, text: str = "once") -> httpx.Response:
    return client.post(
        "/api/v1/statuses",
        headers={**user.auth, "Idempotency-Key": key},
        data={"status": text},
    )


def _count(client: Client, user: User) -> int:
    me = client.get("/api/v1/accounts/verify_credentials", headers=user.auth).json()
    return int(me["statuses_count"])


def test_a_repeated_key_answers_the_first_status_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    first = _post(client, alice, "key-1")
    assert first.status_code == 200, first.text
    before = event_count(db)
    again = _post(client, alice, "key-1", text="a different body changes nothing")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["content"] == "<p>once</p>"
    assert event_count(db) == before
    other_key = _post(client, alice, "key-2")
    assert other_key.json()["id"] != first.json()["id"]
    no_key = [client.post("/api/v1/statuses", headers=alice.auth, data={"status": "x"})]
    no_key.append(client.post("/api/v1/statuses", headers=alice.auth, data={"status": "x"}))
    assert no_key[0].json()["id"] != no_key[1].json()["id"]
    assert _count(client, alice) == 4


def test_the_same_key_from_another_account_is_its_own(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    mine = _post(client, alice, "shared").json()
    theirs = _post(client, bob, "shared").json()
    assert mine["id"] != theirs["id"]
    assert theirs["account"]["id"] == bob.id
    assert _post(client, bob, "shared").json()["id"] == theirs["id"]


def test_a_failed_first_try_does_not_block_a_retry(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    refused = _post(client, alice, "retry", text="   ")
    assert refused.status_code == 422
    hidden = _post(client, alice, "retry", text="hi")
    assert hidden.status_code == 200, hidden.text
    assert event_count(db) > before
    assert _post(client, alice, "retry", text="hi").json()["id"] == hidden.json()["id"]
    assert _count(client, alice) == 1


def test_concurrent_duplicates_make_one_status(live_server: str) -> None:
    with httpx.Client(base_url=live_server, timeout=30) as http:
        client = Client(cast(TestClient[Any], http))  # the helper only needs httpx's API
        alice = client.register("alice")
        start = threading.Barrier(6)
        answers: list[httpx.Response] = []

        def attempt() -> None:
            start.wait()
            answers.append(_post(client, alice, "concurrent"))

        threads = [threading.Thread(target=attempt) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert [a.status_code for a in answers] == [200] * 6
        assert len({a.json()["id"] for a in answers}) == 1
        assert _count(client, alice) == 1
