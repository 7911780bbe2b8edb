from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.addressing import Visibility, address
from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Forbidden, Invalid
from tidings.domain.events import Event
from tidings.domain.ids import new_id
from tidings.domain.reblogs import events

# Mastodon 4 lets a reblog narrow its audience to these; a direct reblog would address nobody.
REBLOG_VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted", "private")
NOT_ALLOWED = "This action is not allowed"


def reblog_stream(account_id: str, status_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/reblogs/{account_id}/{status_id}")


class Reblog(Aggregate):
    """One account's reblog of one status: its own stream, so busy posts never contend.
    Only changes of state are recorded, so every Announce and Undo in the log counts."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.active = False
        self.reblog_id = ""

    def reblog(
        self,
        account_id: str,
        status_id: str,
        author_id: str,
        original_visibility: str,
        visibility: Visibility,
    ) -> None:
        """Mastodon's rule: a direct status is never reblogged (nor, on Pleroma, one for a
        list's members) and a private one only by its author, who cannot widen it; a reblog
        of a local-only status stays local."""
        if original_visibility in ("direct", "list"):
            raise Forbidden(NOT_ALLOWED)
        if original_visibility == "private" and account_id != author_id:
            raise Forbidden(NOT_ALLOWED)
        if visibility not in REBLOG_VISIBILITIES:
            raise Invalid("Validation failed: a reblog is public, unlisted or private")
        if self.active:
            return  # Mastodon answers the existing reblog: a second one records nothing
        shown: Visibility = visibility
        if original_visibility == "private":
            shown = "private"
        elif original_visibility == "local":
            shown = "local"
        mentioned = [author_id] if author_id != account_id else []
        to, cc = address(shown, account_id, mentioned)
        self.trigger(
            events.Announce,
            actor=account_id,
            object=status_id,
            attributed_to=author_id,
            reblog_id=new_id(),
            to=to,
            cc=cc,
        )

    def undo(self, account_id: str, status_id: str) -> None:
        if self.active:
            self.trigger(events.Undo, actor=account_id, object=status_id, reblog_id=self.reblog_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.Announce):
            self.active, self.reblog_id = True, event.reblog_id
        elif isinstance(event, events.Undo):
            self.active, self.reblog_id = False, ""
