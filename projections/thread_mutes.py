"""Which conversations each reader muted, and until when. An expired mute is not deleted:
it stops matching at read time (``expires_at > now()``), so no job has to remove it."""

from tidings.domain.thread_mutes import events
from tidings.projections.tracking import Cursor, Projection, handles

# Whether the viewer (the one parameter) muted the thread of status ``s``: for timelines.
MUTED_THREAD = (
    "EXISTS (SELECT FROM thread_mutes m WHERE m.account_id = %s"
    " AND m.conversation_id = s.conversation_id"
    " AND (m.expires_at IS NULL OR m.expires_at > now()))"
)


class ThreadMutes(Projection):
    name = "thread_mutes"

    @handles(events.ConversationMuted)
    def muted(self, cur: Cursor, event: events.ConversationMuted) -> None:
        cur.execute(
            "INSERT INTO thread_mutes (account_id, conversation_id, expires_at)"
            " VALUES (%s, %s, %s) ON CONFLICT (account_id, conversation_id)"
            " DO UPDATE SET expires_at = excluded.expires_at",
            (event.account_id, event.conversation_id, event.expires_at),
        )

    @handles(events.ConversationUnmuted)
    def unmuted(self, cur: Cursor, event: events.ConversationUnmuted) -> None:
        cur.execute(
            "DELETE FROM thread_mutes WHERE account_id = %s AND conversation_id = %s",
            (event.account_id, event.conversation_id),
        )
