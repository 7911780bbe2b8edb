"""Mastodon's id pagination: ``max_id``/``since_id``/``min_id``/``limit`` in, Link header out."""

from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec
from litestar import Request

T = TypeVar("T")


class Page(msgspec.Struct, kw_only=True):
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int = 20

    def bounded(self, default: int = 20, most: int = 40) -> "Page":
        limit = self.limit if self.limit > 0 else default
        return Page(
            max_id=_valid(self.max_id),
            since_id=_valid(self.since_id),
            min_id=_valid(self.min_id),
            limit=min(limit, most),
        )

    def where(self, column: str) -> tuple[str, list[Any], str]:
        """SQL conditions, their values, and the order: ``min_id`` pages upwards."""
        conditions: list[str] = []
        values: list[Any] = []
        if self.max_id:
            conditions.append(f"{column} < %s")
            values.append(self.max_id)
        if self.since_id:
            conditions.append(f"{column} > %s")
            values.append(self.since_id)
        if self.min_id:
            conditions.append(f"{column} > %s")
            values.append(self.min_id)
        return " AND ".join(conditions) or "TRUE", values, self.order

    @property
    def order(self) -> str:
        return "ASC" if self.min_id and not self.max_id else "DESC"

    def newest_first(self, rows: list[T]) -> list[T]:
        """Clients always get newest first, even when ``min_id`` fetched oldest first."""
        return rows[::-1] if self.order == "ASC" else rows


def _valid(value: str | None) -> str | None:
    # An id that is not a flake still bounds the range as a string; empty means unset.
    return value if value else None


def link_header(request: Request[Any, Any, Any], ids: list[str]) -> dict[str, str]:
    """``next`` pages older items, ``prev`` newer ones, as Mastodon.py's fetch_next expects."""
    if not ids:
        return {}
    newest, oldest = max(ids), min(ids)
    base = str(request.url.with_replacements(query=""))
    keep = [
        (k, v)
        for k, v in request.query_params.multi_items()
        if k not in ("max_id", "min_id", "since_id")
    ]
    next_url = f"{base}?{urlencode([*keep, ('max_id', oldest)])}"
    prev_url = f"{base}?{urlencode([*keep, ('min_id', newest)])}"
    return {"Link": f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'}
