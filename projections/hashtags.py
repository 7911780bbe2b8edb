"""Which statuses carry which tag, for hashtag search by prefix. The statuses are joined
at read time, so the one visibility rule decides which tags a reader is offered."""

from tidings.domain.ids import flake_of
from tidings.domain.statuses import events as status_events
from tidings.projections.tracking import Cursor, Projection, handles


class Hashtags(Projection):
    name = "hashtags"

    @handles(status_events.Create)
    def created(self, cur: Cursor, event: status_events.Create) -> None:
        if event.object is None or not event.object.tags:  # forgotten, or untagged
            return
        cur.execute(
            "INSERT INTO hashtag_uses (name, status_id) SELECT unnest(%s::text[]), %s"
            " ON CONFLICT DO NOTHING",
            (event.object.tags, flake_of(event.originator_id)),
        )

    @handles(status_events.Update)
    def edited(self, cur: Cursor, event: status_events.Update) -> None:
        """An edit carries the whole Note: its tags replace the status's."""
        if event.object is None:
            return
        status_id = flake_of(event.originator_id)
        cur.execute(
            "DELETE FROM hashtag_uses WHERE status_id = %s AND name <> ALL(%s)",
            (status_id, event.object.tags),
        )
        cur.execute(
            "INSERT INTO hashtag_uses (name, status_id) SELECT unnest(%s::text[]), %s"
            " ON CONFLICT DO NOTHING",
            (event.object.tags, status_id),
        )

    @handles(status_events.Delete)
    def deleted(self, cur: Cursor, event: status_events.Delete) -> None:
        cur.execute(
            "DELETE FROM hashtag_uses WHERE status_id = %s", (flake_of(event.originator_id),)
        )
