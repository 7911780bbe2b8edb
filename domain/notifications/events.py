"""What a reader does to their notifications: local bookkeeping with no ActivityStreams
activity, recorded so a rebuilt read model shows the same read state. One stream per
account (``notifications_stream``)."""

from tidings.domain.events import Event


class NotificationsDismissed(Event, kw_only=True, frozen=True):
    account_id: str
    ids: list[str]


class NotificationsCleared(Event, kw_only=True, frozen=True):
    """Everything the account had when this was recorded goes; what comes later stays."""

    account_id: str


class NotificationsRead(Event, kw_only=True, frozen=True):
    account_id: str
    id: str | None = None
    max_id: str | None = None


class NotificationSettingsChanged(Event, kw_only=True, frozen=True):
    """The settings as they now stand, both of them."""

    account_id: str
    block_from_strangers: bool
    hide_notification_contents: bool


class MarkerSet(Event, kw_only=True, frozen=True):
    """``version`` counts the updates of this timeline's marker from 0, as Mastodon's
    ``lock_version`` does."""

    account_id: str
    timeline: str
    last_read_id: str
    version: int
