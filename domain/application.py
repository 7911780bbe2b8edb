"""The write side: commands in, events appended, the notification id to wait on out."""

import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.persistence import IntegrityError, Recording

from tidings.domain.accounts import commands as account_commands
from tidings.domain.accounts import events as account_events
from tidings.domain.accounts.aggregates import Account, Claim, email_stream, username_stream
from tidings.domain.addressing import address
from tidings.domain.aggregate import Aggregate
from tidings.domain.blocks import commands as block_commands
from tidings.domain.blocks.aggregates import (
    BlockEdge,
    DomainBlock,
    MuteEdge,
    block_stream,
    domain_block_stream,
    mute_stream,
)
from tidings.domain.conversations import commands as conversation_commands
from tidings.domain.conversations.aggregates import Participation
from tidings.domain.errors import Conflict, Forbidden, Invalid, NotFound
from tidings.domain.events import Event, utcnow
from tidings.domain.graph import commands as graph_commands
from tidings.domain.graph.aggregates import (
    AccountNote,
    Endorsements,
    FollowEdge,
    endorsements_stream,
    follow_stream,
    note_stream,
)
from tidings.domain.ids import flake_of, is_flake, stream_id
from tidings.domain.imports import commands as import_commands
from tidings.domain.imports.aggregates import Import
from tidings.domain.interactions import commands as interaction_commands
from tidings.domain.interactions.aggregates import (
    Bookmark,
    Favourite,
    bookmark_stream,
    like_stream,
)
from tidings.domain.lists import commands as list_commands
from tidings.domain.lists.aggregates import UserList
from tidings.domain.notifications import commands as notification_commands
from tidings.domain.notifications.aggregates import NotificationsState, notifications_stream
from tidings.domain.oauth import commands as oauth_commands
from tidings.domain.oauth import events as oauth_events
from tidings.domain.oauth.aggregates import AuthorizationCode, Token, code_stream
from tidings.domain.pins import commands as pin_commands
from tidings.domain.pins.aggregates import Pins, pins_stream
from tidings.domain.polls import commands as poll_commands
from tidings.domain.polls.aggregates import Ballot, ballot_stream
from tidings.domain.reblogs import commands as reblog_commands
from tidings.domain.reblogs.aggregates import Reblog, reblog_stream
from tidings.domain.scheduled import commands as scheduled_commands
from tidings.domain.scheduled.aggregates import ScheduledStatus
from tidings.domain.statuses import commands as status_commands
from tidings.domain.statuses import events as status_events
from tidings.domain.statuses.aggregates import Status, new_question
from tidings.domain.thread_mutes import commands as thread_mute_commands
from tidings.domain.thread_mutes.aggregates import ThreadMute, thread_mute_stream

A = TypeVar("A", bound=Aggregate)
Handler = Callable[["Tidings", Any], Sequence[Aggregate]]


class GroupCommitWriter:
    """One writer thread appends the events of every waiting request in one insert.

    The recorder serialises inserts with a table lock, so one insert per request caps
    writes near a thousand a second; grouping neighbours under load multiplies that. A
    batch closes as soon as the queue is empty, so a lone request never waits.
    """

    def __init__(self, save: Callable[..., list[Recording[UUID]]], max_events: int = 500) -> None:
        self._save = save
        self._max = max_events
        self._queue: queue.SimpleQueue[tuple[list[Event], Future[int]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="group-commit", daemon=True)
        self._thread.start()

    def append(self, events: list[Event]) -> int:
        future: Future[int] = Future()
        self._queue.put((events, future))
        return future.result()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            count = len(first[0])
            while count < self._max:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
                count += len(item[0])
            self._write(batch)

    def _write(self, batch: list[tuple[list[Event], Future[int]]]) -> None:
        try:
            recordings = self._save(*[e for events, _ in batch for e in events])
        except IntegrityError:
            # One stale request must not fail its neighbours: retry each alone.
            for events, future in batch:
                self._settle(future, events)
            return
        except BaseException as error:
            for _, future in batch:
                future.set_exception(error)
            return
        offset = 0
        for events, future in batch:
            mine = recordings[offset : offset + len(events)]
            offset += len(events)
            future.set_result(max(r.notification.id for r in mine))

    def _settle(self, future: "Future[int]", events: list[Event]) -> None:
        try:
            recordings = self._save(*events)
        except BaseException as error:
            future.set_exception(error)
        else:
            future.set_result(max(r.notification.id for r in recordings))


class Tidings(Application[UUID]):
    """Commands go through ``handle``; aggregates are loaded, decide, and their events are
    appended in one insert, so a command is applied whole or not at all."""

    name = "Tidings"
    attempts = 3

    def __init__(self, env: dict[str, str] | None = None) -> None:
        super().__init__(env=env)
        self._writer = GroupCommitWriter(self.save)

    def close(self) -> None:
        self._writer.close()
        super().close()

    def handle(self, command: object) -> int:
        """Returns the notification id of the last event written (0 when nothing changed)."""
        handler = HANDLERS[type(command)]
        for attempt in range(self.attempts):
            aggregates = handler(self, command)
            events = [e for a in aggregates for e in a.collect_events()]
            if not events:
                return 0
            try:
                return self._writer.append(events)
            except IntegrityError:
                if attempt == self.attempts - 1:
                    raise Conflict("Another change to the same record happened first") from None
        raise AssertionError("unreachable")

    def load(self, cls: type[A], stream: UUID) -> A | None:
        return cls.replay(stream, self.events.get(stream))  # type: ignore[arg-type]

    def stream_events(self, stream: UUID) -> list[Event]:
        return list(self.events.get(stream))  # type: ignore[arg-type]


def _register_account(app: Tidings, cmd: account_commands.RegisterAccount) -> list[Aggregate]:
    claims: list[Aggregate] = []
    if app.load(Claim, username_stream(cmd.username)) is not None:
        raise Invalid("Username has already been taken")
    username_claim = Claim(username_stream(cmd.username))
    username_claim.trigger(account_events.UsernameClaimed, account_id=cmd.account_id)
    claims.append(username_claim)
    if cmd.email:
        if app.load(Claim, email_stream(cmd.email)) is not None:
            raise Invalid("Email has already been taken")
        email_claim = Claim(email_stream(cmd.email))
        email_claim.trigger(account_events.EmailClaimed, account_id=cmd.account_id)
        claims.append(email_claim)
    account = Account.register(
        cmd.account_id,
        cmd.username,
        cmd.by_operator,
        email=cmd.email,
        display_name=cmd.display_name,
        note=cmd.note,
        password_hash=cmd.password_hash,
        is_admin=cmd.is_admin,
        is_moderator=cmd.is_moderator,
        language=cmd.language,
        app_id=cmd.app_id,
    )
    return [account, *claims]


def _existing(app: Tidings, cls: type[A], stream: UUID, what: str) -> A:
    aggregate = app.load(cls, stream)
    if aggregate is None:
        raise NotFound(f"{what} not found")
    return aggregate


def _update_credentials(app: Tidings, cmd: account_commands.UpdateCredentials) -> list[Aggregate]:
    account = _existing(app, Account, stream_id(cmd.account_id), "Account")
    account.update(cmd.changes)
    return [account]


def _change_password(app: Tidings, cmd: account_commands.ChangePassword) -> list[Aggregate]:
    account = _existing(app, Account, stream_id(cmd.account_id), "Account")
    account.change_password(cmd.password_hash)
    return [account]


def _register_app(app: Tidings, cmd: oauth_commands.RegisterApp) -> list[Aggregate]:
    record = _Plain(stream_id(cmd.app_id))
    record.trigger(
        oauth_events.AppRegistered,
        client_id=cmd.client_id,
        client_secret_digest=cmd.client_secret_digest,
        name=cmd.name,
        website=cmd.website,
        redirect_uris=cmd.redirect_uris,
        scopes=cmd.scopes,
    )
    return [record]


def _issue_code(app: Tidings, cmd: oauth_commands.IssueCode) -> list[Aggregate]:
    code = AuthorizationCode(code_stream(cmd.code_digest))
    code.trigger(
        oauth_events.CodeIssued,
        code_digest=cmd.code_digest,
        app_id=cmd.app_id,
        account_id=cmd.account_id,
        scopes=cmd.scopes,
        redirect_uri=cmd.redirect_uri,
        expires_at=cmd.expires_at,
    )
    return [code]


def _issue_token(app: Tidings, cmd: oauth_commands.IssueToken) -> list[Aggregate]:
    changed: list[Aggregate] = []
    if cmd.code_digest is not None:
        code = app.load(AuthorizationCode, code_stream(cmd.code_digest))
        if code is None:
            raise Invalid("Invalid or expired authorization code")
        code.redeem(cmd.app_id, None, cmd.token_id, datetime.now(UTC))
        changed.append(code)
    if cmd.replaces_token_id is not None:
        old = _existing(app, Token, stream_id(cmd.replaces_token_id), "Token")
        old.replace()
        changed.append(old)
    token = Token(stream_id(cmd.token_id))
    token.trigger(
        oauth_events.TokenIssued,
        app_id=cmd.app_id,
        account_id=cmd.account_id,
        token_digest=cmd.token_digest,
        refresh_digest=cmd.refresh_digest,
        scopes=cmd.scopes,
        grant_type=cmd.grant_type,
    )
    return [token, *changed]


def _revoke_token(app: Tidings, cmd: oauth_commands.RevokeToken) -> list[Aggregate]:
    token = _existing(app, Token, stream_id(cmd.token_id), "Token")
    token.revoke()
    return [token]


def _post_status(app: Tidings, cmd: status_commands.PostStatus) -> list[Aggregate]:
    members: list[str] = []
    if cmd.visibility == "list":
        if cmd.list_id is None:
            raise Invalid("Validation failed: a list post needs its list")
        user_list = _existing(app, UserList, stream_id(cmd.list_id), "Record")
        user_list.check_owner(cmd.account_id)
        members = sorted(_standing(app, cmd.account_id, user_list.members))
    if cmd.quote_id is not None:
        _existing(app, Status, stream_id(cmd.quote_id), "Record").check_quotable(cmd.account_id)
    addressed = cmd.mentions if cmd.addressed is None else cmd.addressed
    to, cc = address(cmd.visibility, cmd.account_id, addressed, cmd.list_id, members)
    status = Status(stream_id(cmd.status_id))
    published = utcnow()
    note = status_events.Note(
        content=cmd.content,
        source=cmd.source,
        content_type=cmd.content_type,
        summary=cmd.spoiler_text,
        sensitive=cmd.sensitive,
        language=cmd.language,
        in_reply_to=cmd.in_reply_to_id,
        in_reply_to_account=cmd.in_reply_to_account_id,
        conversation=cmd.conversation_id,
        mentions=cmd.mentions,
        tags=cmd.tags,
        app_id=cmd.app_id,
        emojis=cmd.emojis,
        quote=cmd.quote_id,
        expires_at=cmd.expires_at,
        poll=new_question(cmd.poll, published) if cmd.poll else None,
    )
    status.trigger(
        status_events.Create, actor=cmd.account_id, to=to, cc=cc, object=note, published=published
    )
    return [status]


def _edit_status(app: Tidings, cmd: status_commands.EditStatus) -> list[Aggregate]:
    status = _existing(app, Status, stream_id(cmd.status_id), "Record")
    status.edit(cmd, utcnow())
    return [status]


def _vote(app: Tidings, cmd: poll_commands.VoteInPoll) -> list[Aggregate]:
    status = _existing(app, Status, stream_id(cmd.status_id), "Record")
    poll = status.open_poll(cmd.account_id, utcnow())
    stream = ballot_stream(cmd.account_id, poll.id)
    ballot = app.load(Ballot, stream) or Ballot(stream)
    ballot.vote(cmd.account_id, cmd.status_id, status.author, poll, cmd.choices)
    return [ballot]


def _delete_status(app: Tidings, cmd: status_commands.DeleteStatus) -> list[Aggregate]:
    status = _existing(app, Status, stream_id(cmd.status_id), "Record")
    status.delete(cmd.account_id, cmd.as_admin)
    return [status, *_unpinned(app, status)]


def _unpinned(app: Tidings, status: Status) -> list[Aggregate]:
    """A deleted (or expired) status leaves its author's pins in the same commit: it never
    counts against the limit, and the log says so."""
    pins = app.load(Pins, pins_stream(status.author))
    if pins is None or not status.deleted:
        return []
    pins.unpin(status.author, flake_of(status.id))
    return [pins]


def _expire_status(app: Tidings, cmd: status_commands.ExpireStatus) -> list[Aggregate]:
    status = app.load(Status, stream_id(cmd.status_id))
    if status is None:
        return []
    status.expire(cmd.now)
    return [status, *_unpinned(app, status)]


def _schedule_status(app: Tidings, cmd: scheduled_commands.ScheduleStatus) -> list[Aggregate]:
    scheduled = ScheduledStatus(stream_id(cmd.scheduled_id))
    scheduled.schedule(cmd.account_id, cmd.scheduled_at, cmd.post, cmd.now)
    return [scheduled]


def _reschedule_status(app: Tidings, cmd: scheduled_commands.RescheduleStatus) -> list[Aggregate]:
    scheduled = _existing(app, ScheduledStatus, stream_id(cmd.scheduled_id), "Record")
    scheduled.reschedule(cmd.account_id, cmd.scheduled_at, cmd.now)
    return [scheduled]


def _cancel_scheduled(
    app: Tidings, cmd: scheduled_commands.CancelScheduledStatus
) -> list[Aggregate]:
    scheduled = _existing(app, ScheduledStatus, stream_id(cmd.scheduled_id), "Record")
    scheduled.cancel(cmd.account_id)
    return [scheduled]


def _publish_scheduled(
    app: Tidings, cmd: scheduled_commands.PublishScheduledStatus
) -> list[Aggregate]:
    """The Create of the status and SchedulePublished go in one insert, and the scheduled
    stream's version admits only one of two racing runs: a status is never posted twice."""
    scheduled = app.load(ScheduledStatus, stream_id(cmd.scheduled_id))
    if scheduled is None or not scheduled.due(cmd.now) or scheduled.post is None:
        return []
    post = scheduled.post
    if post.in_reply_to_id is not None:
        parent = app.load(Status, stream_id(post.in_reply_to_id))
        if parent is None or parent.deleted:
            # Mastodon drops a scheduled reply whose parent is gone rather than post it
            # out of its thread.
            scheduled.dropped("in_reply_to_deleted")
            return [scheduled]
    status_id = scheduled.status_id()
    expires_at = cmd.now + timedelta(seconds=post.expires_in) if post.expires_in else None
    command = status_commands.PostStatus(
        status_id=status_id,
        account_id=scheduled.account_id,
        content=post.content,
        source=post.source,
        visibility=post.visibility,
        content_type=post.content_type,
        spoiler_text=post.spoiler_text,
        sensitive=post.sensitive,
        language=post.language,
        in_reply_to_id=post.in_reply_to_id,
        in_reply_to_account_id=post.in_reply_to_account_id,
        conversation_id=post.conversation_id,
        mentions=post.mentions,
        tags=post.tags,
        app_id=post.app_id,
        addressed=post.addressed,
        list_id=post.list_id,
        emojis=post.emojis,
        quote_id=post.quote_id,
        expires_at=expires_at,
        poll=post.poll,
    )
    try:
        created = _post_status(app, command)
    except (NotFound, Forbidden, Invalid) as refused:
        # What the post needs went meanwhile (its list, the status it quotes): Mastodon's
        # worker drops a scheduled status it can no longer post, and so do we, saying why.
        scheduled.dropped(f"refused: {refused}")
        return [scheduled]
    scheduled.published(status_id)
    return [*created, scheduled]


def _follow(app: Tidings, cmd: graph_commands.FollowAccount) -> list[Aggregate]:
    target = _existing(app, Account, stream_id(cmd.followed_id), "Record")
    _refuse_blocked_follow(app, cmd.follower_id, cmd.followed_id)
    stream = follow_stream(cmd.follower_id, cmd.followed_id)
    edge = app.load(FollowEdge, stream) or FollowEdge(stream)
    locked = bool(target.profile.get("locked"))  # the write side's own record of it
    edge.follow(cmd.follower_id, cmd.followed_id, cmd.notify, cmd.reblogs, locked=locked)
    return [edge]


def _unendorsed(app: Tidings, edge: FollowEdge, account_id: str, target_id: str) -> list[Aggregate]:
    """A follow that ends takes its endorsement with it in the same commit, as Mastodon's
    Follow destroys its AccountPin: only followed accounts are ever endorsed."""
    if edge.active:
        return []
    endorsements = app.load(Endorsements, endorsements_stream(account_id))
    if endorsements is None:
        return []
    endorsements.unendorse(account_id, target_id)
    return [endorsements]


def _unfollow(app: Tidings, cmd: graph_commands.UnfollowAccount) -> list[Aggregate]:
    edge = app.load(FollowEdge, follow_stream(cmd.follower_id, cmd.followed_id))
    if edge is None:
        return []
    edge.unfollow(cmd.follower_id, cmd.followed_id)
    return [edge, *_unendorsed(app, edge, cmd.follower_id, cmd.followed_id)]


def _subscribe(app: Tidings, cmd: graph_commands.SubscribeAccount) -> list[Aggregate]:
    _existing(app, Account, stream_id(cmd.followed_id), "Record")
    stream = follow_stream(cmd.follower_id, cmd.followed_id)
    edge = app.load(FollowEdge, stream) or FollowEdge(stream)
    edge.subscribe(cmd.follower_id, cmd.followed_id, cmd.notify)
    return [edge]


def _request(app: Tidings, account_id: str, follower_id: str) -> FollowEdge:
    edge = app.load(FollowEdge, follow_stream(follower_id, account_id))
    if edge is None:
        raise NotFound("Follow request not found")
    return edge


def _authorize(app: Tidings, cmd: graph_commands.AuthorizeFollowRequest) -> list[Aggregate]:
    edge = _request(app, cmd.account_id, cmd.follower_id)
    edge.authorize(cmd.account_id, cmd.follower_id)
    return [edge]


def _reject(app: Tidings, cmd: graph_commands.RejectFollowRequest) -> list[Aggregate]:
    edge = _request(app, cmd.account_id, cmd.follower_id)
    edge.reject(cmd.account_id, cmd.follower_id)
    return [edge]


def _remove_from_followers(
    app: Tidings, cmd: graph_commands.RemoveFromFollowers
) -> list[Aggregate]:
    edge = app.load(FollowEdge, follow_stream(cmd.follower_id, cmd.account_id))
    if edge is None:
        return []
    edge.remove_follower(cmd.account_id, cmd.follower_id)
    return [edge, *_unendorsed(app, edge, cmd.follower_id, cmd.account_id)]


def _endorse(app: Tidings, cmd: graph_commands.EndorseAccount) -> list[Aggregate]:
    # The follow edge is the write side's own record: no read model lag can admit an
    # endorsement of an account not followed.
    edge = app.load(FollowEdge, follow_stream(cmd.account_id, cmd.target_id))
    stream = endorsements_stream(cmd.account_id)
    endorsements = app.load(Endorsements, stream) or Endorsements(stream)
    endorsements.endorse(cmd.account_id, cmd.target_id, edge is not None and edge.active)
    return [endorsements]


def _unendorse(app: Tidings, cmd: graph_commands.UnendorseAccount) -> list[Aggregate]:
    endorsements = app.load(Endorsements, endorsements_stream(cmd.account_id))
    if endorsements is None:
        return []
    endorsements.unendorse(cmd.account_id, cmd.target_id)
    return [endorsements]


def _set_account_note(app: Tidings, cmd: graph_commands.SetAccountNote) -> list[Aggregate]:
    _existing(app, Account, stream_id(cmd.target_id), "Record")
    stream = note_stream(cmd.account_id, cmd.target_id)
    note = app.load(AccountNote, stream) or AccountNote(stream)
    note.set(cmd.account_id, cmd.target_id, cmd.comment)
    return [note]


def _blocks(app: Tidings, account_id: str, target_id: str) -> bool:
    edge = app.load(BlockEdge, block_stream(account_id, target_id))
    return edge is not None and edge.active


def _refuse_blocked_follow(app: Tidings, follower_id: str, followed_id: str) -> None:
    """The two Block streams are the write side's own record, so no follow slips in
    beside a block however the requests race."""
    if _blocks(app, follower_id, followed_id):
        raise Forbidden("Could not follow user: you are blocking them")
    if _blocks(app, followed_id, follower_id):
        raise Forbidden("Could not follow user: they have blocked you")


def _target_account(app: Tidings, target_id: str) -> None:
    if not is_flake(target_id) or app.load(Account, stream_id(target_id)) is None:
        raise NotFound("Record not found")


def _block(app: Tidings, cmd: block_commands.BlockAccount) -> list[Aggregate]:
    """A Block ends the follows both ways in the same insert, as Mastodon's BlockService:
    nothing can show the blocker to the blocked through a follow afterwards."""
    _target_account(app, cmd.target_id)
    stream = block_stream(cmd.account_id, cmd.target_id)
    edge = app.load(BlockEdge, stream) or BlockEdge(stream)
    edge.block(cmd.account_id, cmd.target_id)
    changed: list[Aggregate] = [edge]
    own = app.load(FollowEdge, follow_stream(cmd.account_id, cmd.target_id))
    if own is not None:  # the blocker's follow or request is withdrawn
        own.unfollow(cmd.account_id, cmd.target_id)
        changed += [own, *_unendorsed(app, own, cmd.account_id, cmd.target_id)]
    theirs = app.load(FollowEdge, follow_stream(cmd.target_id, cmd.account_id))
    if theirs is not None:  # the target's follow is removed, their request rejected
        if theirs.pending:
            theirs.reject(cmd.account_id, cmd.target_id)
        else:
            theirs.remove_follower(cmd.account_id, cmd.target_id)
        changed += [theirs, *_unendorsed(app, theirs, cmd.target_id, cmd.account_id)]
    return changed


def _unblock(app: Tidings, cmd: block_commands.UnblockAccount) -> list[Aggregate]:
    edge = app.load(BlockEdge, block_stream(cmd.account_id, cmd.target_id))
    if edge is None:
        return []
    edge.unblock(cmd.account_id, cmd.target_id)
    return [edge]


def _mute(app: Tidings, cmd: block_commands.MuteAccount) -> list[Aggregate]:
    _target_account(app, cmd.target_id)
    stream = mute_stream(cmd.account_id, cmd.target_id)
    mute = app.load(MuteEdge, stream) or MuteEdge(stream)
    mute.mute(cmd.account_id, cmd.target_id, cmd.notifications, cmd.expires_at, utcnow())
    return [mute]


def _unmute(app: Tidings, cmd: block_commands.UnmuteAccount) -> list[Aggregate]:
    mute = app.load(MuteEdge, mute_stream(cmd.account_id, cmd.target_id))
    if mute is None:
        return []
    mute.unmute(cmd.account_id, cmd.target_id, utcnow())
    return [mute]


def _expire_mute(app: Tidings, cmd: block_commands.ExpireMute) -> list[Aggregate]:
    mute = app.load(MuteEdge, mute_stream(cmd.account_id, cmd.target_id))
    if mute is None:
        return []
    mute.expire(cmd.account_id, cmd.target_id, cmd.now)
    return [mute]


def _block_domain(app: Tidings, cmd: block_commands.BlockDomain) -> list[Aggregate]:
    stream = domain_block_stream(cmd.account_id, cmd.domain)
    block = app.load(DomainBlock, stream) or DomainBlock(stream)
    block.block(cmd.account_id, cmd.domain)
    return [block]


def _unblock_domain(app: Tidings, cmd: block_commands.UnblockDomain) -> list[Aggregate]:
    block = app.load(DomainBlock, domain_block_stream(cmd.account_id, cmd.domain))
    if block is None:
        return []
    block.unblock(cmd.account_id, cmd.domain)
    return [block]


def _live_status(app: Tidings, status_id: str) -> Status:
    status = _existing(app, Status, stream_id(status_id), "Record")
    if status.deleted:
        raise NotFound("Record not found")
    return status


def _favourite(app: Tidings, cmd: interaction_commands.FavouriteStatus) -> list[Aggregate]:
    status = _live_status(app, cmd.status_id)
    stream = like_stream(cmd.account_id, cmd.status_id)
    favourite = app.load(Favourite, stream) or Favourite(stream)
    favourite.like(cmd.account_id, cmd.status_id, status.author)
    return [favourite]


def _unfavourite(app: Tidings, cmd: interaction_commands.UnfavouriteStatus) -> list[Aggregate]:
    favourite = app.load(Favourite, like_stream(cmd.account_id, cmd.status_id))
    if favourite is None:
        return []
    favourite.undo(cmd.account_id, cmd.status_id)
    return [favourite]


def _bookmark(app: Tidings, cmd: interaction_commands.BookmarkStatus) -> list[Aggregate]:
    _live_status(app, cmd.status_id)
    stream = bookmark_stream(cmd.account_id, cmd.status_id)
    bookmark = app.load(Bookmark, stream) or Bookmark(stream)
    bookmark.bookmark(cmd.account_id, cmd.status_id, cmd.folder_id)
    return [bookmark]


def _unbookmark(app: Tidings, cmd: interaction_commands.UnbookmarkStatus) -> list[Aggregate]:
    bookmark = app.load(Bookmark, bookmark_stream(cmd.account_id, cmd.status_id))
    if bookmark is None:
        return []
    bookmark.unbookmark(cmd.account_id, cmd.status_id)
    return [bookmark]


def _reblog(app: Tidings, cmd: reblog_commands.ReblogStatus) -> list[Aggregate]:
    status = _live_status(app, cmd.status_id)
    stream = reblog_stream(cmd.account_id, cmd.status_id)
    reblog = app.load(Reblog, stream) or Reblog(stream)
    reblog.reblog(cmd.account_id, cmd.status_id, status.author, status.visibility, cmd.visibility)
    return [reblog]


def _unreblog(app: Tidings, cmd: reblog_commands.UnreblogStatus) -> list[Aggregate]:
    reblog = app.load(Reblog, reblog_stream(cmd.account_id, cmd.status_id))
    if reblog is None:
        return []
    reblog.undo(cmd.account_id, cmd.status_id)
    return [reblog]


def _pin(app: Tidings, cmd: pin_commands.PinStatus) -> list[Aggregate]:
    status = _live_status(app, cmd.status_id)
    stream = pins_stream(cmd.account_id)
    pins = app.load(Pins, stream) or Pins(stream)
    pins.pin(cmd.account_id, cmd.status_id, status.author, status.visibility, cmd.max_pinned)
    return [pins]


def _unpin(app: Tidings, cmd: pin_commands.UnpinStatus) -> list[Aggregate]:
    pins = app.load(Pins, pins_stream(cmd.account_id))
    if pins is None:
        return []
    pins.unpin(cmd.account_id, cmd.status_id)
    return [pins]


def _create_list(app: Tidings, cmd: list_commands.CreateList) -> list[Aggregate]:
    user_list = UserList(stream_id(cmd.list_id))
    user_list.create(cmd.owner_id, cmd.title, cmd.replies_policy, cmd.exclusive)
    return [user_list]


def _update_list(app: Tidings, cmd: list_commands.UpdateList) -> list[Aggregate]:
    user_list = _existing(app, UserList, stream_id(cmd.list_id), "Record")
    user_list.update(cmd.owner_id, cmd.title, cmd.replies_policy, cmd.exclusive)
    return [user_list]


def _delete_list(app: Tidings, cmd: list_commands.DeleteList) -> list[Aggregate]:
    user_list = _existing(app, UserList, stream_id(cmd.list_id), "Record")
    user_list.delete(cmd.owner_id)
    return [user_list]


def _follow_stood(app: Tidings, follower: str, followed: str, since: int) -> bool:
    """Whether the follow has stood, without a break, from ``since`` (a version of its
    stream) until now."""
    stream = follow_stream(follower, followed)
    edge = FollowEdge(stream)
    for event in app.stream_events(stream):
        edge.apply(event)
        if event.originator_version > since and not edge.active:
            return False
    return edge.active


def _standing(app: Tidings, owner: str, members: dict[str, int]) -> set[str]:
    """The list's members whose follow has stood since they joined: list accounts belong to
    the follow (Mastodon), so an unfollow, a block or a removal from followers ends a
    membership with nothing written on the list's stream (the read models derive it)."""
    return {m for m, since in members.items() if _follow_stood(app, owner, m, since)}


def _add_list_members(app: Tidings, cmd: list_commands.AddListMembers) -> list[Aggregate]:
    user_list = _existing(app, UserList, stream_id(cmd.list_id), "Record")
    # The follow edges are the write side's own record, so the rule holds under races.
    followed: dict[str, int] = {}
    for account_id in dict.fromkeys(cmd.account_ids):
        edge = app.load(FollowEdge, follow_stream(cmd.owner_id, account_id))
        if edge is not None and edge.active:
            followed[account_id] = edge.version
    asked = {m: v for m, v in user_list.members.items() if m in followed}
    user_list.add(cmd.owner_id, cmd.account_ids, followed, _standing(app, cmd.owner_id, asked))
    return [user_list]


def _remove_list_members(app: Tidings, cmd: list_commands.RemoveListMembers) -> list[Aggregate]:
    user_list = _existing(app, UserList, stream_id(cmd.list_id), "Record")
    user_list.remove(cmd.owner_id, cmd.account_ids)
    return [user_list]


def _participation(app: Tidings, participation_id: str) -> Participation:
    stream = stream_id(participation_id)
    return app.load(Participation, stream) or Participation(stream)


def _read_conversations(
    app: Tidings, cmd: conversation_commands.ReadConversations
) -> list[Aggregate]:
    changed: list[Aggregate] = []
    for participation_id, conversation_id in cmd.participations.items():
        participation = _participation(app, participation_id)
        participation.read(cmd.account_id, conversation_id)
        changed.append(participation)
    return changed


def _set_conversation_recipients(
    app: Tidings, cmd: conversation_commands.SetConversationRecipients
) -> list[Aggregate]:
    participation = _participation(app, cmd.participation_id)
    participation.set_recipients(cmd.account_id, cmd.conversation_id, cmd.recipients)
    return [participation]


def _delete_conversation(
    app: Tidings, cmd: conversation_commands.DeleteConversation
) -> list[Aggregate]:
    participation = _participation(app, cmd.participation_id)
    participation.delete(cmd.account_id, cmd.conversation_id)
    return [participation]


def _mute_conversation(app: Tidings, cmd: thread_mute_commands.MuteConversation) -> list[Aggregate]:
    _live_status(app, cmd.status_id)
    stream = thread_mute_stream(cmd.account_id, cmd.conversation_id)
    mute = app.load(ThreadMute, stream) or ThreadMute(stream)
    mute.mute(cmd.account_id, cmd.conversation_id, cmd.status_id, cmd.expires_at, utcnow())
    return [mute]


def _unmute_conversation(
    app: Tidings, cmd: thread_mute_commands.UnmuteConversation
) -> list[Aggregate]:
    mute = app.load(ThreadMute, thread_mute_stream(cmd.account_id, cmd.conversation_id))
    if mute is None:
        return []
    mute.unmute(cmd.account_id, cmd.conversation_id, utcnow())
    return [mute]


def _request_import(app: Tidings, cmd: import_commands.RequestImport) -> list[Aggregate]:
    imported = Import(stream_id(cmd.import_id))
    imported.request(cmd.account_id, cmd.kind, cmd.entries)
    return [imported]


def _complete_import(app: Tidings, cmd: import_commands.CompleteImport) -> list[Aggregate]:
    imported = app.load(Import, stream_id(cmd.import_id))
    if imported is None:
        return []
    imported.complete(cmd.imported, cmd.skipped)
    return [imported]


def _notifications_state(app: Tidings, account_id: str) -> NotificationsState:
    stream = notifications_stream(account_id)
    return app.load(NotificationsState, stream) or NotificationsState(stream)


def _dismiss_notifications(
    app: Tidings, cmd: notification_commands.DismissNotifications
) -> list[Aggregate]:
    state = _notifications_state(app, cmd.account_id)
    state.dismiss(cmd.account_id, cmd.ids)
    return [state]


def _clear_notifications(
    app: Tidings, cmd: notification_commands.ClearNotifications
) -> list[Aggregate]:
    state = _notifications_state(app, cmd.account_id)
    state.clear(cmd.account_id)
    return [state]


def _read_notifications(
    app: Tidings, cmd: notification_commands.ReadNotifications
) -> list[Aggregate]:
    state = _notifications_state(app, cmd.account_id)
    state.read(cmd.account_id, cmd.id, cmd.max_id)
    return [state]


def _change_notification_settings(
    app: Tidings, cmd: notification_commands.ChangeNotificationSettings
) -> list[Aggregate]:
    state = _notifications_state(app, cmd.account_id)
    state.change_settings(cmd)
    return [state]


def _set_markers(app: Tidings, cmd: notification_commands.SetMarkers) -> list[Aggregate]:
    state = _notifications_state(app, cmd.account_id)
    state.set_markers(cmd.account_id, cmd.markers)
    return [state]


class _Plain(Aggregate):
    """A stream with no rules beyond its own existence (an app registration)."""

    def apply(self, event: Event) -> None:
        pass


HANDLERS: dict[type, Handler] = {
    account_commands.RegisterAccount: _register_account,
    account_commands.UpdateCredentials: _update_credentials,
    account_commands.ChangePassword: _change_password,
    oauth_commands.RegisterApp: _register_app,
    oauth_commands.IssueCode: _issue_code,
    oauth_commands.IssueToken: _issue_token,
    oauth_commands.RevokeToken: _revoke_token,
    status_commands.PostStatus: _post_status,
    conversation_commands.ReadConversations: _read_conversations,
    conversation_commands.SetConversationRecipients: _set_conversation_recipients,
    conversation_commands.DeleteConversation: _delete_conversation,
    status_commands.EditStatus: _edit_status,
    status_commands.DeleteStatus: _delete_status,
    status_commands.ExpireStatus: _expire_status,
    scheduled_commands.ScheduleStatus: _schedule_status,
    scheduled_commands.RescheduleStatus: _reschedule_status,
    scheduled_commands.CancelScheduledStatus: _cancel_scheduled,
    scheduled_commands.PublishScheduledStatus: _publish_scheduled,
    poll_commands.VoteInPoll: _vote,
    graph_commands.FollowAccount: _follow,
    graph_commands.UnfollowAccount: _unfollow,
    graph_commands.SubscribeAccount: _subscribe,
    graph_commands.AuthorizeFollowRequest: _authorize,
    graph_commands.RejectFollowRequest: _reject,
    graph_commands.RemoveFromFollowers: _remove_from_followers,
    graph_commands.EndorseAccount: _endorse,
    graph_commands.UnendorseAccount: _unendorse,
    graph_commands.SetAccountNote: _set_account_note,
    interaction_commands.FavouriteStatus: _favourite,
    interaction_commands.UnfavouriteStatus: _unfavourite,
    interaction_commands.BookmarkStatus: _bookmark,
    interaction_commands.UnbookmarkStatus: _unbookmark,
    reblog_commands.ReblogStatus: _reblog,
    reblog_commands.UnreblogStatus: _unreblog,
    pin_commands.PinStatus: _pin,
    pin_commands.UnpinStatus: _unpin,
    list_commands.CreateList: _create_list,
    list_commands.UpdateList: _update_list,
    list_commands.DeleteList: _delete_list,
    list_commands.AddListMembers: _add_list_members,
    list_commands.RemoveListMembers: _remove_list_members,
    thread_mute_commands.MuteConversation: _mute_conversation,
    thread_mute_commands.UnmuteConversation: _unmute_conversation,
    import_commands.RequestImport: _request_import,
    import_commands.CompleteImport: _complete_import,
    block_commands.BlockAccount: _block,
    block_commands.UnblockAccount: _unblock,
    block_commands.MuteAccount: _mute,
    block_commands.UnmuteAccount: _unmute,
    block_commands.ExpireMute: _expire_mute,
    block_commands.BlockDomain: _block_domain,
    block_commands.UnblockDomain: _unblock_domain,
    notification_commands.DismissNotifications: _dismiss_notifications,
    notification_commands.ClearNotifications: _clear_notifications,
    notification_commands.ReadNotifications: _read_notifications,
    notification_commands.ChangeNotificationSettings: _change_notification_settings,
    notification_commands.SetMarkers: _set_markers,
}
