"""What request handlers share: the read pool, the write side, the read-your-writes waiter."""

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
import redis.asyncio as aioredis
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST
from psycopg_pool import AsyncConnectionPool

from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.projections.tracking import Waiter

log = logging.getLogger("tidings.api")


def digest(secret: str) -> str:
    """Tokens and client secrets are stored and looked up only by this digest."""
    return hashlib.sha256(secret.encode()).hexdigest()


def password_hasher(profile: str) -> PasswordHasher:
    # The cheapest profile exists for test suites only: real passwords get argon2id defaults.
    return PasswordHasher.from_parameters(CHEAPEST) if profile == "cheapest" else PasswordHasher()


@dataclass
class Services:
    settings: Settings
    pool: AsyncConnectionPool[Any]
    tidings: Tidings
    waiter: Waiter
    redis: "aioredis.Redis"
    hasher: PasswordHasher

    async def execute(self, command: object) -> int:
        """Appends the command's events and returns once every read model shows them."""
        position: int = await anyio.to_thread.run_sync(self.tidings.handle, command)
        if not await self.waiter.wait_async(position):
            # The write is safe in the log; only the read models are behind (a stopped or
            # failing runner): answer anyway, and say so where operators look.
            log.warning("read models did not reach position %s in time", position)
        return position

    async def hash_password(self, password: str) -> str:
        # argon2 takes ~170 ms of CPU: off the event loop.
        result: str = await anyio.to_thread.run_sync(self.hasher.hash, password)
        return result

    async def verify_password(self, stored_hash: str, password: str) -> bool:
        def check() -> bool:
            try:
                return bool(self.hasher.verify(stored_hash, password))
            except (VerificationError, InvalidHashError):
                return False

        ok: bool = await anyio.to_thread.run_sync(check)
        return ok
