"""A reader's lists of followed accounts: local bookkeeping, not federated activities."""

from tidings.domain.events import Event


class ListCreated(Event, kw_only=True, frozen=True):
    owner_id: str
    title: str
    replies_policy: str  # followed, list or none
    exclusive: bool = False


class ListRenamed(Event, kw_only=True, frozen=True):
    """The list's settings as they now are (title, replies policy, exclusivity)."""

    title: str
    replies_policy: str
    exclusive: bool


class ListDeleted(Event, kw_only=True, frozen=True):
    pass


class ListMemberAdded(Event, kw_only=True, frozen=True):
    account_id: str


class ListMemberRemoved(Event, kw_only=True, frozen=True):
    account_id: str
