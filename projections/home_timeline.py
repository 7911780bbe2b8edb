"""Home timelines, fanned out on write: one row per (reader, status), so a read is one
indexed range scan. Keeps its own copy of follows and post audiences, so a rebuild from the
log is exact whatever the other read models hold."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.addressing import recipients, visibility_of
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import flake_of
from tidings.domain.lists import events as list_events
from tidings.domain.reblogs import events as reblog_events
from tidings.domain.statuses import events as status_events
from tidings.projections.statuses import SELECT, Window
from tidings.projections.tracking import Cursor, Projection, handles

BACKFILL = 40  # posts of a newly followed account copied into the follower's home


def _exclusive(owner: str, author: str) -> str:
    """Whether ``author`` is a member of one of ``owner``'s exclusive lists (SQL
    expressions both): Mastodon 4.2 keeps such posts out of the home when they are fanned
    out, so a later change of the list shows in later posts only, as there."""
    return (
        "EXISTS (SELECT FROM home_list_members m JOIN home_lists l ON l.id = m.list_id"
        f" WHERE m.account_id = {author} AND m.owner_id = {owner} AND l.exclusive)"
    )


class HomeTimeline(Projection):
    name = "home_timeline"

    @handles(status_events.Create)
    def created(self, cur: Cursor, event: status_events.Create) -> None:
        status_id = flake_of(event.originator_id)
        visibility = visibility_of(event.actor, event.to, event.cc)
        cur.execute(
            "INSERT INTO home_posts (status_id, author_id, visibility) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (status_id, event.actor, visibility),
        )
        addressed = [a for a in recipients(event.to, event.cc) if a != event.actor]
        if visibility in ("direct", "list"):  # for the addressed alone, not all followers
            cur.execute(
                "INSERT INTO home_timeline (owner_id, status_id, author_id)"
                " SELECT o, %s, %s FROM unnest(%s::text[]) o"
                f" WHERE NOT {_exclusive('o', '%s')} ON CONFLICT DO NOTHING",
                (status_id, event.actor, [event.actor, *addressed], event.actor),
            )
            return
        cur.execute(
            "INSERT INTO home_timeline (owner_id, status_id, author_id)"
            " SELECT o.owner_id, %s, %s FROM (SELECT follower_id AS owner_id FROM home_follows"
            "  WHERE followed_id = %s UNION SELECT unnest(%s::text[])) o"
            f" WHERE NOT {_exclusive('o.owner_id', '%s')} ON CONFLICT DO NOTHING",
            (status_id, event.actor, event.actor, [event.actor, *addressed], event.actor),
        )

    @handles(status_events.Delete)
    def deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        status_id = flake_of(event.originator_id)
        cur.execute("DELETE FROM home_timeline WHERE status_id = %s", (status_id,))
        cur.execute("DELETE FROM home_posts WHERE status_id = %s", (status_id,))
        # Its reblogs leave every home with it.
        cur.execute(
            "DELETE FROM home_timeline h USING home_posts p"
            " WHERE p.reblog_of_id = %s AND h.status_id = p.status_id",
            (status_id,),
        )
        cur.execute("DELETE FROM home_posts WHERE reblog_of_id = %s", (status_id,))

    @handles(reblog_events.Announce)
    def reblogged(self, cur: Cursor, event: reblog_events.Announce) -> None:
        """To the reblogger and the followers who take their reblogs, as Mastodon: never
        into the original author's home, nor a home already holding the original or
        another reblog of it. Nothing at all if the original is already gone."""
        cur.execute(
            "INSERT INTO home_posts (status_id, author_id, visibility, reblog_of_id,"
            " reblog_of_author_id) SELECT %s, %s, %s, status_id, author_id FROM home_posts"
            " WHERE status_id = %s AND reblog_of_id IS NULL ON CONFLICT DO NOTHING",
            (
                event.reblog_id,
                event.actor,
                visibility_of(event.actor, event.to, event.cc),
                event.object,
            ),
        )
        cur.execute(
            "INSERT INTO home_timeline (owner_id, status_id, author_id, reblog_of_id)"
            " SELECT o.owner_id, p.status_id, p.author_id, p.reblog_of_id"
            " FROM home_posts p, (SELECT follower_id AS owner_id FROM home_follows"
            "  WHERE followed_id = %(actor)s AND reblogs UNION SELECT %(actor)s) o"
            " WHERE p.status_id = %(reblog)s AND o.owner_id <> p.reblog_of_author_id"
            f" AND NOT {_exclusive('o.owner_id', '%(actor)s')}"
            " AND NOT EXISTS (SELECT FROM home_timeline h WHERE h.owner_id = o.owner_id"
            "  AND (h.status_id = p.reblog_of_id OR h.reblog_of_id = p.reblog_of_id))"
            " ON CONFLICT DO NOTHING",
            {"actor": event.actor, "reblog": event.reblog_id},
        )

    @handles(reblog_events.Undo)
    def unreblogged(self, cur: Cursor, event: reblog_events.Undo) -> None:
        cur.execute("DELETE FROM home_timeline WHERE status_id = %s", (event.reblog_id,))
        cur.execute("DELETE FROM home_posts WHERE status_id = %s", (event.reblog_id,))

    @handles(graph_events.Follow)
    def followed(self, cur: Cursor, event: graph_events.Follow) -> None:
        """A new follow, or new options on one: the home takes the account's recent posts,
        and its reblogs only while the follow takes them (hiding them removes those shown)."""
        if event.requested:  # a follow request shows nothing until the account accepts it
            return
        cur.execute(
            "INSERT INTO home_follows (follower_id, followed_id, reblogs) VALUES (%s, %s, %s)"
            " ON CONFLICT (followed_id, follower_id) DO UPDATE SET reblogs = excluded.reblogs",
            (event.actor, event.object, event.reblogs),
        )
        if not event.reblogs:
            cur.execute(
                "DELETE FROM home_timeline WHERE owner_id = %s AND author_id = %s"
                " AND reblog_of_id IS NOT NULL",
                (event.actor, event.object),
            )
        cur.execute(
            "INSERT INTO home_timeline (owner_id, status_id, author_id, reblog_of_id)"
            " SELECT %(owner)s, p.status_id, p.author_id, p.reblog_of_id FROM home_posts p"
            " WHERE p.author_id = %(author)s AND p.visibility NOT IN ('direct', 'list')"
            f" AND NOT {_exclusive('%(owner)s', '%(author)s')}"
            " AND (p.reblog_of_id IS NULL OR (%(reblogs)s"
            "  AND p.reblog_of_author_id NOT IN (%(owner)s, %(author)s)"
            "  AND NOT EXISTS (SELECT FROM home_timeline h WHERE h.owner_id = %(owner)s"
            "   AND (h.status_id = p.reblog_of_id OR h.reblog_of_id = p.reblog_of_id))))"
            " ORDER BY p.status_id DESC LIMIT %(backfill)s ON CONFLICT DO NOTHING",
            {
                "owner": event.actor,
                "author": event.object,
                "reblogs": event.reblogs,
                "backfill": BACKFILL,
            },
        )

    @handles(graph_events.Undo)
    def unfollowed(self, cur: Cursor, event: graph_events.Undo) -> None:
        cur.execute(
            "DELETE FROM home_follows WHERE follower_id = %s AND followed_id = %s",
            (event.actor, event.object),
        )
        # Posts that addressed the reader directly stay; the rest leave with the follow.
        cur.execute(
            "DELETE FROM home_timeline h USING home_posts p"
            " WHERE h.owner_id = %s AND h.author_id = %s AND p.status_id = h.status_id"
            " AND p.visibility NOT IN ('direct', 'list')",
            (event.actor, event.object),
        )
        # And the account leaves the follower's lists with it (list accounts belong to the
        # follow): this copy of the exclusive lists follows the lists read model's rule.
        cur.execute(
            "DELETE FROM home_list_members WHERE account_id = %s AND owner_id = %s",
            (event.object, event.actor),
        )

    @handles(list_events.ListCreated)
    def list_created(self, cur: Cursor, event: list_events.ListCreated) -> None:
        cur.execute(
            "INSERT INTO home_lists (id, owner_id, exclusive) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (flake_of(event.originator_id), event.owner_id, event.exclusive),
        )

    @handles(list_events.ListRenamed)
    def list_changed(self, cur: Cursor, event: list_events.ListRenamed) -> None:
        cur.execute(
            "UPDATE home_lists SET exclusive = %s WHERE id = %s",
            (event.exclusive, flake_of(event.originator_id)),
        )

    @handles(list_events.ListDeleted)
    def list_deleted(self, cur: Cursor, event: list_events.ListDeleted) -> None:
        list_id = flake_of(event.originator_id)
        cur.execute("DELETE FROM home_list_members WHERE list_id = %s", (list_id,))
        cur.execute("DELETE FROM home_lists WHERE id = %s", (list_id,))

    @handles(list_events.ListMemberAdded)
    def list_member_added(self, cur: Cursor, event: list_events.ListMemberAdded) -> None:
        # Only while followed, as in the lists read model: an unfollow racing the add wins.
        cur.execute(
            "INSERT INTO home_list_members (list_id, owner_id, account_id)"
            " SELECT l.id, l.owner_id, f.followed_id FROM home_lists l JOIN home_follows f"
            " ON f.follower_id = l.owner_id AND f.followed_id = %s WHERE l.id = %s"
            " ON CONFLICT DO NOTHING",
            (event.account_id, flake_of(event.originator_id)),
        )

    @handles(list_events.ListMemberRemoved)
    def list_member_removed(self, cur: Cursor, event: list_events.ListMemberRemoved) -> None:
        cur.execute(
            "DELETE FROM home_list_members WHERE list_id = %s AND account_id = %s",
            (flake_of(event.originator_id), event.account_id),
        )

    @handles(graph_events.Accept)
    def accepted(self, cur: Cursor, event: graph_events.Accept) -> None:
        """An accepted request starts the follow it asked for, exactly as a follow of an
        unlocked account would have: the same handler, read the follower's way round."""
        self.followed(cur, _as_follow(event))

    @handles(graph_events.Reject)
    def rejected(self, cur: Cursor, event: graph_events.Reject) -> None:
        """A refused request had shown nothing; a removed follower's home stops receiving,
        exactly as after their own unfollow."""
        self.unfollowed(cur, _as_undo(event))


def _as_follow(event: graph_events.Accept) -> graph_events.Follow:
    return graph_events.Follow(
        originator_id=event.originator_id,
        originator_version=event.originator_version,
        published=event.published,
        actor=event.object,
        object=event.actor,
        notify=event.notify,
        reblogs=event.reblogs,
    )


def _as_undo(event: graph_events.Reject) -> graph_events.Undo:
    return graph_events.Undo(
        originator_id=event.originator_id,
        originator_version=event.originator_version,
        published=event.published,
        actor=event.object,
        object=event.actor,
    )


async def page(
    conn: AsyncConnection[Any],
    owner_id: str,
    window: Window,
    exclude: list[str],
    extra: tuple[str, list[Any]] = ("TRUE", []),
) -> list[dict[str, Any]]:
    """One range scan of the owner's rows, joined to the statuses they point at;
    ``exclude`` lists visibilities left out (Pleroma's ``exclude_visibilities``), ``extra``
    is a further condition on ``s`` (the reader's filters)."""
    conditions, values, order = window.where("h.status_id")
    cur = await conn.execute(
        f"{SELECT} JOIN home_timeline h ON h.status_id = s.id"
        f" WHERE h.owner_id = %s AND {conditions} AND s.visibility <> ALL(%s) AND {extra[0]}"
        f" ORDER BY h.status_id {order} LIMIT %s",
        (owner_id, *values, exclude, *extra[1], window.limit),
    )
    return await cur.fetchall()
