"""Shapes shared by several entities."""

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    """Mastodon's timestamp shape: UTC, milliseconds, ``Z``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
