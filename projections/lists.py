"""Lists, their members, and each list's timeline fanned out on write: one row per
(list, status), so a read is one indexed range scan. Keeps its own copy of follows and
post audiences, so a rebuild from the log is exact whatever the other read models hold."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.addressing import visibility_of
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import flake_of
from tidings.domain.lists import events as list_events
from tidings.domain.reblogs import events as reblog_events
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

# Whether reblog ``p`` may enter list ``l``, as in the home timeline: the owner takes the
# reblogger's reblogs, wrote none of the original, and the list holds neither the original
# nor another reblog of it.
_REBLOG_SHOWN = (
    "(l.owner_id <> p.reblog_of_author_id AND EXISTS (SELECT FROM list_follows f"
    "  WHERE f.follower_id = l.owner_id AND f.followed_id = p.author_id AND f.reblogs)"
    " AND NOT EXISTS (SELECT FROM list_timeline t WHERE t.list_id = l.id"
    "  AND (t.status_id = p.reblog_of_id OR t.reblog_of_id = p.reblog_of_id)))"
)

_ROW = "l.id, p.status_id, p.author_id, p.reply_to_account_id, p.reblog_of_id"
_INSERT = (
    "INSERT INTO list_timeline (list_id, status_id, author_id, reply_to_account_id, reblog_of_id)"
)

# A member's recent posts and reblogs into the lists ``l`` (a FROM item) that hold them:
# for a new member, or a follow whose options changed. A reblog whose original comes in the
# same batch stays out, as it would had they been fanned out one by one.
_BACKFILL = (
    f"WITH recent AS (SELECT {_ROW} FROM {{lists}} CROSS JOIN LATERAL (SELECT * FROM"
    f"  list_posts p WHERE p.author_id = %(member)s AND {_SHOWN}"
    f"  AND (p.reblog_of_id IS NULL OR {_REBLOG_SHOWN})"
    "  ORDER BY p.status_id DESC LIMIT %(backfill)s) p)"
    f" {_INSERT} SELECT * FROM recent r WHERE r.reblog_of_id IS NULL"
    " OR r.reblog_of_id NOT IN (SELECT o.status_id FROM recent o WHERE o.id = r.id)"
    " ON CONFLICT DO NOTHING"
)


def _follow_ended(cur: Cursor, follower: str, followed: str) -> None:
    """List accounts belong to the follow (Mastodon): when it ends (an unfollow, a
    refused request, a removal from the followers, a block's Undo or Reject) the account
    leaves every list of the follower, with all it put there. Derived here rather than
    recorded on each list's stream: the log already says the follow ended, and
    ListMemberAdded names the follow it joined under (see UserList)."""
    cur.execute(
        "DELETE FROM list_follows WHERE follower_id = %s AND followed_id = %s",
        (follower, followed),
    )
    for table, column in (("list_timeline", "author_id"), ("list_members", "account_id")):
        cur.execute(
            f"DELETE FROM {table} t USING lists l WHERE l.id = t.list_id"
            f" AND l.owner_id = %s AND t.{column} = %s",
            (follower, followed),
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
        # Only under a follow standing since the one it joined under (0: an older event,
        # from the follow's first version): an unfollow racing the add wins, as it does
        # on the write side.
        cur.execute(
            "INSERT INTO list_members (list_id, account_id) SELECT l.id, f.followed_id"
            " FROM lists l JOIN list_follows f ON f.follower_id = l.owner_id"
            " WHERE l.id = %s AND f.followed_id = %s AND f.since_version <= greatest(%s, 1)"
            " ON CONFLICT DO NOTHING",
            (list_id, event.account_id, event.follow_version),
        )
        if cur.rowcount == 0:
            return
        cur.execute(
            _BACKFILL.format(lists="(SELECT * FROM lists WHERE id = %(list)s) l"),
            {"list": list_id, "member": event.account_id, "backfill": BACKFILL},
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
            f"{_INSERT} SELECT {_ROW}"
            " FROM list_posts p JOIN list_members m ON m.account_id = p.author_id"
            f" JOIN lists l ON l.id = m.list_id WHERE p.status_id = %s AND {_SHOWN}"
            " ON CONFLICT DO NOTHING",
            (status_id,),
        )

    @handles(status_events.Delete)
    def unposted(self, cur: Cursor, event: status_events.Delete) -> None:
        """Its reblogs leave every list with it."""
        status_id = flake_of(event.originator_id)
        cur.execute(
            "DELETE FROM list_timeline t USING list_posts p WHERE p.reblog_of_id = %s"
            " AND t.status_id = p.status_id",
            (status_id,),
        )
        cur.execute("DELETE FROM list_posts WHERE reblog_of_id = %s", (status_id,))
        cur.execute("DELETE FROM list_timeline WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM list_posts WHERE status_id = %s", (status_id,))

    @handles(reblog_events.Announce)
    def reblogged(self, cur: Cursor, event: reblog_events.Announce) -> None:
        """Into the lists holding the reblogger, as Mastodon fans reblogs out to lists;
        nothing at all if the original is already gone. A reblog is no reply, so the list's
        replies policy never hides one."""
        cur.execute(
            "INSERT INTO list_posts (status_id, author_id, visibility, reblog_of_id,"
            " reblog_of_author_id) SELECT %s, %s, %s, status_id, author_id FROM list_posts"
            " WHERE status_id = %s AND reblog_of_id IS NULL ON CONFLICT DO NOTHING",
            (
                event.reblog_id,
                event.actor,
                visibility_of(event.actor, event.to, event.cc),
                event.object,
            ),
        )
        cur.execute(
            f"{_INSERT} SELECT {_ROW}"
            " FROM list_posts p JOIN list_members m ON m.account_id = p.author_id"
            " JOIN lists l ON l.id = m.list_id WHERE p.status_id = %s"
            f" AND {_SHOWN} AND {_REBLOG_SHOWN} ON CONFLICT DO NOTHING",
            (event.reblog_id,),
        )

    @handles(reblog_events.Undo)
    def unreblogged(self, cur: Cursor, event: reblog_events.Undo) -> None:
        cur.execute("DELETE FROM list_timeline WHERE status_id = %s", (event.reblog_id,))
        cur.execute("DELETE FROM list_posts WHERE status_id = %s", (event.reblog_id,))

    @handles(graph_events.Follow)
    def followed(self, cur: Cursor, event: graph_events.Follow) -> None:
        """New options on a follow (a new follow finds the account in none of the
        follower's lists): hiding reblogs takes the account's reblogs out of them, showing
        them brings the recent ones. A request is no follow until accepted."""
        if not event.requested:
            self._follow(cur, event.actor, event.object, event.reblogs, event.originator_version)

    @handles(graph_events.Accept)
    def accepted(self, cur: Cursor, event: graph_events.Accept) -> None:
        """The follow starts here, so members may join under it from this version on."""
        self._follow(cur, event.object, event.actor, event.reblogs, event.originator_version)

    def _follow(self, cur: Cursor, follower: str, followed: str, reblogs: bool, at: int) -> None:
        cur.execute(
            "INSERT INTO list_follows (follower_id, followed_id, reblogs, since_version)"
            " VALUES (%s, %s, %s, %s)"
            " ON CONFLICT (follower_id, followed_id) DO UPDATE SET reblogs = excluded.reblogs",
            (follower, followed, reblogs, at),
        )
        if not reblogs:
            cur.execute(
                "DELETE FROM list_timeline t USING lists l WHERE l.id = t.list_id"
                " AND l.owner_id = %s AND t.author_id = %s AND t.reblog_of_id IS NOT NULL",
                (follower, followed),
            )
        cur.execute(
            _BACKFILL.format(
                lists="(SELECT l.* FROM lists l JOIN list_members m ON m.list_id = l.id"
                " AND m.account_id = %(member)s WHERE l.owner_id = %(owner)s) l"
            ),
            {"owner": follower, "member": followed, "backfill": BACKFILL},
        )

    @handles(graph_events.Undo)
    def unfollowed(self, cur: Cursor, event: graph_events.Undo) -> None:
        _follow_ended(cur, event.actor, event.object)

    @handles(graph_events.Reject)
    def rejected(self, cur: Cursor, event: graph_events.Reject) -> None:
        """A request refused, or a follower removed (also by a block): the follower's
        follow ends, read the follower's way round."""
        _follow_ended(cur, event.object, event.actor)


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


# Whether list ``l`` shows its row ``t``: replies to others follow the list's policy
# (``followed`` keeps replies to accounts the owner follows, ``list`` replies to members,
# ``none`` none). The list timeline and the streaming publisher both judge by it.
REPLIES_SHOWN = (
    "(t.reply_to_account_id IS NULL OR t.reply_to_account_id IN (t.author_id, l.owner_id)"
    " OR (l.replies_policy = 'followed' AND EXISTS (SELECT FROM list_follows f"
    "  WHERE f.follower_id = l.owner_id AND f.followed_id = t.reply_to_account_id))"
    " OR (l.replies_policy = 'list' AND EXISTS (SELECT FROM list_members m"
    "  WHERE m.list_id = l.id AND m.account_id = t.reply_to_account_id)))"
)


async def page(
    conn: AsyncConnection[Any],
    list_id: str,
    window: Window,
    exclude: list[str],
    extra: tuple[str, list[Any]] = ("TRUE", []),
) -> list[dict[str, Any]]:
    """One range scan of the list's rows, joined to the statuses they point at, less the
    replies the list's policy hides (``REPLIES_SHOWN``)."""
    conditions, values, order = window.where("t.status_id")
    cur = await conn.execute(
        f"{SELECT} JOIN list_timeline t ON t.status_id = s.id JOIN lists l ON l.id = t.list_id"
        f" WHERE t.list_id = %s AND {conditions} AND s.visibility <> ALL(%s)"
        f" AND {REPLIES_SHOWN}"
        f" AND {extra[0]} ORDER BY t.status_id {order} LIMIT %s",
        (list_id, *values, exclude, *extra[1], window.limit),
    )
    return await cur.fetchall()
