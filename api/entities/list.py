"""The List entity in Mastodon's shape."""

from typing import Any

import msgspec


class List(msgspec.Struct, kw_only=True):
    id: str
    title: str
    replies_policy: str
    exclusive: bool


def render_list(row: dict[str, Any]) -> List:
    return List(
        id=row["id"],
        title=row["title"],
        replies_policy=row["replies_policy"],
        exclusive=row["exclusive"],
    )
