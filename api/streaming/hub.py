"""One hub per API process: a single Redis pub/sub connection, fanned out to the process's
own connections by topic.

The publisher renders each event once and sends one message per event; a message holds
parts, each with its payload and the topics it goes to, and whom it must skip (blocks and
mutes, computed once by the publisher at the event's position). Routing here is dictionary
look-ups; each topic's frame is encoded once for all its subscribers.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import redis.asyncio as aioredis
import redis.exceptions

from tidings.api.errors import ApiError
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.api.streaming.topics import stream_attribute

log = logging.getLogger("tidings.streaming")

QUEUE_LIMIT = 1000  # frames waiting for one slow connection before it is dropped
REVOKED = "tidings:revoked"  # the part that ends the connections of a revoked token


def token_topic(token_id: str) -> str:
    """Every connection signed in with a token listens here, for its revocation."""
    return f"token:{token_id}"


class Part(msgspec.Struct, kw_only=True):
    event: str
    payload: str  # a JSON string, as Mastodon sends it (a bare id for ``delete``)
    topics: list[str]
    exclude: list[str] = []  # accounts that block, are blocked by or mute the authors
    signed_in: bool = False  # a local-only status: for subscribers with an account only


class Envelope(msgspec.Struct, kw_only=True):
    position: int  # the log position of the event, for ordering and latency figures
    parts: list[Part]


def channel(settings: Settings) -> str:
    """Per database, as the job queues: test databases sharing a Redis never cross."""
    return f"{settings.job_namespace}:streaming"


class Delivery(msgspec.Struct, kw_only=True, frozen=True):
    event: str
    payload: str
    frame: str  # the WebSocket text frame


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Envelope)


def _delivery(part: Part, topic: str) -> Delivery:
    # Pleroma sends delete without a stream attribute (the differences document says so).
    body: dict[str, Any] = {} if part.event == "delete" else {"stream": stream_attribute(topic)}
    body.update(event=part.event, payload=part.payload)
    return Delivery(event=part.event, payload=part.payload, frame=_encoder.encode(body).decode())


class Subscriber:
    """One client connection: what it listens to and what waits to be sent to it."""

    def __init__(self, account_id: str | None) -> None:
        self.account_id = account_id
        self.topics: set[str] = set()
        self.queue: asyncio.Queue[Delivery | None] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False
        self.revoked = False

    def put(self, delivery: Delivery) -> None:
        try:
            self.queue.put_nowait(delivery)
        except asyncio.QueueFull:
            # A client that cannot keep up is let go rather than held in memory without end;
            # clients reconnect, as after any dropped connection.
            self.overflowed = True
            self.end()

    def end(self) -> None:
        """The connection's sender closes it after what is already queued, or at once when
        the queue is full."""
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)
            return
        with contextlib.suppress(asyncio.QueueEmpty):
            self.queue.get_nowait()
        self.queue.put_nowait(None)


class Hub:
    def __init__(self, redis: "aioredis.Redis", channel_name: str) -> None:
        self._redis = redis
        self._channel = channel_name
        self._by_topic: dict[str, set[Subscriber]] = {}
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen(), name="streaming-hub")
        # Subscribed before the app serves: nothing published after start-up is missed.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscribed.wait(), 10)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for subscriber in {s for subscribers in self._by_topic.values() for s in subscribers}:
            with contextlib.suppress(asyncio.QueueFull):
                subscriber.queue.put_nowait(None)  # each connection's sender ends

    def join(self, subscriber: Subscriber, topic: str) -> bool:
        """False when the connection already listens to the topic."""
        if topic in subscriber.topics:
            return False
        subscriber.topics.add(topic)
        self._by_topic.setdefault(topic, set()).add(subscriber)
        return True

    def leave(self, subscriber: Subscriber, topic: str) -> bool:
        if topic not in subscriber.topics:
            return False
        subscriber.topics.discard(topic)
        subscribers = self._by_topic.get(topic)
        if subscribers is not None:
            subscribers.discard(subscriber)
            if not subscribers:
                del self._by_topic[topic]
        return True

    def drop(self, subscriber: Subscriber) -> None:
        for topic in list(subscriber.topics):
            self.leave(subscriber, topic)

    @property
    def connections(self) -> int:
        return len({s for subscribers in self._by_topic.values() for s in subscribers})

    def dispatch(self, envelope: Envelope) -> None:
        for part in envelope.parts:
            if part.event == REVOKED:  # a token signed out: nothing more reaches its streams
                for topic in part.topics:
                    for subscriber in list(self._by_topic.get(topic, ())):
                        subscriber.revoked = True
                        self.drop(subscriber)
                        subscriber.end()
                continue
            excluded = set(part.exclude)
            sent: set[Subscriber] = set()  # one delete per connection: it names no stream
            for topic in part.topics:
                subscribers = self._by_topic.get(topic)
                if not subscribers:
                    continue
                delivery: Delivery | None = None
                for subscriber in subscribers:
                    if subscriber.account_id is not None and subscriber.account_id in excluded:
                        continue
                    if part.signed_in and subscriber.account_id is None:
                        continue
                    if part.event == "delete":
                        if subscriber in sent:
                            continue
                        sent.add(subscriber)
                    delivery = delivery or _delivery(part, topic)
                    subscriber.put(delivery)

    async def _listen(self) -> None:
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                self._subscribed.set()
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        envelope = _decoder.decode(message["data"])
                    except msgspec.DecodeError:
                        log.warning("ignored a malformed streaming message")
                        continue
                    self.dispatch(envelope)
            except (redis.exceptions.ConnectionError, OSError) as error:
                # Pub/sub is not durable: what was published while we were away is lost,
                # as on Mastodon; clients catch up from their timelines.
                log.warning("streaming hub lost Redis: %s", error)
                await asyncio.sleep(0.5)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]  # redis-py's own


_HUBS: dict[int, Hub] = {}


@contextlib.asynccontextmanager
async def running_hub(services: Services) -> AsyncIterator[None]:
    """The app hook that runs this process's hub for as long as the app runs."""
    hub = Hub(services.redis, channel(services.settings))
    await hub.start()
    _HUBS[id(services)] = hub
    try:
        yield
    finally:
        _HUBS.pop(id(services), None)
        await hub.stop()


def hub_of(services: Services) -> Hub:
    hub = _HUBS.get(id(services))
    if hub is None:
        raise ApiError(503, "Streaming is not available")
    return hub
