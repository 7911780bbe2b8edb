"""Who follows whom, with the per-follow options clients set."""

from tidings.domain.graph import events
from tidings.projections.tracking import Cursor, Projection, handles


class Relationships(Projection):
    name = "relationships"

    @handles(events.Follow)
    def followed(self, cur: Cursor, event: events.Follow) -> None:
        cur.execute(
            "INSERT INTO follows (follower_id, followed_id, notify, reblogs, created_at)"
            " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (follower_id, followed_id)"
            " DO UPDATE SET notify = excluded.notify, reblogs = excluded.reblogs",
            (event.actor, event.object, event.notify, event.reblogs, event.published),
        )

    @handles(events.Undo)
    def unfollowed(self, cur: Cursor, event: events.Undo) -> None:
        cur.execute("DELETE FROM follows WHERE follower_id = %s AND followed_id = %s",
                    (event.actor, event.object))
