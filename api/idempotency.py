"""``Idempotency-Key``: a client that retries a post (a timeout, a flaky network) gets the
status its first try made, not a second one. The key is kept an hour per account, as
Mastodon keeps it; the first try holds it while it writes, and a duplicate arriving
meanwhile waits for that try's answer."""

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from time import monotonic

import anyio
import redis.asyncio as aioredis

from tidings.api.errors import ApiError

KEEP = 3600  # seconds an answered key is remembered
HOLD = 30  # seconds a first try may hold the key; a crashed one frees it after this
POLL = 0.05
_PENDING = b"pending:"
# Frees the key only if this try still holds it: after HOLD another try may own it.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"


def key_name(account_id: str, key: str) -> str:
    return f"tidings:idempotency:{account_id}:{hashlib.sha256(key.encode()).hexdigest()}"


async def once(
    redis: "aioredis.Redis", account_id: str, key: str, write: Callable[[], Awaitable[str]]
) -> str:
    """The id ``write`` made for this key, calling it only if no try has answered yet. A
    try that fails frees the key, so a retry writes afresh."""
    name = key_name(account_id, key)
    mine = _PENDING + uuid.uuid4().hex.encode()
    deadline = monotonic() + HOLD
    while True:
        if await redis.set(name, mine, nx=True, ex=HOLD):
            try:
                answer = await write()
            except BaseException:
                with anyio.CancelScope(shield=True):
                    await redis.eval(_RELEASE, 1, name, mine)
                raise
            await redis.set(name, answer.encode(), ex=KEEP)
            return answer
        held = await redis.get(name)
        if isinstance(held, str):  # a client made with decode_responses
            held = held.encode()
        if held is not None and not held.startswith(_PENDING):
            return held.decode()
        if monotonic() > deadline:
            raise ApiError(409, "A request with the same Idempotency-Key is still being processed")
        await anyio.sleep(POLL)
