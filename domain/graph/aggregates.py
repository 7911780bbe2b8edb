from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid, NotFound
from tidings.domain.events import Event
from tidings.domain.graph import events

# Mastodon's messages, as its RecordInvalid answers them.
NOT_FOLLOWING_TO_ENDORSE = (
    "Validation failed: You must be already following the person you want to endorse"
)
NOT_FOLLOWING_TO_SUBSCRIBE = "Validation failed: You must follow an account to subscribe to it"
NOTE_MAX = 2000  # Mastodon's AccountNote limit
NOTE_TOO_LONG = f"Validation failed: Comment is too long (maximum is {NOTE_MAX} characters)"
NO_REQUEST = "Follow request not found"


def follow_stream(follower_id: str, followed_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/follows/{follower_id}/{followed_id}")


def endorsements_stream(account_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/endorsements/{account_id}")


def note_stream(account_id: str, target_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/account_notes/{account_id}/{target_id}")


class FollowEdge(Aggregate):
    """One follower's follow of one account: its own stream, so follows never contend.
    ``active`` is an accepted follow, ``pending`` a request a locked account has not
    answered; never both."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False
        self.pending = False
        self.notify = False
        self.reblogs = True

    def follow(
        self,
        follower: str,
        followed: str,
        notify: bool | None,
        reblogs: bool | None,
        locked: bool = False,
    ) -> None:
        if follower == followed:
            raise Invalid("You can't follow yourself")
        wanted_notify = self.notify if notify is None else notify
        wanted_reblogs = self.reblogs if reblogs is None else reblogs
        same = (wanted_notify, wanted_reblogs) == (self.notify, self.reblogs)
        if self.active and same:
            return  # clients retry follows: the same follow twice records nothing
        # A pending request stays one while the account is locked; an account unlocked
        # meanwhile is simply followed, as a first follow of it would be.
        requested = not self.active and locked
        if self.pending and requested and same:
            return
        self.trigger(
            events.Follow,
            actor=follower,
            object=followed,
            to=[followed],
            notify=wanted_notify,
            reblogs=wanted_reblogs,
            requested=requested,
        )

    def subscribe(self, follower: str, followed: str, notify: bool) -> None:
        """Pleroma's subscribe is the follow's ``notify`` (deprecated in its favour), so
        there is nothing to subscribe to without a follow or a request."""
        if not (self.active or self.pending):
            if notify:
                raise Invalid(NOT_FOLLOWING_TO_SUBSCRIBE)
            return
        self.follow(follower, followed, notify, None, locked=self.pending)

    def unfollow(self, follower: str, followed: str) -> None:
        if self.active or self.pending:  # withdrawing a request is an unfollow too
            self.trigger(events.Undo, actor=follower, object=followed, to=[followed])

    def authorize(self, followed: str, follower: str) -> None:
        if self.active:
            return  # already authorised: a retried authorize records nothing
        if not self.pending:
            raise NotFound(NO_REQUEST)
        self.trigger(
            events.Accept,
            actor=followed,
            object=follower,
            to=[follower],
            notify=self.notify,
            reblogs=self.reblogs,
        )

    def reject(self, followed: str, follower: str) -> None:
        if not self.pending:
            raise NotFound(NO_REQUEST)
        self.trigger(events.Reject, actor=followed, object=follower, to=[follower])

    def remove_follower(self, followed: str, follower: str) -> None:
        if self.active:
            self.trigger(events.Reject, actor=followed, object=follower, to=[follower])

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Follow):
            self.active, self.pending = not event.requested, event.requested
            self.notify, self.reblogs = event.notify, event.reblogs
        elif isinstance(event, events.Accept):
            self.active, self.pending = True, False
        elif isinstance(event, events.Undo | events.Reject):
            self.active = self.pending = False


class Endorsements(Aggregate):
    """The accounts one account features on its profile; only followed ones, so an
    unfollow (or being removed from the followers) takes the endorsement with it."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.endorsed: list[str] = []  # oldest first

    def endorse(self, account_id: str, target_id: str, following: bool) -> None:
        if not following:
            raise Invalid(NOT_FOLLOWING_TO_ENDORSE)
        if target_id in self.endorsed:
            return  # endorsing twice records nothing
        self.trigger(
            events.Add,
            actor=account_id,
            object=target_id,
            target=events.featured_accounts_of(account_id),
        )

    def unendorse(self, account_id: str, target_id: str) -> None:
        if target_id in self.endorsed:
            self.trigger(
                events.Remove,
                actor=account_id,
                object=target_id,
                target=events.featured_accounts_of(account_id),
            )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Add):
            self.endorsed.append(event.object)
        elif isinstance(event, events.Remove):
            self.endorsed.remove(event.object)


class AccountNote(Aggregate):
    """One account's private note on another: its own stream, read only by its author."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.comment = ""

    def set(self, account_id: str, target_id: str, comment: str) -> None:
        if len(comment) > NOTE_MAX:
            raise Invalid(NOTE_TOO_LONG)
        if comment == self.comment:
            return
        self.trigger(
            events.AccountNoteChanged,
            account_id=account_id,
            target_id=target_id,
            comment=comment,
        )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.AccountNoteChanged):
            self.comment = event.comment or ""
