import re
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.blocks import events
from tidings.domain.errors import Invalid
from tidings.domain.events import Event

# A host name as Mastodon's DomainValidator takes it: dot-separated labels of letters,
# digits and inner hyphens (punycode for the rest), at most 253 characters in all.
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")


def block_stream(account_id: str, target_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/blocks/{account_id}/{target_id}")


def mute_stream(account_id: str, target_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/mutes/{account_id}/{target_id}")


def domain_block_stream(account_id: str, domain: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/domain-blocks/{account_id}/{domain}")


class BlockEdge(Aggregate):
    """One account's block of one other: its own stream, so blocks never contend."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False

    def block(self, account_id: str, target_id: str) -> None:
        if account_id == target_id:
            raise Invalid("You can't block yourself")
        if not self.active:  # clients retry: blocking twice records one Block
            self.trigger(events.Block, actor=account_id, object=target_id, to=[target_id])

    def unblock(self, account_id: str, target_id: str) -> None:
        if self.active:
            self.trigger(events.Undo, actor=account_id, object=target_id, to=[target_id])

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Block):
            self.active = True
        elif isinstance(event, events.Undo):
            self.active = False


class MuteEdge(Aggregate):
    """One account's mute of one other. A mute past its expiry no longer holds, whether or
    not the expiry job has recorded its end yet."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.muted = False
        self.notifications = True
        self.expires_at: datetime | None = None

    def holds(self, now: datetime) -> bool:
        return self.muted and (self.expires_at is None or self.expires_at > now)

    def mute(
        self,
        account_id: str,
        target_id: str,
        notifications: bool,
        expires_at: datetime | None,
        now: datetime,
    ) -> None:
        if account_id == target_id:
            raise Invalid("You can't mute yourself")
        if expires_at is not None and expires_at <= now:
            raise Invalid("Validation failed: the mute would have expired already")
        wanted = (notifications, expires_at)
        # Clients retry: the same mute for good twice records one; a new expiry, or new
        # notification wishes, replace the old ones, as the account asked.
        if (
            self.holds(now)
            and expires_at is None
            and wanted
            == (
                self.notifications,
                self.expires_at,
            )
        ):
            return
        self.trigger(
            events.AccountMuted,
            account_id=account_id,
            target_id=target_id,
            notifications=notifications,
            expires_at=expires_at,
        )

    def unmute(self, account_id: str, target_id: str, now: datetime) -> None:
        if self.holds(now):
            self.trigger(events.AccountUnmuted, account_id=account_id, target_id=target_id)

    def expire(self, account_id: str, target_id: str, now: datetime) -> None:
        """The job's: records the end of a mute whose time has come, once."""
        if self.muted and self.expires_at is not None and self.expires_at <= now:
            self.trigger(
                events.AccountUnmuted, account_id=account_id, target_id=target_id, expired=True
            )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.AccountMuted):
            self.muted = True
            self.notifications, self.expires_at = event.notifications, event.expires_at
        elif isinstance(event, events.AccountUnmuted):
            self.muted, self.expires_at = False, None


class DomainBlock(Aggregate):
    """One account's block of one domain."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False

    def block(self, account_id: str, domain: str) -> None:
        if not DOMAIN.match(domain):
            raise Invalid("Validation failed: domain is not a valid domain name")
        if not self.active:
            self.trigger(events.DomainBlocked, account_id=account_id, domain=domain)

    def unblock(self, account_id: str, domain: str) -> None:
        if self.active:
            self.trigger(events.DomainUnblocked, account_id=account_id, domain=domain)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.DomainBlocked):
            self.active = True
        elif isinstance(event, events.DomainUnblocked):
            self.active = False
