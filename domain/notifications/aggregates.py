from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.notifications import commands, events

# Mastodon's Marker::TIMELINES.
TIMELINES = ("home", "notifications")


def notifications_stream(account_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/notifications/{account_id}")


class NotificationsState(Aggregate):
    """One account's notification settings, markers and read/dismiss commands. Which
    notifications exist is the read model's (they are derived from the whole log), so the
    API checks ids against it before a command; this stream only records the reader's acts."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.block_from_strangers = False
        self.hide_notification_contents = False
        self.marker_versions: dict[str, int] = {}
        self.markers: dict[str, str] = {}

    def dismiss(self, account_id: str, ids: list[str]) -> None:
        wanted = list(dict.fromkeys(ids))
        if wanted:
            self.trigger(events.NotificationsDismissed, account_id=account_id, ids=wanted)

    def clear(self, account_id: str) -> None:
        self.trigger(events.NotificationsCleared, account_id=account_id)

    def read(self, account_id: str, one: str | None, max_id: str | None) -> None:
        if (one is None) == (max_id is None):
            raise Invalid("Validation failed: give either id or max_id")
        self.trigger(events.NotificationsRead, account_id=account_id, id=one, max_id=max_id)

    def change_settings(self, cmd: commands.ChangeNotificationSettings) -> None:
        wanted = (
            self.block_from_strangers
            if cmd.block_from_strangers is None
            else cmd.block_from_strangers,
            self.hide_notification_contents
            if cmd.hide_notification_contents is None
            else cmd.hide_notification_contents,
        )
        if wanted == (self.block_from_strangers, self.hide_notification_contents):
            return  # clients re-send the whole form: the same settings record nothing
        self.trigger(
            events.NotificationSettingsChanged,
            account_id=cmd.account_id,
            block_from_strangers=wanted[0],
            hide_notification_contents=wanted[1],
        )

    def set_markers(self, account_id: str, markers: dict[str, str]) -> None:
        for timeline in markers:
            if timeline not in TIMELINES:
                raise Invalid(f"Validation failed: unknown timeline {timeline!r}")
        for timeline, last_read_id in markers.items():
            if not last_read_id:
                raise Invalid(f"Validation failed: {timeline}[last_read_id] can't be blank")
        for timeline, last_read_id in markers.items():
            if self.markers.get(timeline) == last_read_id:
                continue  # the same position again: nothing moved
            version = self.marker_versions[timeline] + 1 if timeline in self.markers else 0
            self.trigger(
                events.MarkerSet,
                account_id=account_id,
                timeline=timeline,
                last_read_id=last_read_id,
                version=version,
            )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.NotificationSettingsChanged):
            self.block_from_strangers = event.block_from_strangers
            self.hide_notification_contents = event.hide_notification_contents
        elif isinstance(event, events.MarkerSet):
            self.markers[event.timeline] = event.last_read_id
            self.marker_versions[event.timeline] = event.version
