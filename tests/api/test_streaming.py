"""The WebSocket streaming endpoint over Litestar's test client: streams, auth, replies."""

import json
import queue
from typing import Any

from litestar.testing import WebSocketTestSession

from tests.api.test_statuses import follow, post
from tests.helpers import Client

WAIT = 10.0  # seconds a test waits for a frame that must come


def frames_until(ws: WebSocketTestSession, event: str) -> dict[str, Any]:
    """The next frame of the event type, skipping others."""
    while True:
        frame: dict[str, Any] = json.loads(ws.receive_text(timeout=WAIT))
        if frame["event"] == event:
            return frame


def test_public_stream_gets_a_new_public_post(client: Client) -> None:
    alice = client.register("alice")
    with client.http.websocket_connect("/api/v1/streaming?stream=public") as ws:
        status = post(client, alice, "hello stream")
        frame = frames_until(ws, "update")
    assert frame["stream"] == ["public"]
    assert isinstance(frame["payload"], str)
    assert json.loads(frame["payload"])["id"] == status["id"]
