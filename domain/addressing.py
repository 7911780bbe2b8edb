"""Visibility derived from addressing, as ActivityPub does it."""

from typing import Literal

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
Visibility = Literal["public", "unlisted", "private", "direct", "local"]
VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted", "private", "direct", "local")
LOCAL = "tidings:local"  # a local-only post is addressed to this instance alone


def followers_of(account_id: str) -> str:
    return f"{account_id}/followers"


def address(
    visibility: Visibility, actor: str, mentioned: list[str]
) -> tuple[list[str], list[str]]:
    """The to and cc lists of a post; mentioned accounts are always addressed."""
    followers = followers_of(actor)
    if visibility == "public":
        return [PUBLIC], [followers, *mentioned]
    if visibility == "unlisted":
        return [followers], [PUBLIC, *mentioned]
    if visibility == "local":
        return [LOCAL], [followers, *mentioned]
    if visibility == "private":
        return [followers], list(mentioned)
    return list(mentioned), []


def visibility_of(actor: str, to: list[str], cc: list[str]) -> Visibility:
    if PUBLIC in to:
        return "public"
    if PUBLIC in cc:
        return "unlisted"
    if LOCAL in to:
        return "local"
    if followers_of(actor) in to or followers_of(actor) in cc:
        return "private"
    return "direct"


def recipients(to: list[str], cc: list[str]) -> list[str]:
    """Accounts addressed by id (collections and the public marker are not accounts)."""
    return [a for a in (*to, *cc) if "/" not in a and ":" not in a]
