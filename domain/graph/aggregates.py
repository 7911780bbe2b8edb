from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.graph import events


def follow_stream(follower_id: str, followed_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/follows/{follower_id}/{followed_id}")


class FollowEdge(Aggregate):
    """One follower's follow of one account: its own stream, so follows never contend."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False
        self.notify = False
        self.reblogs = True

    def follow(
        self, follower: str, followed: str, notify: bool | None, reblogs: bool | None
    ) -> None:
        if follower == followed:
            raise Invalid("You can't follow yourself")
        wanted_notify = self.notify if notify is None else notify
        wanted_reblogs = self.reblogs if reblogs is None else reblogs
        if self.active and (wanted_notify, wanted_reblogs) == (self.notify, self.reblogs):
            return  # clients retry follows: the same follow twice records nothing
        self.trigger(
            events.Follow,
            actor=follower,
            object=followed,
            to=[followed],
            notify=wanted_notify,
            reblogs=wanted_reblogs,
        )

    def unfollow(self, follower: str, followed: str) -> None:
        if self.active:
            self.trigger(events.Undo, actor=follower, object=followed, to=[followed])

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Follow):
            self.active, self.notify, self.reblogs = True, event.notify, event.reblogs
        elif isinstance(event, events.Undo):
            self.active = False
