"""Pleroma's unified WebSocket, ``/api/v1/streaming``: query style and subscribe style,
``pleroma:authenticate``, the token in ``Sec-WebSocket-Protocol``, ``pleroma:respond``."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.types.asgi_types import (
    WebSocketResponseBodyEvent,
    WebSocketResponseStartEvent,
)

from tidings.api.auth import Viewer, services_of
from tidings.api.services import Services, digest
from tidings.api.streaming.hub import Delivery, Hub, Subscriber, hub_of, token_topic
from tidings.api.streaming.topics import StreamError, resolve
from tidings.projections import oauth

CLOSE_UNAUTHORIZED = 4401
CLOSE_BAD_TOPIC = 4404


async def authenticate(svc: Services, token: str) -> Viewer:
    """The token's viewer, or StreamError ``unauthorized`` (as a bearer token is read)."""
    async with svc.pool.connection() as conn:
        row = await oauth.token(conn, digest(token))
    if row is None or row["deactivated"]:
        raise StreamError("unauthorized", "The access token is invalid")
    return Viewer(
        token_id=row["id"],
        app_id=row["app_id"],
        account_id=row["account_id"],
        scopes=list(row["scopes"]),
        is_admin=bool(row["is_admin"]),
        is_moderator=bool(row["is_moderator"]),
    )


def respond(kind: str, result: str, error: str | None = None) -> str:
    payload = {"type": kind, "result": result} | ({"error": error} if error else {})
    return json.dumps({"event": "pleroma:respond", "payload": json.dumps(payload)})


class Connection:
    """One socket's state: who it is (once authenticated) and its subscriber in the hub."""

    def __init__(self, svc: Services, hub: Hub, viewer: Viewer | None) -> None:
        self.svc = svc
        self.hub = hub
        self.viewer = viewer
        self.subscriber = Subscriber(viewer.account_id if viewer else None)
        if viewer is not None:
            hub.join(self.subscriber, token_topic(viewer.token_id))

    async def topic(self, params: Mapping[str, Any]) -> str:
        async with self.svc.pool.connection() as conn:
            return await resolve(conn, params.get("stream"), params, self.viewer)

    async def handle(self, text: str) -> str | None:
        """The reply to one client event; None for what Pleroma does not answer."""
        try:
            event = json.loads(text)
        except ValueError:
            return None
        if not isinstance(event, dict):
            return None
        kind = event.get("type")
        if kind in ("subscribe", "unsubscribe"):
            try:
                topic = await self.topic(event)
            except StreamError as error:
                return respond(kind, "error", error.code)
            if kind == "subscribe":
                changed = self.hub.join(self.subscriber, topic)
            else:
                changed = self.hub.leave(self.subscriber, topic)
            return respond(kind, "success" if changed else "ignored")
        if kind == "pleroma:authenticate":
            if self.viewer is not None:
                return respond(kind, "error", "already_authenticated")
            token = event.get("token")
            if not isinstance(token, str) or not token:
                return respond(kind, "error", "unauthorized")
            try:
                self.viewer = await authenticate(self.svc, token)
            except StreamError as error:
                return respond(kind, "error", error.code)
            self.subscriber.account_id = self.viewer.account_id
            self.hub.join(self.subscriber, token_topic(self.viewer.token_id))
            return respond(kind, "success")
        return None


async def _deny(socket: WebSocket[Any, Any, Any], status: int, message: str) -> None:
    """Pleroma answers a bad query-style stream or token with a plain HTTP 404 or 401; an
    ASGI server without the denial extension can only refuse (clients see 403)."""
    if socket.connection_state == "init":
        await socket.receive()
    if "websocket.http.response" in (socket.scope.get("extensions") or {}):
        start: WebSocketResponseStartEvent = {
            "type": "websocket.http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
        body: WebSocketResponseBodyEvent = {
            "type": "websocket.http.response.body",
            "body": json.dumps({"error": message}).encode(),
            "more_body": False,
        }
        await socket.send(start)
        await socket.send(body)
        return
    await socket.close(CLOSE_UNAUTHORIZED if status == 401 else CLOSE_BAD_TOPIC, message)


@websocket("/api/v1/streaming", name="streaming")
async def streaming(socket: WebSocket[Any, Any, Any]) -> None:
    svc = services_of(socket)
    params = dict(socket.query_params)
    # The token as the one offered protocol, as Pleroma takes it (the first, if several).
    protocol = socket.headers.get("sec-websocket-protocol", "").split(",")[0].strip() or None
    token = params.get("access_token") or protocol
    try:
        hub = hub_of(svc)
        viewer = await authenticate(svc, token) if token else None
        conn = Connection(svc, hub, viewer)
        topic = await conn.topic(params) if params.get("stream") else None
    except StreamError as error:
        await _deny(socket, 401 if error.code == "unauthorized" else 404, error.message)
        return
    sender: asyncio.Task[None] | None = None
    try:
        if topic is not None:  # before accepting: the client may post as soon as it is open
            hub.join(conn.subscriber, topic)
        # Pleroma echoes the token as the accepted subprotocol: browsers drop a connection
        # whose answer names none of the protocols they offered.
        await socket.accept(subprotocols=protocol)
        sender = asyncio.create_task(_send(socket, conn.subscriber))
        async for text in _texts(socket):
            reply = await conn.handle(text)
            if reply is not None:  # through the queue: one task alone writes the socket
                conn.subscriber.put(Delivery(event="pleroma:respond", payload="", frame=reply))
    except WebSocketDisconnect:
        pass
    finally:
        hub.drop(conn.subscriber)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender


async def _texts(socket: WebSocket[Any, Any, Any]) -> AsyncIterator[str]:
    """The client's frames as text, until it disconnects."""
    while True:
        message = await socket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if message["type"] == "websocket.receive":
            data = message.get("bytes")
            yield message.get("text") or (data.decode("utf-8", "replace") if data else "")


async def _send(socket: WebSocket[Any, Any, Any], subscriber: Subscriber) -> None:
    with contextlib.suppress(WebSocketDisconnect, OSError):
        while True:
            delivery = await subscriber.queue.get()
            if delivery is None:  # the hub stopped, or this client fell too far behind
                # 1008: a revoked token's stream ends as a policy violation, as Mastodon's
                await socket.close(
                    1008 if subscriber.revoked else 1013 if subscriber.overflowed else 1001
                )
                return
            await socket.send_text(delivery.frame)
