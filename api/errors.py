"""Every error leaves as JSON ``{"error": "..."}`` with the status Mastodon clients expect."""

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from tidings.domain import errors

log = logging.getLogger("tidings.api")

_DOMAIN_STATUS: tuple[tuple[type[errors.DomainError], int], ...] = (
    (errors.NotFound, 404),
    (errors.Forbidden, 403),
    (errors.Conflict, 409),
    (errors.AccountForgotten, 410),
    (errors.Invalid, 422),
)


class ApiError(HTTPException):
    """Raised by handlers for a documented error answer."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code=status_code, detail=message)


def not_found(what: str = "Record not found") -> ApiError:
    return ApiError(404, what)


def unprocessable(message: str) -> ApiError:
    return ApiError(422, message)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response[Any]:
    return Response({"error": message}, status_code=status, headers=headers)


def _validation(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    return _error(422, f"Validation failed: {exc.detail}")


def _http(_: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    message = exc.detail
    if exc.status_code == 404 and message in ("Not Found", ""):
        message = "Record not found"
    return _error(exc.status_code, message, exc.headers)


def _domain(_: Request[Any, Any, Any], exc: errors.DomainError) -> Response[Any]:
    for cls, status in _DOMAIN_STATUS:
        if isinstance(exc, cls):
            return _error(status, str(exc))
    return _error(422, str(exc))


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _error(500, "Internal server error")


EXCEPTION_HANDLERS: dict[type[Exception] | int, Any] = {
    ValidationException: _validation,
    HTTPException: _http,
    errors.DomainError: _domain,
    Exception: _unexpected,
}
