import msgspec


class DismissNotifications(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    ids: list[str]  # notifications the read model shows the account (the API checked)


class ClearNotifications(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str


class ReadNotifications(msgspec.Struct, kw_only=True, frozen=True):
    """Pleroma's read: one notification (``id``) or all up to ``max_id``."""

    account_id: str
    id: str | None = None
    max_id: str | None = None


class ChangeNotificationSettings(msgspec.Struct, kw_only=True, frozen=True):
    """Pleroma's notification settings; None keeps a setting as it is."""

    account_id: str
    block_from_strangers: bool | None = None
    hide_notification_contents: bool | None = None


class SetMarkers(msgspec.Struct, kw_only=True, frozen=True):
    """Mastodon's markers: timeline name to the last read id."""

    account_id: str
    markers: dict[str, str]
