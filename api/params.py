"""Parameters as Mastodon clients send them: query string, JSON, urlencoded or multipart,
with ``key[]`` arrays and ``key[sub]`` maps, all read into one msgspec Struct."""

import re
from typing import Any, TypeVar

import msgspec
from litestar import Request
from litestar.datastructures import UploadFile

from tidings.api.errors import ApiError

T = TypeVar("T")
_PART = re.compile(r"[^\[\]]+|\[\]")  # "poll[options][]" -> poll, options, []
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    *path, last = _PART.findall(key) or [key]
    is_list = last == "[]"
    if is_list:
        if not path:
            return
        last = path.pop()
    node = out
    for part in path:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ApiError(422, f"Validation failed: {key} mixes a value and a map")
        node = child
    if is_list:
        existing = node.setdefault(last, [])
        if not isinstance(existing, list):
            existing = node[last] = [existing]
        existing.append(value)
    else:
        node[last] = value


async def raw_params(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Body values win over query values of the same name."""
    cached = request.state.get("params")
    if cached is not None:
        return dict(cached)
    out: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        _put(out, key, value)
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        body = await request.body()
        if body.strip():
            try:
                decoded = msgspec.json.decode(body)
            except msgspec.DecodeError as error:
                raise ApiError(400, f"Malformed JSON: {error}") from None
            if not isinstance(decoded, dict):
                raise ApiError(400, "Malformed JSON: the body must be an object")
            out.update(decoded)
    elif content_type in FORM_TYPES:
        form = await request.form()
        for key, value in form.multi_items():
            _put(out, key, value)
    request.state["params"] = out
    return dict(out)


def convert(values: dict[str, Any], model: type[T]) -> T:
    try:
        return msgspec.convert(values, model, strict=False, dec_hook=_keep_uploads)
    except msgspec.ValidationError as error:
        raise ApiError(422, f"Validation failed: {error}") from None


async def params(request: Request[Any, Any, Any], model: type[T]) -> T:
    """The request's parameters as ``model``; a wrong type or a missing field is a 422."""
    return convert(await raw_params(request), model)


def _keep_uploads(kind: type, value: Any) -> Any:
    if isinstance(value, UploadFile):
        return value
    raise NotImplementedError
