"""Follower, following and status counts, kept as columns so no read ever counts rows."""

from tidings.domain.accounts import events as account_events
from tidings.domain.events import Event
from tidings.domain.graph import events as graph_events
from tidings.domain.ids import flake_of
from tidings.domain.reblogs import events as reblog_events
from tidings.domain.statuses import events as status_events
from tidings.projections.tracking import Cursor, Projection, handles

_BUMP = (
    "INSERT INTO account_stats (account_id, {column}) VALUES (%s, greatest(%s, 0))"
    " ON CONFLICT (account_id) DO UPDATE"
    " SET {column} = greatest(account_stats.{column} + %s, 0)"
)


def _bump(cur: Cursor, account_id: str, column: str, delta: int) -> None:
    cur.execute(_BUMP.format(column=column), (account_id, delta, delta))


def _set_edge(cur: Cursor, event: Event, active: bool) -> bool:
    """Records the follow's state; returns whether it was active before."""
    cur.execute(
        "WITH old AS (SELECT active FROM follow_edges WHERE stream = %s)"
        " INSERT INTO follow_edges (stream, active) VALUES (%s, %s)"
        " ON CONFLICT (stream) DO UPDATE SET active = excluded.active"
        " RETURNING (SELECT active FROM old)",
        (event.originator_id, event.originator_id, active),
    )
    row = cur.fetchone()
    return bool(row and row[0])


def _count(cur: Cursor, follower: str, followed: str, delta: int) -> None:
    _bump(cur, follower, "following_count", delta)
    _bump(cur, followed, "followers_count", delta)


class AccountStats(Projection):
    name = "account_stats"

    @handles(account_events.Registered)
    def registered(self, cur: Cursor, event: account_events.Registered) -> None:
        cur.execute(
            "INSERT INTO account_stats (account_id) VALUES (%s) ON CONFLICT DO NOTHING",
            (flake_of(event.originator_id),),
        )

    @handles(graph_events.Follow)
    def followed(self, cur: Cursor, event: graph_events.Follow) -> None:
        if event.requested:  # a follow request counts once the account accepts it
            _set_edge(cur, event, active=False)
        elif not _set_edge(cur, event, active=True):  # else only new notify/reblogs options
            _count(cur, event.actor, event.object, 1)

    @handles(graph_events.Accept)
    def accepted(self, cur: Cursor, event: graph_events.Accept) -> None:
        if not _set_edge(cur, event, active=True):
            _count(cur, event.object, event.actor, 1)

    @handles(graph_events.Undo)
    def unfollowed(self, cur: Cursor, event: graph_events.Undo) -> None:
        if _set_edge(cur, event, active=False):
            _count(cur, event.actor, event.object, -1)

    @handles(graph_events.Reject)
    def rejected(self, cur: Cursor, event: graph_events.Reject) -> None:
        if _set_edge(cur, event, active=False):  # a follower removed, not a refused request
            _count(cur, event.object, event.actor, -1)

    @handles(status_events.Create)
    def posted(self, cur: Cursor, event: status_events.Create) -> None:
        _bump(cur, event.actor, "statuses_count", 1)
        cur.execute(
            "UPDATE account_stats SET last_status_at = %s WHERE account_id = %s",
            (event.published, event.actor),
        )

    @handles(status_events.Delete)
    def deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        _bump(cur, event.attributed_to, "statuses_count", -1)
        # Its reblogs went with it: each reblogger counts one status fewer.
        cur.execute(
            "WITH gone AS (DELETE FROM stats_reblogs WHERE status_id = %s RETURNING account_id)"
            " UPDATE account_stats a SET statuses_count = greatest(a.statuses_count - 1, 0)"
            " FROM gone WHERE a.account_id = gone.account_id",
            (flake_of(event.originator_id),),
        )

    # Mastodon counts reblogs among an account's statuses.
    @handles(reblog_events.Announce)
    def reblogged(self, cur: Cursor, event: reblog_events.Announce) -> None:
        cur.execute(
            "INSERT INTO stats_reblogs (reblog_id, account_id, status_id) VALUES (%s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (event.reblog_id, event.actor, event.object),
        )
        _bump(cur, event.actor, "statuses_count", 1)
        cur.execute(
            "UPDATE account_stats SET last_status_at = %s WHERE account_id = %s",
            (event.published, event.actor),
        )

    @handles(reblog_events.Undo)
    def unreblogged(self, cur: Cursor, event: reblog_events.Undo) -> None:
        cur.execute(
            "DELETE FROM stats_reblogs WHERE reblog_id = %s RETURNING account_id",
            (event.reblog_id,),
        )
        if cur.fetchone() is not None:  # not already taken back with its original
            _bump(cur, event.actor, "statuses_count", -1)
