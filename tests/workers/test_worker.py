"""``tidings worker`` as separate processes: the API serves what they project, and two of
them on one database never apply an event twice."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from tests.helpers import Client
from tidings.api.settings import Settings
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.projections.rebuild import verify
from tidings.projections.registry import NAMES
from tidings.workers.app import build_app

pytestmark = pytest.mark.slow


@pytest.fixture
def two_workers(settings: Settings) -> Iterator[list[subprocess.Popen[bytes]]]:
    assert settings.database_url is not None and settings.secret_key is not None
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url or "",
        "TIDINGS_SECRET_KEY": settings.secret_key.hex(),
        "TIDINGS_LOG_LEVEL": "WARNING",
    }
    workers = [
        subprocess.Popen([sys.executable, "-m", "tidings.workers.cli", "worker"], env=env)
        for _ in range(2)
    ]
    yield workers
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    assert [worker.wait(20) for worker in workers] == [0, 0]


def test_two_worker_processes_project_everything_exactly_once(
    settings: Settings, two_workers: list[Any], db: psycopg.Connection[Any]
) -> None:
    with TestClient(
        app=build_app(settings, with_runners=False), base_url="http://testserver.local"
    ) as http:
        client = Client(http)
        users = [client.register(f"w{n}") for n in range(4)]
        for follower in users:
            for followed in users:
                if follower is not followed:
                    assert (
                        client.post(
                            f"/api/v1/accounts/{followed.id}/follow", headers=follower.auth
                        ).status_code
                        == 200
                    )
            for n in range(5):
                assert (
                    client.post(
                        "/api/v1/statuses", headers=follower.auth, data={"status": f"post {n}"}
                    ).status_code
                    == 200
                )
        me = client.get("/api/v1/accounts/verify_credentials", headers=users[0].auth).json()
        assert (me["followers_count"], me["following_count"], me["statuses_count"]) == (3, 3, 5)
        home = client.get("/api/v1/timelines/home?limit=40", headers=users[0].auth).json()
        assert len(home) == 20
    assert settings.database_url is not None and settings.secret_key is not None
    app = open_event_store(settings.database_url, settings.secret_key)
    try:
        for name in NAMES:
            assert set(verify(db, app, name).values()) == {0}, name
    finally:
        close_event_store(app)
