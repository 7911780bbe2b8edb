"""The Litestar application: one factory, every route from ``routes.py``."""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from typing import Any

import anyio.to_thread
import redis.asyncio as aioredis
from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from tidings.api import auth
from tidings.api.errors import EXCEPTION_HANDLERS
from tidings.api.routes import ROUTES
from tidings.api.services import Services, password_hasher
from tidings.api.settings import Settings
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.projections.registry import NAMES
from tidings.projections.schema import search_path
from tidings.projections.tracking import Waiter

VERSION = "0.1.0"
Hook = Callable[[Services], AbstractAsyncContextManager[None]]
log = logging.getLogger("tidings.api")


def read_pool(dsn: str, max_size: int = 20) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        dsn,
        min_size=2,
        max_size=max_size,
        open=False,
        kwargs={
            "autocommit": True,
            "row_factory": dict_row,
            "options": f"-c search_path={search_path().replace(' ', '')}",
        },
    )


def create_app(settings: Settings, hooks: tuple[Hook, ...] = ()) -> Litestar:
    """``settings`` must name the database and Redis; ``hooks`` run beside the app's life
    (the composition root starts projection runners and job workers with them)."""
    if settings.database_url is None or settings.redis_url is None or not settings.secret_key:
        raise ValueError("create_app needs database_url, redis_url and secret_key")
    dsn, redis_url, secret = settings.database_url, settings.redis_url, settings.secret_key

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            pool = read_pool(dsn)
            await pool.open(wait=True, timeout=30)
            stack.push_async_callback(pool.close)
            tidings = await anyio.to_thread.run_sync(open_event_store, dsn, secret)
            stack.push_async_callback(anyio.to_thread.run_sync, close_event_store, tidings)
            waiter = await anyio.to_thread.run_sync(Waiter, dsn, NAMES)
            stack.push_async_callback(anyio.to_thread.run_sync, waiter.close)
            redis = aioredis.from_url(redis_url)
            stack.push_async_callback(redis.aclose)
            services = Services(
                settings=settings,
                pool=pool,
                tidings=tidings,
                waiter=waiter,
                redis=redis,
                hasher=password_hasher(settings.password_hash_profile),
            )
            app.state.services = services
            for hook in hooks:
                await stack.enter_async_context(hook(services))
            yield

    def provide_services(state: State) -> Services:
        svc: Services = state.services
        return svc

    return Litestar(
        route_handlers=ROUTES,
        lifespan=[lifespan],
        dependencies={
            "svc": Provide(provide_services, sync_to_thread=False),
            "viewer": Provide(auth.viewer),
            "user": Provide(auth.signed_in),
        },
        exception_handlers=EXCEPTION_HANDLERS,
        cors_config=CORSConfig(allow_origins=["*"], expose_headers=["Link"]),
        openapi_config=OpenAPIConfig(title="Tidings", version=VERSION, path="/docs"),
        request_max_body_size=16 * 1024 * 1024,
        debug=False,
    )
