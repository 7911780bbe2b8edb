"""Who is asking: OAuth bearer tokens, scope guards and rate limits."""

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from tidings.api.errors import ApiError
from tidings.api.services import Services, digest
from tidings.domain.oauth.aggregates import grants
from tidings.projections import oauth

Guard = Any


@dataclass(frozen=True)
class Viewer:
    token_id: str
    app_id: str
    account_id: str | None  # None for an app token (client_credentials)
    scopes: list[str]
    is_admin: bool = False
    is_moderator: bool = False

    @property
    def user_id(self) -> str:
        if self.account_id is None:
            raise ApiError(422, "This method requires an authenticated user")
        return self.account_id


def services_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Services:
    svc: Services = connection.app.state.services
    return svc


def presented_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    # Some clients (and every WebSocket client) send it in the query string.
    return connection.query_params.get("access_token") or None


async def viewer_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Viewer | None:
    """The token's owner, looked up once per request; an unknown token is a 401."""
    if "viewer" in connection.state:
        cached: Viewer | None = connection.state["viewer"]
        return cached
    token = presented_token(connection)
    viewer = None
    if token is not None:
        async with services_of(connection).pool.connection() as conn:
            row = await oauth.token(conn, digest(token))
        if row is None or row["deactivated"]:
            raise ApiError(401, "The access token is invalid")
        viewer = Viewer(
            token_id=row["id"],
            app_id=row["app_id"],
            account_id=row["account_id"],
            scopes=list(row["scopes"]),
            is_admin=bool(row["is_admin"]),
            is_moderator=bool(row["is_moderator"]),
        )
    connection.state["viewer"] = viewer
    return viewer


def scope(needed: str, *alternatives: str, user: bool = True) -> Guard:
    """Guard: a token with ``needed`` or one of ``alternatives`` (``read`` covers
    ``read:accounts``); ``user`` asks for a token that belongs to an account rather than an
    app. Alternatives carry Mastodon's older scopes: ``follow`` still allows following."""
    accepted = (needed, *alternatives)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        viewer = await viewer_of(connection)
        if viewer is None:
            raise ApiError(401, "The access token is invalid")
        if user and viewer.account_id is None:
            raise ApiError(401, "This method requires an authenticated user")
        if not any(grants(viewer.scopes, one) for one in accepted):
            raise ApiError(403, "This action is outside the authorized scopes")

    return guard


def rate_limited(bucket: str) -> Guard:
    """Guard: at most N requests per window from one address, if that limit is on."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        svc = services_of(connection)
        limit = svc.settings.rate_limits.get(bucket)
        if limit is None:
            return
        client = connection.client.host if connection.client else "unknown"
        key = f"tidings:ratelimit:{bucket}:{client}"
        count = await svc.redis.incr(key)
        if count == 1:
            await svc.redis.expire(key, limit.seconds)
        if count > limit.requests:
            ttl = await svc.redis.ttl(key)
            raise ApiError(429, "Throttled") if ttl < 0 else _throttled(ttl)

    return guard


def _throttled(retry_after: int) -> ApiError:
    error = ApiError(429, "Throttled")
    error.headers = {"Retry-After": str(retry_after)}
    return error


async def viewer(request: Request[Any, Any, Any]) -> Viewer | None:
    """Dependency for handlers that serve anonymous readers too."""
    return await viewer_of(request)


async def signed_in(request: Request[Any, Any, Any]) -> Viewer:
    """Dependency for handlers behind a ``scope`` guard."""
    found = await viewer_of(request)
    if found is None:
        raise ApiError(401, "The access token is invalid")
    return found
