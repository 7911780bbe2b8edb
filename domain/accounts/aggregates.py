import re
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

import msgspec

from tidings.domain.accounts import events
from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.ids import flake_of, stream_id

USERNAME = re.compile(r"^[A-Za-z0-9_]{1,30}$")
# Names a person could use to pass for the instance itself, as Pleroma restricts them.
RESERVED_USERNAMES = frozenset(
    {
        "about",
        "activities",
        "admin",
        "administrator",
        "api",
        "auth",
        "dev",
        "inbox",
        "internal",
        "main",
        "media",
        "moderator",
        "nodeinfo",
        "notice",
        "oauth",
        "objects",
        "pleroma",
        "postmaster",
        "proxy",
        "push",
        "registration",
        "relay",
        "root",
        "settings",
        "static",
        "status",
        "support",
        "tag",
        "tidings",
        "users",
        "web",
        "webmaster",
    }
)


def username_stream(username: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/usernames/{username.lower()}")


def email_stream(email: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/emails/{email.strip().lower()}")


class Claim(Aggregate):
    """A unique name: its stream exists once, so a second claim is a version conflict."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.account_id: str | None = None

    def apply(self, event: Event) -> None:
        if isinstance(event, events.UsernameClaimed | events.EmailClaimed):
            self.account_id = event.account_id


class Account(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.username = ""
        self.profile: dict[str, Any] = {}

    @classmethod
    def register(
        cls, account_id: str, username: str, may_take_reserved: bool = False, **fields: Any
    ) -> "Account":
        if not USERNAME.match(username):
            raise Invalid("Username may only contain letters, digits and underscores (1-30)")
        if username.lower() in RESERVED_USERNAMES and not may_take_reserved:
            raise Invalid("Username is reserved")
        account = cls(stream_id(account_id))
        account.trigger(events.Registered, username=username, **fields)
        return account

    def update(self, changes: dict[str, Any]) -> None:
        if "settings_store" in changes:
            # Each frontend's settings replace only that frontend's key (Pleroma's rule).
            merged = dict(self.profile.get("settings_store") or {})
            merged.update(changes["settings_store"])
            changes = {**changes, "settings_store": merged}
        profile = msgspec.convert(changes, events.Profile)
        self.trigger(events.Update, actor=self.account_id, object=profile)

    def change_password(self, password_hash: str) -> None:
        self.trigger(events.PasswordChanged, password_hash=password_hash)

    @property
    def account_id(self) -> str:
        return flake_of(self.id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Registered):
            self.username = event.username
        elif isinstance(event, events.Update) and event.object is not None:
            self.profile.update(msgspec.structs.asdict(event.object))
            self.profile = {k: v for k, v in self.profile.items() if v is not None}
