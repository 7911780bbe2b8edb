"""Two ``tidings serve`` processes on one database and one Redis: what is caused through
one reaches a client streaming from the other (issue 5's test)."""

import asyncio
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from tests.workers.server import TIDINGS, free_port

pytestmark = pytest.mark.slow

WITHIN = 1.0  # seconds: the bound from the causing request's answer to the frame


class Serve:
    def __init__(self, tmp: Path, name: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tmp / f"{name}.log"
        data = tmp / name
        data.mkdir()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*TIDINGS, "serve", "--data-dir", str(data), "--port", str(self.port)],
                env={
                    **env,
                    "TIDINGS_BASE_URL": self.base,
                    "TIDINGS_DOMAIN": f"127.0.0.1:{self.port}",
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/v1/streaming/health", timeout=1).text == "OK":
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"serve did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def two_servers(
    tmp_path: Path, database: str, redis_url: str, secret: bytes
) -> Iterator[tuple[Serve, Serve]]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "TIDINGS_SECRET_KEY")
    }
    env.update(
        DATABASE_URL=database,
        REDIS_URL=redis_url,
        TIDINGS_SECRET_KEY=secret.hex(),
        TIDINGS_WORKERS="1",
        TIDINGS_RATE_LIMITS="off",
        TIDINGS_PASSWORD_HASH_PROFILE="cheapest",
        TIDINGS_LOG_LEVEL="WARNING",
    )
    servers = (Serve(tmp_path, "one", env), Serve(tmp_path, "two", env))
    try:
        for server in servers:
            server.wait_ready()
        yield servers
    finally:
        for server in servers:
            server.stop()


def register(base: str, username: str) -> dict[str, str]:
    """An account through that server's API: its id and token."""
    with httpx.Client(base_url=base, trust_env=False, timeout=30) as http:
        app = http.post(
            "/api/v1/apps",
            data={
                "client_name": "t",
                "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                "scopes": "read write follow",
            },
        ).json()
        grant = http.post(
            "/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "scope": "read write follow",
            },
        ).json()
        made = http.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {grant['access_token']}"},
            data={
                "username": username,
                "email": f"{username}@example.org",
                "password": "correct horse",
                "agreement": "true",
                "locale": "en",
            },
        )
        assert made.status_code == 200, made.text
        token = made.json()["access_token"]
        me = http.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
        ).json()
    return {"id": me["id"], "token": token}


def request(base: str, method: str, path: str, token: str, **data: str) -> dict[str, Any]:
    answer = httpx.request(
        method,
        f"{base}{path}",
        headers={"Authorization": f"Bearer {token}"},
        data=data,
        trust_env=False,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def _first(url: str, event: str, cause: Any) -> tuple[dict[str, Any], float]:
    """Connects, runs ``cause`` (blocking, in a thread) and returns the first ``event``
    frame with the seconds from the cause's answer to the frame's arrival."""
    async with websockets.connect(url, proxy=None) as ws:
        await asyncio.to_thread(cause)
        answered = time.monotonic()
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if frame["event"] == event:
                return frame, time.monotonic() - answered


def test_a_post_through_one_process_streams_from_the_other(
    two_servers: tuple[Serve, Serve],
) -> None:
    one, two = two_servers
    alice = register(two.base, "alice")
    bob = register(one.base, "bob")
    request(one.base, "POST", f"/api/v1/accounts/{alice['id']}/follow", bob["token"])
    url = (
        f"{one.base.replace('http', 'ws')}/api/v1/streaming?stream=user&access_token={bob['token']}"
    )
    posted: dict[str, Any] = {}

    def cause() -> None:
        posted.update(
            request(
                two.base,
                "POST",
                "/api/v1/statuses",
                alice["token"],
                status="through two",
                visibility="private",
            )
        )

    frame, seconds = asyncio.run(_first(url, "update", cause))
    assert json.loads(frame["payload"])["id"] == posted["id"]
    assert frame["stream"] == ["user"]
    assert seconds < WITHIN


def test_a_favourite_through_one_process_notifies_a_stream_on_the_other(
    two_servers: tuple[Serve, Serve],
) -> None:
    one, two = two_servers
    alice = register(two.base, "alice")
    bob = register(one.base, "bob")
    status = request(one.base, "POST", "/api/v1/statuses", bob["token"], status="like me")
    url = (
        f"{one.base.replace('http', 'ws')}/api/v1/streaming"
        f"?stream=user:notification&access_token={bob['token']}"
    )

    def cause() -> None:
        request(two.base, "POST", f"/api/v1/statuses/{status['id']}/favourite", alice["token"])

    frame, seconds = asyncio.run(_first(url, "notification", cause))
    notification = json.loads(frame["payload"])
    assert notification["type"] == "favourite"
    assert notification["account"]["id"] == alice["id"]
    assert notification["status"]["id"] == status["id"]
    assert frame["stream"] == ["user:notification"]
    assert seconds < WITHIN
