"""Lists, their members, and each list's timeline fanned out on write: one row per
(list, status), so a read is one indexed range scan. Keeps its own copy of follows and
post audiences, so a rebuild from the log is exact whatever the other read models hold."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.addressing import visibility_of
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import flake_of
from tidings.domain.lists import events as list_events
from tidings.domain.statuses import events as status_events
from tidings.projections.statuses import SELECT, Window
from tidings.projections.tracking import Cursor, Projection, handles

BACKFILL = 40  # recent posts of a new member copied into the list's timeline

# Whether the owner of list ``l`` may see post ``p``: direct posts never enter a list;
# private ones only while the owner follows the author.
_SHOWN = (
    "(p.visibility IN ('public', 'unlisted', 'local') OR (p.visibility = 'private'"
    " AND EXISTS (SELECT FROM list_follows f"
    " WHERE f.follower_id = l.owner_id AND f.followed_id = p.author_id)))"
)


class Lists(Projection):
    name = "lists"

    @handles(list_events.ListCreated)
    def created(self, cur: Cursor, event: list_events.ListCreated) -> None:
        cur.execute(
            "INSERT INTO lists (id, owner_id, title, replies_policy, exclusive, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (
                flake_of(event.originator_id),
                event.owner_id,
                event.title,
                event.replies_policy,
                event.exclusive,
                event.published,
            ),
        )

    @handles(list_events.ListRenamed)
    def renamed(self, cur: Cursor, event: list_events.ListRenamed) -> None:
        cur.execute(
            "UPDATE lists SET title = %s, replies_policy = %s, exclusive = %s WHERE id = %s",
            (event.title, event.replies_policy, event.exclusive, flake_of(event.originator_id)),
        )

    @handles(list_events.ListDeleted)
    def deleted(self, cur: Cursor, event: list_events.ListDeleted) -> None:
        list_id = flake_of(event.originator_id)
        for table, column in (("list_timeline", "list_id"), ("list_members", "list_id")):
            cur.execute(f"DELETE FROM {table} WHERE {column} = %s", (list_id,))
        cur.execute("DELETE FROM lists WHERE id = %s", (list_id,))

    @handles(list_events.ListMemberAdded)
    def member_added(self, cur: Cursor, event: list_events.ListMemberAdded) -> None:
        list_id = flake_of(event.originator_id)
        cur.execute(
            "INSERT INTO list_members (list_id, account_id) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (list_id, event.account_id),
        )
        cur.execute(
            "INSERT INTO list_timeline (list_id, status_id, author_id, reply_to_account_id)"
            " SELECT l.id, p.status_id, p.author_id, p.reply_to_account_id"
            f" FROM list_posts p JOIN lists l ON l.id = %s WHERE p.author_id = %s AND {_SHOWN}"
            " ORDER BY p.status_id DESC LIMIT %s ON CONFLICT DO NOTHING",
            (list_id, event.account_id, BACKFILL),
        )

    @handles(list_events.ListMemberRemoved)
    def member_removed(self, cur: Cursor, event: list_events.ListMemberRemoved) -> None:
        list_id = flake_of(event.originator_id)
        cur.execute(
            "DELETE FROM list_members WHERE list_id = %s AND account_id = %s",
            (list_id, event.account_id),
        )
        cur.execute(
            "DELETE FROM list_timeline WHERE list_id = %s AND author_id = %s",
            (list_id, event.account_id),
        )

    @handles(status_events.Create)
    def posted(self, cur: Cursor, event: status_events.Create) -> None:
        status_id = flake_of(event.originator_id)
        visibility = visibility_of(event.actor, event.to, event.cc)
        reply_to = event.object.in_reply_to_account if event.object is not None else None
        cur.execute(
            "INSERT INTO list_posts (status_id, author_id, visibility, reply_to_account_id)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (status_id, event.actor, visibility, reply_to),
        )
        cur.execute(
            "INSERT INTO list_timeline (list_id, status_id, author_id, reply_to_account_id)"
            " SELECT l.id, p.status_id, p.author_id, p.reply_to_account_id"
            " FROM list_posts p JOIN list_members m ON m.account_id = p.author_id"
            f" JOIN lists l ON l.id = m.list_id WHERE p.status_id = %s AND {_SHOWN}"
            " ON CONFLICT DO NOTHING",
            (status_id,),
        )

    @handles(status_events.Delete)
    def unposted(self, cur: Cursor, event: status_events.Delete) -> None:
        status_id = flake_of(event.originator_id)
        cur.execute("DELETE FROM list_timeline WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM list_posts WHERE status_id = %s", (status_id,))

    @handles(graph_events.Follow)
    def followed(self, cur: Cursor, event: graph_events.Follow) -> None:
        cur.execute(
            "INSERT INTO list_follows (follower_id, followed_id) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING",
            (event.actor, event.object),
        )
        # A member followed again: their recent posts, private ones now included, return
        # to the follower's lists that hold them.
        cur.execute(
            "INSERT INTO list_timeline (list_id, status_id, author_id, reply_to_account_id)"
            " SELECT l.id, p.status_id, p.author_id, p.reply_to_account_id"
            " FROM lists l JOIN list_members m ON m.list_id = l.id AND m.account_id = %s"
            " CROSS JOIN LATERAL (SELECT * FROM list_posts p WHERE p.author_id = %s"
            "  AND p.visibility <> 'direct' ORDER BY p.status_id DESC LIMIT %s) p"
            " WHERE l.owner_id = %s ON CONFLICT DO NOTHING",
            (event.object, event.object, BACKFILL, event.actor),
        )

    @handles(graph_events.Undo)
    def unfollowed(self, cur: Cursor, event: graph_events.Undo) -> None:
        cur.execute(
            "DELETE FROM list_follows WHERE follower_id = %s AND followed_id = %s",
            (event.actor, event.object),
        )
        cur.execute(
            "DELETE FROM list_timeline t USING lists l, list_posts p"
            " WHERE l.id = t.list_id AND l.owner_id = %s AND t.author_id = %s"
            " AND p.status_id = t.status_id AND p.visibility = 'private'",
            (event.actor, event.object),
        )


async def by_id(conn: AsyncConnection[Any], list_id: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM lists WHERE id = %s", (list_id,))
    return await cur.fetchone()


async def owned_by(conn: AsyncConnection[Any], owner_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute("SELECT * FROM lists WHERE owner_id = %s ORDER BY id", (owner_id,))
    return await cur.fetchall()


async def containing(
    conn: AsyncConnection[Any], owner_id: str, account_id: str
) -> list[dict[str, Any]]:
    """The owner's lists that hold the account."""
    cur = await conn.execute(
        "SELECT l.* FROM lists l JOIN list_members m ON m.list_id = l.id"
        " WHERE l.owner_id = %s AND m.account_id = %s ORDER BY l.id",
        (owner_id, account_id),
    )
    return await cur.fetchall()


async def members(conn: AsyncConnection[Any], list_id: str, window: Window) -> list[str]:
    """A page of member account ids, paged by account id."""
    conditions, values, order = window.where("account_id")
    cur = await conn.execute(
        f"SELECT account_id FROM list_members WHERE list_id = %s AND {conditions}"
        f" ORDER BY account_id {order} LIMIT %s",
        (list_id, *values, window.limit),
    )
    return [r["account_id"] for r in await cur.fetchall()]


async def page(
    conn: AsyncConnection[Any],
    list_id: str,
    window: Window,
    exclude: list[str],
    extra: tuple[str, list[Any]] = ("TRUE", []),
) -> list[dict[str, Any]]:
    """One range scan of the list's rows, joined to the statuses they point at. Replies
    to others follow the list's policy: ``followed`` keeps replies to accounts the owner
    follows, ``list`` replies to members, ``none`` none."""
    conditions, values, order = window.where("t.status_id")
    cur = await conn.execute(
        f"{SELECT} JOIN list_timeline t ON t.status_id = s.id JOIN lists l ON l.id = t.list_id"
        f" WHERE t.list_id = %s AND {conditions} AND s.visibility <> ALL(%s)"
        " AND (t.reply_to_account_id IS NULL OR t.reply_to_account_id IN (t.author_id, l.owner_id)"
        "  OR (l.replies_policy = 'followed' AND EXISTS (SELECT FROM list_follows f"
        "   WHERE f.follower_id = l.owner_id AND f.followed_id = t.reply_to_account_id))"
        "  OR (l.replies_policy = 'list' AND EXISTS (SELECT FROM list_members m"
        "   WHERE m.list_id = l.id AND m.account_id = t.reply_to_account_id)))"
        f" AND {extra[0]} ORDER BY t.status_id {order} LIMIT %s",
        (list_id, *values, exclude, *extra[1], window.limit),
    )
    return await cur.fetchall()
