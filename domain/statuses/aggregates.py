from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from tidings.domain.addressing import visibility_of
from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Forbidden, Invalid, NotFound
from tidings.domain.events import Event
from tidings.domain.ids import flake_of, new_id
from tidings.domain.statuses import events
from tidings.domain.statuses.commands import EditStatus, PollDraft


def new_question(draft: PollDraft, now: datetime) -> events.Question:
    options = list(draft.options)
    return events.Question(
        id=new_id(),
        one_of=[] if draft.multiple else options,
        any_of=options if draft.multiple else [],
        end_time=now + timedelta(seconds=draft.expires_in),
        expires_in=draft.expires_in,
        hide_totals=draft.hide_totals,
    )


def next_question(
    current: events.Question | None, draft: PollDraft | None, now: datetime
) -> events.Question | None:
    """The poll after an edit, as Mastodon decides it: other options or another kind of
    choice make a new poll whose old votes lapse; the same ones keep poll and votes, with
    a new end time only when the author asked for another duration."""
    if draft is None:
        return None
    if current is None or (list(draft.options), draft.multiple) != (
        current.options,
        current.multiple,
    ):
        return new_question(draft, now)
    end_time = current.end_time
    if draft.expires_in != current.expires_in:
        end_time = now + timedelta(seconds=draft.expires_in)
    return msgspec.structs.replace(
        current, end_time=end_time, expires_in=draft.expires_in, hide_totals=draft.hide_totals
    )


# Pleroma's rule (ActivityDraft): what anyone may quote; a private post only its author.
QUOTABLE = ("public", "unlisted", "local")


class Status(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.author = ""
        self.visibility = ""  # from the addressing, which is never encrypted
        self.deleted = False
        self.expires_at: datetime | None = None
        self.note: events.Note | None = None
        self.to: list[str] = []
        self.cc: list[str] = []

    def edit(self, cmd: EditStatus, now: datetime) -> None:
        """Only the author edits, and only a Note of their own (a reblog carries none).
        An edit that changes nothing records nothing, as Mastodon does."""
        if self.deleted:
            raise NotFound("Record not found")
        if cmd.account_id != self.author or self.note is None:
            raise Forbidden("This action is not allowed")
        note = msgspec.structs.replace(
            self.note,
            content=cmd.content,
            source=cmd.source,
            content_type=cmd.content_type,
            summary=cmd.spoiler_text,
            sensitive=cmd.sensitive,
            language=cmd.language,
            mentions=list(cmd.mentions),
            tags=list(cmd.tags),
            emojis=dict(cmd.emojis),
            poll=next_question(self.note.poll, cmd.poll, now),
        )
        if note == self.note:
            return
        self.trigger(
            events.Update, actor=cmd.account_id, to=self.to, cc=self.cc, object=note, published=now
        )

    def open_poll(self, voter: str, now: datetime) -> events.Question:
        """The poll ``voter`` may vote in now. Pleroma refuses the author a vote (Mastodon
        too); the messages are Mastodon's and Pleroma's."""
        poll = self.note.poll if self.note is not None and not self.deleted else None
        if poll is None:
            raise NotFound("Record not found")
        if voter == self.author:
            raise Invalid("Validation failed: Poll's author can't vote")
        if now >= poll.end_time:
            raise Invalid("Validation failed: The poll has already ended")
        return poll

    def delete(self, by: str, as_admin: bool) -> None:
        if self.deleted:
            raise NotFound("Record not found")
        if by != self.author and not as_admin:
            raise Forbidden("This action is not allowed")
        self.trigger(events.Delete, actor=by, object=flake_of(self.id), attributed_to=self.author)

    def check_quotable(self, by: str) -> None:
        """Quoting shows the post to the quoter's audience, so only what is already
        shown widely may be quoted (a private post by its author alone, as in Pleroma)."""
        if self.deleted:
            raise NotFound("Record not found")
        if self.visibility in QUOTABLE or (self.visibility == "private" and by == self.author):
            return
        raise Invalid("Validation failed: only public, unlisted and local statuses can be quoted")

    def expire(self, now: datetime) -> None:
        """Deletes the status once its ``expires_at`` has come; a redelivered job, or one
        for a status already deleted, records nothing."""
        if self.deleted or self.expires_at is None or self.expires_at > now:
            return
        self.trigger(
            events.Delete,
            actor=self.author,
            object=flake_of(self.id),
            attributed_to=self.author,
            expired=True,
        )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Create):
            self.author = event.actor
            self.visibility = visibility_of(event.actor, event.to, event.cc)
            self.expires_at = event.object.expires_at if event.object else None
            self.note, self.to, self.cc = event.object, list(event.to), list(event.cc)
        elif isinstance(event, events.Update):
            self.note = event.object
        elif isinstance(event, events.Delete):
            self.deleted = True
