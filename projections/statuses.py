"""Statuses as the API shows them, with reply counts kept as columns."""

from typing import Any, Protocol

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from tidings.domain.addressing import VISIBILITIES, recipients, visibility_of
from tidings.domain.ids import flake_of
from tidings.domain.interactions import events as interaction_events
from tidings.domain.pins import events as pin_events
from tidings.domain.polls import events as poll_events
from tidings.domain.reblogs import events as reblog_events
from tidings.domain.statuses import events
from tidings.domain.statuses.visibility import counts_as_reply, may_see, needs_follow
from tidings.projections import polls, status_edits
from tidings.projections.blocks import blocking
from tidings.projections.relationships import following_ids
from tidings.projections.tracking import Cursor, Projection, handles

COUNTED = tuple(v for v in VISIBILITIES if counts_as_reply(v))


class Statuses(Projection):
    name = "statuses"

    @handles(events.Create)
    def created(self, cur: Cursor, event: events.Create) -> None:
        note = event.object
        if note is None:  # the author was forgotten before this page was replayed
            return
        status_id = flake_of(event.originator_id)
        visibility = visibility_of(event.actor, event.to, event.cc)
        cur.execute(
            "INSERT INTO statuses (id, account_id, visibility, content, source, content_type,"
            " spoiler_text, sensitive, language, in_reply_to_id, in_reply_to_account_id,"
            " conversation_id, mentions, tags, app_id, created_at, addressed, emojis, quote_id,"
            " expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                status_id,
                event.actor,
                visibility,
                note.content,
                note.source,
                note.content_type,
                note.summary,
                note.sensitive,
                note.language,
                note.in_reply_to,
                note.in_reply_to_account,
                note.conversation or status_id,
                note.mentions,
                note.tags,
                note.app_id,
                event.published,
                [a for a in recipients(event.to, event.cc) if a != event.actor],
                Jsonb(note.emojis),
                note.quote,
                note.expires_at,
            ),
        )
        inserted = cur.rowcount  # a replayed Create must not count its reply twice
        if note.quote:
            cur.execute(
                "UPDATE statuses SET quotes_count = quotes_count + 1 WHERE id = %s",
                (note.quote,),
            )
        if note.poll is not None:
            polls.record_question(cur, status_id, note.poll)
        if note.in_reply_to and counts_as_reply(visibility) and inserted:
            cur.execute(
                "UPDATE statuses SET replies_count = replies_count + 1 WHERE id = %s",
                (note.in_reply_to,),
            )

    @handles(events.Update)
    def updated(self, cur: Cursor, event: events.Update) -> None:
        status_edits.record_update(cur, event)

    @handles(poll_events.Create)
    def voted(self, cur: Cursor, event: poll_events.Create) -> None:
        polls.record_vote(cur, event)

    @handles(events.Delete)
    def deleted(self, cur: Cursor, event: events.Delete) -> None:
        status_id = flake_of(event.originator_id)
        polls.forget(cur, status_id)
        status_edits.forget(cur, status_id)
        cur.execute(
            "WITH gone AS (DELETE FROM statuses WHERE id = %s"
            " RETURNING in_reply_to_id, quote_id, visibility)"
            " UPDATE statuses SET"
            " replies_count = CASE WHEN id = (SELECT in_reply_to_id FROM gone"
            "  WHERE visibility = ANY(%s)) THEN greatest(replies_count - 1, 0)"
            " ELSE replies_count END,"
            " quotes_count = CASE WHEN id = (SELECT quote_id FROM gone)"
            " THEN greatest(quotes_count - 1, 0) ELSE quotes_count END"
            " WHERE id IN (SELECT in_reply_to_id FROM gone UNION SELECT quote_id FROM gone)",
            (status_id, list(COUNTED)),
        )
        # Its reblogs go with it; its pin left in the same commit (a Remove), this is a net.
        cur.execute("DELETE FROM statuses WHERE reblog_of_id = %s", (status_id,))
        cur.execute("DELETE FROM pinned_statuses WHERE status_id = %s", (status_id,))

    # A reblog is a row of its own, written only while its original is here: an Announce
    # that raced the original's Delete leaves nothing behind.
    @handles(reblog_events.Announce)
    def reblogged(self, cur: Cursor, event: reblog_events.Announce) -> None:
        cur.execute(
            "WITH made AS (INSERT INTO statuses (id, account_id, visibility, content, source,"
            " content_type, reblog_of_id, created_at)"
            " SELECT %s, %s, %s, '', '', 'text/plain', o.id, %s FROM statuses o"
            " WHERE o.id = %s AND o.reblog_of_id IS NULL"
            " ON CONFLICT DO NOTHING RETURNING reblog_of_id)"
            " UPDATE statuses SET reblogs_count = reblogs_count + 1"
            " WHERE id = (SELECT reblog_of_id FROM made)",
            (
                event.reblog_id,
                event.actor,
                visibility_of(event.actor, event.to, event.cc),
                event.published,
                event.object,
            ),
        )

    @handles(reblog_events.Undo)
    def unreblogged(self, cur: Cursor, event: reblog_events.Undo) -> None:
        cur.execute(
            "WITH gone AS (DELETE FROM statuses WHERE id = %s RETURNING reblog_of_id)"
            " UPDATE statuses SET reblogs_count = greatest(reblogs_count - 1, 0)"
            " WHERE id = (SELECT reblog_of_id FROM gone)",
            (event.reblog_id,),
        )

    @handles(pin_events.Add)
    def pinned(self, cur: Cursor, event: pin_events.Add) -> None:
        cur.execute(
            "INSERT INTO pinned_statuses (status_id, account_id, pin_id, pinned_at)"
            " SELECT id, account_id, %s, %s FROM statuses WHERE id = %s"
            " ON CONFLICT (status_id) DO NOTHING",
            (event.pin_id, event.published, event.object),
        )

    @handles(pin_events.Remove)
    def unpinned(self, cur: Cursor, event: pin_events.Remove) -> None:
        cur.execute(
            "DELETE FROM pinned_statuses WHERE status_id = %s AND account_id = %s",
            (event.object, event.actor),
        )

    # The write side records a Like or Undo only when the favourite changes state, so each
    # one moves the count; a status already deleted simply matches no row.
    @handles(interaction_events.Like)
    def liked(self, cur: Cursor, event: interaction_events.Like) -> None:
        cur.execute(
            "UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = %s",
            (event.object,),
        )

    @handles(interaction_events.Undo)
    def unliked(self, cur: Cursor, event: interaction_events.Undo) -> None:
        cur.execute(
            "UPDATE statuses SET favourites_count = greatest(favourites_count - 1, 0)"
            " WHERE id = %s",
            (event.object,),
        )


class Window(Protocol):
    """A page of ids (the API's ``Page``): SQL bounds on a column, and a size."""

    limit: int

    def where(self, column: str) -> tuple[str, list[Any], str]: ...


# The posting app comes along, so rendering a page needs no query per status.
SELECT = (
    "SELECT s.*, app.name AS app_name, app.website AS app_website FROM statuses s"
    " LEFT JOIN oauth_apps app ON app.id = s.app_id"
)


async def by_ids(conn: AsyncConnection[Any], ids: list[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    cur = await conn.execute(f"{SELECT} WHERE s.id = ANY(%s)", (ids,))
    return {row["id"]: row for row in await cur.fetchall()}


async def by_id(conn: AsyncConnection[Any], status_id: str) -> dict[str, Any] | None:
    return (await by_ids(conn, [status_id])).get(status_id)


async def ancestors(conn: AsyncConnection[Any], status_id: str, depth: int) -> list[dict[str, Any]]:
    """The statuses ``status_id`` replies to, up to ``depth`` of them, oldest first. A
    deleted parent ends the walk, as there is nothing left to follow."""
    cur = await conn.execute(
        "WITH RECURSIVE up(id, depth) AS ("
        " SELECT in_reply_to_id, 1 FROM statuses WHERE id = %s AND in_reply_to_id IS NOT NULL"
        " UNION ALL"
        " SELECT p.in_reply_to_id, up.depth + 1 FROM up JOIN statuses p ON p.id = up.id"
        " WHERE p.in_reply_to_id IS NOT NULL AND up.depth < %s"
        f") {SELECT} JOIN up ON up.id = s.id ORDER BY up.depth DESC",
        (status_id, depth),
    )
    return await cur.fetchall()


async def descendants(
    conn: AsyncConnection[Any], status_id: str, depth: int, limit: int
) -> list[dict[str, Any]]:
    """Replies to ``status_id`` and their replies, down to ``depth`` levels, by id."""
    cur = await conn.execute(
        "WITH RECURSIVE down(id, depth) AS ("
        " SELECT id, 1 FROM statuses WHERE in_reply_to_id = %s"
        " UNION ALL"
        " SELECT r.id, down.depth + 1 FROM down JOIN statuses r ON r.in_reply_to_id = down.id"
        " WHERE down.depth < %s"
        f") {SELECT} JOIN down ON down.id = s.id ORDER BY s.id LIMIT %s",
        (status_id, depth, limit),
    )
    return await cur.fetchall()


async def public(
    conn: AsyncConnection[Any],
    window: Window,
    with_local: bool,
    extra: tuple[str, list[Any]] = ("TRUE", []),
) -> list[dict[str, Any]]:
    """Public posts, and local-only ones for signed-in readers. The visibility test is
    written out, not a parameter, so the planner can use the matching partial index;
    ``extra`` is a further condition on ``s`` (the reader's filters)."""
    shown = "s.visibility IN ('public', 'local')" if with_local else "s.visibility = 'public'"
    conditions, values, order = window.where("s.id")
    cur = await conn.execute(
        f"{SELECT} WHERE {shown} AND s.reblog_of_id IS NULL AND {conditions} AND {extra[0]}"
        f" ORDER BY s.id {order} LIMIT %s",
        (*values, *extra[1], window.limit),
    )
    return await cur.fetchall()


async def visible(
    conn: AsyncConnection[Any], rows: list[dict[str, Any]], viewer_id: str | None
) -> list[dict[str, Any]]:
    """The rows ``viewer_id`` may see, in their order; a few queries for the whole batch
    (originals, follows, blocks). The audience is whom the Create addressed: mentions added
    by an edit see nothing. A reblog shows only while the viewer may see its original too;
    nothing of an author who blocks the viewer shows, nor a reblog by one."""
    originals = await by_ids(
        conn, sorted({r["reblog_of_id"] for r in rows if r.get("reblog_of_id")})
    )
    checked = [*rows, *originals.values()]
    followed: set[str] = set()
    authors = {r["account_id"] for r in checked if needs_follow(r["visibility"])}
    if viewer_id is not None and authors:
        followed = await following_ids(conn, viewer_id, sorted(authors))
    blockers: set[str] = set()
    if viewer_id is not None and checked:
        others = {r["account_id"] for r in checked} - {viewer_id}
        blockers = await blocking(conn, viewer_id, sorted(others))

    def seen(r: dict[str, Any]) -> bool:
        return may_see(
            r["visibility"],
            r["account_id"],
            r["addressed"],
            viewer_id,
            r["account_id"] in followed,
            author_blocks_viewer=r["account_id"] in blockers,
        )

    def original_seen(r: dict[str, Any]) -> bool:
        original = originals.get(r["reblog_of_id"])
        return original is not None and seen(original)

    return [r for r in rows if seen(r) and (not r.get("reblog_of_id") or original_seen(r))]


async def accounts_named(
    conn: AsyncConnection[Any], usernames: list[str]
) -> dict[str, dict[str, Any]]:
    """Active local accounts by lowercased username, to resolve a post's @mentions."""
    if not usernames:
        return {}
    cur = await conn.execute(
        "SELECT id, username FROM accounts WHERE lower(username) = ANY(%s) AND NOT deactivated",
        ([u.lower() for u in usernames],),
    )
    return {row["username"].lower(): row for row in await cur.fetchall()}


async def quotes_of(
    conn: AsyncConnection[Any], status_id: str, window: Window
) -> list[dict[str, Any]]:
    """The statuses quoting ``status_id``, by id; the caller filters what its viewer sees."""
    conditions, values, order = window.where("s.id")
    cur = await conn.execute(
        f"{SELECT} WHERE s.quote_id = %s AND {conditions} ORDER BY s.id {order} LIMIT %s",
        (status_id, *values, window.limit),
    )
    return await cur.fetchall()


async def in_thread(
    conn: AsyncConnection[Any], conversation_id: str, window: Window
) -> list[dict[str, Any]]:
    """A page of the statuses of one thread context, by id; the caller filters them."""
    conditions, values, order = window.where("s.id")
    cur = await conn.execute(
        f"{SELECT} WHERE s.conversation_id = %s AND {conditions} ORDER BY s.id {order} LIMIT %s",
        (conversation_id, *values, window.limit),
    )
    return await cur.fetchall()


async def reblogged_by(
    conn: AsyncConnection[Any], status_id: str, window: Window, with_local: bool
) -> list[dict[str, Any]]:
    """Rows of (``page_id``, ``account_id``): who reblogged the status, by reblog id.
    Followers-only self-reblogs are left out, as Mastodon leaves them out."""
    shown = "('public', 'unlisted', 'local')" if with_local else "('public', 'unlisted')"
    conditions, values, order = window.where("id")
    cur = await conn.execute(
        f"SELECT id AS page_id, account_id FROM statuses WHERE reblog_of_id = %s"
        f" AND visibility IN {shown} AND {conditions} ORDER BY id {order} LIMIT %s",
        (status_id, *values, window.limit),
    )
    return await cur.fetchall()


async def pinned_page(
    conn: AsyncConnection[Any], account_id: str, window: Window
) -> list[dict[str, Any]]:
    """The account's pinned statuses, newest pin first; ``page_id`` is the pin's id."""
    conditions, values, order = window.where("p.pin_id")
    cur = await conn.execute(
        f"SELECT p.pin_id AS page_id, s.* FROM pinned_statuses p"
        f" JOIN LATERAL ({SELECT} WHERE s.id = p.status_id) s ON true"
        f" WHERE p.account_id = %s AND {conditions} ORDER BY p.pin_id {order} LIMIT %s",
        (account_id, *values, window.limit),
    )
    return await cur.fetchall()


async def reblog_by(
    conn: AsyncConnection[Any], account_id: str, status_id: str
) -> dict[str, Any] | None:
    """The account's reblog of the status, if it has one."""
    cur = await conn.execute(
        f"{SELECT} WHERE s.account_id = %s AND s.reblog_of_id = %s", (account_id, status_id)
    )
    return await cur.fetchone()
