"""Streaming over a real socket: Mastodon's server-sent events (as Mastodon.py reads them),
and the WebSocket's HTTP refusals, which only a real server can answer."""

import asyncio
import json
import queue
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
import websockets
from mastodon import StreamListener

from tests.helpers import event_count, mastodon_py

WAIT = 10.0


class Collected(StreamListener):
    """What a Mastodon.py stream received, and when it was open."""

    def __init__(self) -> None:
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.open = threading.Event()

    def handle_heartbeat(self) -> None:
        self.open.set()  # the opening comment: the server is now subscribed

    def on_update(self, status: Any) -> None:
        self.events.put(("update", status))

    def on_delete(self, status_id: Any) -> None:
        self.events.put(("delete", status_id))

    def on_unknown_event(self, name: str, unknown_event: Any = None) -> None:
        self.events.put((name, unknown_event))

    def next(self, kind: str) -> Any:
        while True:
            name, payload = self.events.get(timeout=WAIT)
            if name == kind:
                return payload


def test_mastodon_py_streams_user_and_public_events(live_server: str) -> None:
    alice = mastodon_py(live_server, "alice")
    bob = mastodon_py(live_server, "bob")
    bob.account_follow(alice.me().id)
    home, public = Collected(), Collected()
    user_stream = bob.stream_user(home, run_async=True)
    public_stream = bob.stream_public(public, run_async=True)
    try:
        assert home.open.wait(WAIT) and public.open.wait(WAIT)
        private = alice.status_post("for my followers", visibility="private")
        shown = alice.status_post("for everyone")
        assert home.next("update").id == private.id
        assert home.next("update").id == shown.id
        assert public.next("update").id == shown.id  # the private one never came here
        alice.status_delete(shown.id)
        assert public.next("delete") == shown.id
    finally:
        user_stream.close()
        public_stream.close()


def sse_lines(url: str, **kwargs: Any) -> Iterator[str]:
    with httpx.stream("GET", url, timeout=WAIT, trust_env=False, **kwargs) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        yield from response.iter_lines()


def test_server_sent_events_carry_event_and_data_lines(live_server: str) -> None:
    alice = mastodon_py(live_server, "alice")
    lines = sse_lines(f"{live_server}/api/v1/streaming/hashtag?tag=cofe")
    assert next(lines) == ": )"  # Mastodon's opening comment: subscribed from here on
    posted = alice.status_post("a cup of #cofe")
    assert next(lines) == ""
    assert next(lines) == "event: update"
    data = next(lines)
    assert data.startswith("data: ")
    assert json.loads(data.removeprefix("data: "))["id"] == posted.id
    lines.close()  # type: ignore[attr-defined]  # a generator


def test_streaming_health_answers_ok(live_server: str) -> None:
    answer = httpx.get(f"{live_server}/api/v1/streaming/health", trust_env=False)
    assert answer.status_code == 200
    assert answer.text == "OK"


def test_server_sent_events_refuse_bad_requests(
    live_server: str, db: psycopg.Connection[Any]
) -> None:
    alice = mastodon_py(live_server, "alice")
    bob = mastodon_py(live_server, "bob")
    bobs = bob.list_create("mine")
    token = {"Authorization": f"Bearer {alice.access_token}"}
    before = event_count(db)
    for path, headers, status in (
        ("/api/v1/streaming/user", {}, 401),
        ("/api/v1/streaming/user", {"Authorization": "Bearer nonsense"}, 401),
        ("/api/v1/streaming/public?access_token=nonsense", {}, 401),
        ("/api/v1/streaming/hashtag", {}, 400),
        ("/api/v1/streaming/list", token, 400),
        (f"/api/v1/streaming/list?list={bobs.id}", token, 404),
        ("/api/v1/streaming/list?list=0", token, 404),
        ("/api/v1/streaming/nonsense", {}, 404),
    ):
        answer = httpx.get(f"{live_server}{path}", headers=headers, trust_env=False)
        assert answer.status_code == status, (path, answer.text)
        assert "error" in answer.json()
    assert event_count(db) == before


@pytest.mark.parametrize(
    ("query", "status"),
    [("stream=nonsense", 404), ("stream=list&list=1", 401), ("stream=public&access_token=x", 401)],
)
def test_query_style_websocket_answers_404_or_401_as_pleroma(
    live_server: str, query: str, status: int
) -> None:
    url = live_server.replace("http://", "ws://") + f"/api/v1/streaming?{query}"

    async def attempt() -> int:
        with pytest.raises(websockets.InvalidStatus) as refused:
            async with websockets.connect(url, proxy=None):
                pass
        return refused.value.response.status_code

    assert asyncio.run(attempt()) == status


def test_websocket_over_a_real_server_echoes_the_token_protocol(live_server: str) -> None:
    alice = mastodon_py(live_server, "alice")
    token = str(alice.access_token)
    url = live_server.replace("http://", "ws://") + "/api/v1/streaming?stream=user"

    async def stream() -> tuple[str | None, dict[str, Any]]:
        async with websockets.connect(
            url, subprotocols=[websockets.Subprotocol(token)], proxy=None
        ) as ws:
            await asyncio.to_thread(alice.status_post, "to myself", visibility="private")
            frame = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            return ws.subprotocol, frame

    protocol, frame = asyncio.run(stream())
    assert protocol == token
    assert frame["stream"] == ["user"] and frame["event"] == "update"
