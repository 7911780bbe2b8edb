"""A reader's lists of followed accounts: local bookkeeping, not federated activities."""

from typing import Any, ClassVar

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
    """The member joins under the owner's follow of it, at ``follow_version`` of that
    follow's stream: list accounts belong to the follow (Mastodon), so the membership ends,
    with no event of its own, when that follow does."""

    account_id: str
    follow_version: int

    class_version: ClassVar[int] = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["follow_version"] = 0  # unknown: taken as the follow stream's start


class ListMemberRemoved(Event, kw_only=True, frozen=True):
    account_id: str
