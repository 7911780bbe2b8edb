"""Statuses as the API shows them, with reply counts kept as columns."""

from tidings.domain.addressing import visibility_of
from tidings.domain.ids import flake_of
from tidings.domain.statuses import events
from tidings.projections.tracking import Cursor, Projection, handles


class Statuses(Projection):
    name = "statuses"

    @handles(events.Create)
    def created(self, cur: Cursor, event: events.Create) -> None:
        note = event.object
        if note is None:  # the author was forgotten before this page was replayed
            return
        status_id = flake_of(event.originator_id)
        cur.execute(
            "INSERT INTO statuses (id, account_id, visibility, content, source, content_type,"
            " spoiler_text, sensitive, language, in_reply_to_id, in_reply_to_account_id,"
            " conversation_id, mentions, tags, app_id, created_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                status_id,
                event.actor,
                visibility_of(event.actor, event.to, event.cc),
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
            ),
        )
        if note.in_reply_to:
            cur.execute(
                "UPDATE statuses SET replies_count = replies_count + 1 WHERE id = %s",
                (note.in_reply_to,),
            )

    @handles(events.Delete)
    def deleted(self, cur: Cursor, event: events.Delete) -> None:
        cur.execute(
            "WITH gone AS (DELETE FROM statuses WHERE id = %s RETURNING in_reply_to_id)"
            " UPDATE statuses SET replies_count = greatest(replies_count - 1, 0)"
            " WHERE id = (SELECT in_reply_to_id FROM gone)",
            (flake_of(event.originator_id),),
        )
