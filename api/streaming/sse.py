"""Mastodon's server-sent events endpoints, which Mastodon.py streams from by default and
Pleroma lacks: one stream per connection, ``event:``/``data:`` lines, heartbeat comments."""

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, MediaType, Request, get
from litestar.response import ServerSentEvent, ServerSentEventMessage

from tidings.api.auth import Viewer, presented_token, services_of
from tidings.api.errors import ApiError
from tidings.api.streaming.hub import Hub, Subscriber, hub_of, token_topic
from tidings.api.streaming.topics import StreamError, resolve
from tidings.api.streaming.websocket import authenticate

HEARTBEAT = 15.0  # seconds between comments, as Mastodon's streaming server sends them

# Path under /api/v1/streaming -> stream name; ``only_media`` picks the :media variant.
STREAMS = {
    "user": "user",
    "user/notification": "user:notification",
    "public": "public",
    "public/local": "public:local",
    "public/remote": "public:remote",
    "hashtag": "hashtag",
    "hashtag/local": "hashtag:local",
    "list": "list",
    "direct": "direct",
}
MEDIA = {"public": "public:media", "public:local": "public:local:media"}


def _http_error(error: StreamError) -> ApiError:
    if error.code == "unauthorized":
        return ApiError(401, error.message)
    return ApiError(400 if error.missing else 404, error.message)


def _data(event: str, payload: str) -> str:
    """A delete's id goes as a JSON string: Mastodon's ids are numbers, so its bare id
    parses as JSON, and Mastodon.py parses every ``data`` line (a bare flake id would end
    its stream with a malformed-event error)."""
    return json.dumps(payload) if event == "delete" else payload


async def _events(
    hub: Hub, subscriber: Subscriber, topic: str, token_id: str | None
) -> AsyncIterator[ServerSentEventMessage]:
    # Lines end in a bare LF, as Mastodon's: Mastodon.py splits on it and would take a
    # CR left over for a malformed line. Subscribed here, not before the response, so a
    # client gone before its first byte leaves nothing behind; its first line still comes
    # only once it is subscribed.
    hub.join(subscriber, topic)
    if token_id is not None:
        hub.join(subscriber, token_topic(token_id))
    try:
        yield ServerSentEventMessage(comment=")", data=None, sep="\n")  # Mastodon's opening
        while True:
            try:
                delivery = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT)
            except TimeoutError:
                yield ServerSentEventMessage(comment="thump", data=None, sep="\n")
                continue
            if delivery is None:
                return
            yield ServerSentEventMessage(
                event=delivery.event, data=_data(delivery.event, delivery.payload), sep="\n"
            )
    finally:
        hub.drop(subscriber)


class StreamingController(Controller):
    path = "/api/v1/streaming"

    @get("/health", media_type=MediaType.TEXT, sync_to_thread=False)
    def health(self) -> str:
        return "OK"

    @get([f"/{path}" for path in STREAMS])
    async def stream(self, request: Request[Any, Any, Any]) -> ServerSentEvent:
        """The stream the path names, for the bearer token or ``access_token``; errors are
        answered before the stream starts, as Mastodon's streaming server does."""
        svc = services_of(request)
        hub = hub_of(svc)
        name = STREAMS[request.url.path.removeprefix(f"{self.path}/").rstrip("/")]
        params = dict(request.query_params)
        if str(params.get("only_media", "")).lower() in ("1", "true"):
            name = MEDIA.get(name, name)
        token = presented_token(request)
        viewer: Viewer | None = None
        try:
            viewer = await authenticate(svc, token) if token else None
            if name == "public:remote" and not params.get("instance"):
                topic = "public:remote"  # Mastodon's: every remote post, of which there are none
            else:
                async with svc.pool.connection() as conn:
                    topic = await resolve(conn, name, params, viewer)
        except StreamError as error:
            raise _http_error(error) from None
        subscriber = Subscriber(viewer.account_id if viewer else None)
        return ServerSentEvent(
            _events(hub, subscriber, topic, viewer.token_id if viewer else None),
            headers={"Cache-Control": "no-store"},
        )
