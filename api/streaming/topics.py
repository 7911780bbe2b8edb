"""Stream names as clients ask for them, and the topics the hub routes by.

A topic is a stream with its identifier and, for per-account streams, its owner:
``public``, ``hashtag:cofe``, ``list:<id>``, ``user:<account>``, ``direct:<account>``...
The publisher addresses topics; a connection subscribes to them.
"""

from collections.abc import Mapping
from typing import Any

from psycopg import AsyncConnection

from tidings.api.auth import Viewer
from tidings.domain.ids import is_flake
from tidings.domain.oauth.aggregates import grants
from tidings.projections import lists

PUBLIC_STREAMS = ("public", "public:local", "public:media", "public:local:media")
REMOTE_STREAMS = ("public:remote", "public:remote:media")
HASHTAG_STREAMS = ("hashtag", "hashtag:local")
# Per-account streams, with the scope their token must allow (Pleroma's get_topic).
USER_STREAMS = {
    "user": "read:statuses",
    "user:notification": "read:notifications",
    "direct": "read:statuses",
}
# The differences document spells it "user:notifications" once; Pleroma's code and
# Mastodon say "user:notification". Both are taken.
ALIASES = {"user:notifications": "user:notification"}


class StreamError(Exception):
    """``code`` is what ``pleroma:respond`` carries: ``bad_topic`` or ``unauthorized``;
    ``missing`` names an absent parameter (Mastodon's 400)."""

    def __init__(self, code: str, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.missing = missing


def _param(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        return str(value).strip()
    return None


async def resolve(
    conn: AsyncConnection[Any], stream: object, params: Mapping[str, Any], viewer: Viewer | None
) -> str:
    """The topic of ``stream`` with its parameters, for this viewer, or StreamError."""
    if not isinstance(stream, str) or not stream:
        raise StreamError("bad_topic", "Unknown stream type", missing=True)
    stream = ALIASES.get(stream, stream)
    if stream in PUBLIC_STREAMS:
        return stream
    if stream in REMOTE_STREAMS:
        instance = _param(params, "instance")
        if instance is None:
            raise StreamError("bad_topic", "Missing instance parameter", missing=True)
        return f"{stream}:{instance.lower()}"
    if stream in HASHTAG_STREAMS:
        tag = _param(params, "tag")
        if tag is None:
            raise StreamError("bad_topic", "Missing tag name parameter", missing=True)
        return f"{stream}:{tag.lstrip('#').lower()}"
    if stream in USER_STREAMS:
        if viewer is None or viewer.account_id is None:
            raise StreamError("unauthorized", "This stream requires an authenticated user")
        if not grants(viewer.scopes, USER_STREAMS[stream]):
            raise StreamError("unauthorized", "This stream is outside the authorized scopes")
        return f"{stream}:{viewer.account_id}"
    if stream == "list":
        if viewer is None or viewer.account_id is None:
            raise StreamError("unauthorized", "This stream requires an authenticated user")
        if not grants(viewer.scopes, "read:lists"):
            raise StreamError("unauthorized", "This stream is outside the authorized scopes")
        list_id = _param(params, "list")
        if list_id is None:
            raise StreamError("bad_topic", "Missing list parameter", missing=True)
        found = await lists.by_id(conn, list_id) if is_flake(list_id) else None
        if found is None or found["owner_id"] != viewer.account_id:
            raise StreamError("bad_topic", "Not authorized to stream this list")
        return f"list:{list_id}"
    raise StreamError("bad_topic", "Unknown stream type")


def stream_attribute(topic: str) -> list[str]:
    """Pleroma's ``stream`` attribute: the stream, and its identifier where it has one."""
    for prefix in ("user:notification", "user", "direct"):
        if topic.startswith(f"{prefix}:"):
            return [prefix]
    for prefix in ("list", "hashtag:local", "hashtag", "public:remote:media", "public:remote"):
        if topic.startswith(f"{prefix}:"):
            return [prefix, topic.removeprefix(f"{prefix}:")]
    return [topic]


def public_topics(with_media: bool, tags: list[str]) -> list[str]:
    """Where a status shown on the public timeline goes. Every account here is local, so
    the local streams carry what the federated ones do and the remote ones nothing."""
    topics = ["public", "public:local"]
    if with_media:
        topics += ["public:media", "public:local:media"]
    for tag in dict.fromkeys(t.lower() for t in tags):
        topics += [f"hashtag:{tag}", f"hashtag:local:{tag}"]
    return topics
