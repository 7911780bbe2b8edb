from collections.abc import Collection, Mapping
from uuid import UUID

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid, NotFound
from tidings.domain.events import Event
from tidings.domain.lists import events

TITLE_MAX = 255
REPLIES_POLICIES = ("followed", "list", "none")


def check_settings(title: str | None, replies_policy: str | None) -> None:
    if title is not None:
        if not title.strip():
            raise Invalid("Validation failed: Title can't be blank")
        if len(title) > TITLE_MAX:
            raise Invalid(
                f"Validation failed: Title is too long (maximum is {TITLE_MAX} characters)"
            )
    if replies_policy is not None and replies_policy not in REPLIES_POLICIES:
        raise Invalid(
            f"Validation failed: replies_policy must be one of {', '.join(REPLIES_POLICIES)}"
        )


class UserList(Aggregate):
    """One list: its stream is the list's flake id; only its owner may change it."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.owner = ""
        self.title = ""
        self.replies_policy = "list"
        self.exclusive = False
        # member -> the version of the owner's follow stream it joined under
        self.members: dict[str, int] = {}
        self.deleted = False

    def create(self, owner: str, title: str, replies_policy: str, exclusive: bool) -> None:
        check_settings(title, replies_policy)
        self.trigger(
            events.ListCreated,
            owner_id=owner,
            title=title.strip(),
            replies_policy=replies_policy,
            exclusive=exclusive,
        )

    def check_owner(self, by: str) -> None:
        # Someone else's list is answered as if it did not exist.
        if self.deleted or by != self.owner:
            raise NotFound("Record not found")

    def update(
        self, by: str, title: str | None, replies_policy: str | None, exclusive: bool | None
    ) -> None:
        self.check_owner(by)
        check_settings(title, replies_policy)
        wanted = (
            self.title if title is None else title.strip(),
            self.replies_policy if replies_policy is None else replies_policy,
            self.exclusive if exclusive is None else exclusive,
        )
        if wanted != (self.title, self.replies_policy, self.exclusive):
            self.trigger(
                events.ListRenamed, title=wanted[0], replies_policy=wanted[1], exclusive=wanted[2]
            )

    def delete(self, by: str) -> None:
        self.check_owner(by)
        self.trigger(events.ListDeleted)

    def add(
        self,
        by: str,
        account_ids: list[str],
        followed: Mapping[str, int],
        standing: Collection[str],
    ) -> None:
        """``followed``: those of ``account_ids`` the owner follows, each with its follow
        stream's version; only they may join. ``standing``: the members whose follow has
        stood since they joined. One whose follow ended since is no member any more (list
        accounts belong to the follow) and joins again, under the follow of now."""
        self.check_owner(by)
        for account_id in dict.fromkeys(account_ids):
            if account_id not in followed:
                raise Invalid("Validation failed: you must follow an account to add it to a list")
        for account_id in dict.fromkeys(account_ids):
            if account_id not in self.members or account_id not in standing:
                self.trigger(
                    events.ListMemberAdded,
                    account_id=account_id,
                    follow_version=followed[account_id],
                )

    def remove(self, by: str, account_ids: list[str]) -> None:
        self.check_owner(by)
        for account_id in dict.fromkeys(account_ids):
            if account_id in self.members:
                self.trigger(events.ListMemberRemoved, account_id=account_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.ListCreated):
            self.owner, self.title = event.owner_id, event.title
            self.replies_policy, self.exclusive = event.replies_policy, event.exclusive
        elif isinstance(event, events.ListRenamed):
            self.title, self.replies_policy = event.title, event.replies_policy
            self.exclusive = event.exclusive
        elif isinstance(event, events.ListDeleted):
            self.deleted = True
        elif isinstance(event, events.ListMemberAdded):
            self.members[event.account_id] = event.follow_version
        elif isinstance(event, events.ListMemberRemoved):
            self.members.pop(event.account_id, None)
