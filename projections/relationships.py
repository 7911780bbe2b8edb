"""Who follows whom, with the per-follow options clients set; follow requests to locked
accounts; endorsements; each account's private notes on others."""

from typing import TYPE_CHECKING, Any

from psycopg import AsyncConnection

from tidings.domain.graph import events
from tidings.domain.ids import encode
from tidings.projections.tracking import Cursor, Projection, handles

if TYPE_CHECKING:  # statuses reads follows from here: a runtime import would be circular
    from tidings.projections.statuses import Window


def _end(cur: Cursor, follower_id: str, followed_id: str) -> None:
    for table in ("follows", "follow_requests"):
        cur.execute(
            f"DELETE FROM {table} WHERE follower_id = %s AND followed_id = %s",
            (follower_id, followed_id),
        )


class Relationships(Projection):
    name = "relationships"

    def _page_id(self) -> str:
        # The log position is unique and the same in every rebuild; encoded at flake
        # width it sorts as text, as the API's page bounds compare.
        return encode(self.notification_id)

    def _follow(
        self, cur: Cursor, follower_id: str, followed_id: str, notify: bool, reblogs: bool, at: Any
    ) -> None:
        cur.execute(
            "INSERT INTO follows (follower_id, followed_id, notify, reblogs, created_at, page_id)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (follower_id, followed_id)"
            " DO UPDATE SET notify = excluded.notify, reblogs = excluded.reblogs",
            (follower_id, followed_id, notify, reblogs, at, self._page_id()),
        )
        cur.execute(
            "DELETE FROM follow_requests WHERE follower_id = %s AND followed_id = %s",
            (follower_id, followed_id),
        )

    @handles(events.Follow)
    def followed(self, cur: Cursor, event: events.Follow) -> None:
        if not event.requested:
            self._follow(
                cur, event.actor, event.object, event.notify, event.reblogs, event.published
            )
            return
        cur.execute(
            "INSERT INTO follow_requests"
            " (follower_id, followed_id, notify, reblogs, created_at, page_id)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (follower_id, followed_id)"
            " DO UPDATE SET notify = excluded.notify, reblogs = excluded.reblogs",
            (
                event.actor,
                event.object,
                event.notify,
                event.reblogs,
                event.published,
                self._page_id(),
            ),
        )

    @handles(events.Accept)
    def accepted(self, cur: Cursor, event: events.Accept) -> None:
        self._follow(cur, event.object, event.actor, event.notify, event.reblogs, event.published)

    @handles(events.Reject)
    def rejected(self, cur: Cursor, event: events.Reject) -> None:
        _end(cur, event.object, event.actor)

    @handles(events.Undo)
    def unfollowed(self, cur: Cursor, event: events.Undo) -> None:
        _end(cur, event.actor, event.object)

    @handles(events.Add)
    def endorsed(self, cur: Cursor, event: events.Add) -> None:
        cur.execute(
            "INSERT INTO endorsements (account_id, target_id, created_at, page_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (event.actor, event.object, event.published, self._page_id()),
        )

    @handles(events.Remove)
    def unendorsed(self, cur: Cursor, event: events.Remove) -> None:
        cur.execute(
            "DELETE FROM endorsements WHERE account_id = %s AND target_id = %s",
            (event.actor, event.object),
        )

    @handles(events.AccountNoteChanged)
    def noted(self, cur: Cursor, event: events.AccountNoteChanged) -> None:
        if not event.comment:  # cleared, or forgotten with its author's key
            cur.execute(
                "DELETE FROM account_notes WHERE account_id = %s AND target_id = %s",
                (event.account_id, event.target_id),
            )
            return
        cur.execute(
            "INSERT INTO account_notes (account_id, target_id, comment) VALUES (%s, %s, %s)"
            " ON CONFLICT (account_id, target_id) DO UPDATE SET comment = excluded.comment",
            (event.account_id, event.target_id, event.comment),
        )


async def between(
    conn: AsyncConnection[Any], viewer_id: str, others: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Follows either way between the viewer and each of ``others``."""
    cur = await conn.execute(
        "SELECT * FROM follows WHERE (follower_id = %s AND followed_id = ANY(%s))"
        " OR (followed_id = %s AND follower_id = ANY(%s))",
        (viewer_id, others, viewer_id, others),
    )
    return {(r["follower_id"], r["followed_id"]): r for r in await cur.fetchall()}


async def requests_between(
    conn: AsyncConnection[Any], viewer_id: str, others: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Pending requests either way between the viewer and each of ``others``."""
    cur = await conn.execute(
        "SELECT * FROM follow_requests WHERE (follower_id = %s AND followed_id = ANY(%s))"
        " OR (followed_id = %s AND follower_id = ANY(%s))",
        (viewer_id, others, viewer_id, others),
    )
    return {(r["follower_id"], r["followed_id"]): r for r in await cur.fetchall()}


async def endorsed_among(
    conn: AsyncConnection[Any], account_id: str, others: list[str]
) -> set[str]:
    cur = await conn.execute(
        "SELECT target_id FROM endorsements WHERE account_id = %s AND target_id = ANY(%s)",
        (account_id, others),
    )
    return {r["target_id"] for r in await cur.fetchall()}


async def notes_on(
    conn: AsyncConnection[Any], account_id: str, others: list[str]
) -> dict[str, str]:
    cur = await conn.execute(
        "SELECT target_id, comment FROM account_notes"
        " WHERE account_id = %s AND target_id = ANY(%s)",
        (account_id, others),
    )
    return {r["target_id"]: r["comment"] for r in await cur.fetchall()}


async def following_ids(conn: AsyncConnection[Any], follower_id: str, among: list[str]) -> set[str]:
    cur = await conn.execute(
        "SELECT followed_id FROM follows WHERE follower_id = %s AND followed_id = ANY(%s)",
        (follower_id, among),
    )
    return {r["followed_id"] for r in await cur.fetchall()}


async def _page(
    conn: AsyncConnection[Any], table: str, key: str, column: str, value: str, page: "Window"
) -> list[dict[str, Any]]:
    conditions, values, order = page.where("page_id")
    cur = await conn.execute(
        f"SELECT page_id, {column} AS account_id FROM {table}"
        f" WHERE {key} = %s AND page_id IS NOT NULL AND {conditions}"
        f" ORDER BY page_id {order} LIMIT %s",
        (value, *values, page.limit),
    )
    return await cur.fetchall()  # in the window's order: the API puts newest first


async def followers(
    conn: AsyncConnection[Any], account_id: str, page: "Window"
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``account_id``), the newest follow first."""
    return await _page(conn, "follows", "followed_id", "follower_id", account_id, page)


async def following(
    conn: AsyncConnection[Any], account_id: str, page: "Window"
) -> list[dict[str, Any]]:
    return await _page(conn, "follows", "follower_id", "followed_id", account_id, page)


async def follow_requests(
    conn: AsyncConnection[Any], account_id: str, page: "Window"
) -> list[dict[str, Any]]:
    """Who asks to follow the account, the newest request first."""
    return await _page(conn, "follow_requests", "followed_id", "follower_id", account_id, page)


async def endorsements(
    conn: AsyncConnection[Any], account_id: str, page: "Window"
) -> list[dict[str, Any]]:
    return await _page(conn, "endorsements", "account_id", "target_id", account_id, page)


async def request_count(conn: AsyncConnection[Any], account_id: str) -> int:
    cur = await conn.execute(
        "SELECT count(*) AS n FROM follow_requests WHERE followed_id = %s", (account_id,)
    )
    row = await cur.fetchone()
    return int(row["n"]) if row else 0
