"""Visibility derived from addressing, as ActivityPub does it."""

from typing import Literal

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
Visibility = Literal["public", "unlisted", "private", "direct", "local", "list"]
# What a client may ask for by name; "list" is asked for as ``list:<id>``.
VISIBILITIES: tuple[Visibility, ...] = ("public", "unlisted", "private", "direct", "local")
LOCAL = "tidings:local"  # a local-only post is addressed to this instance alone


def followers_of(account_id: str) -> str:
    return f"{account_id}/followers"


def list_of(actor: str, list_id: str) -> str:
    return f"{actor}/lists/{list_id}"


def address(
    visibility: Visibility,
    actor: str,
    mentioned: list[str],
    list_id: str | None = None,
    members: list[str] | None = None,
) -> tuple[list[str], list[str]]:
    """The to and cc lists of a post; mentioned accounts are always addressed. A list post
    (Pleroma's ``list:<id>``) names the list in ``to`` and its members, as they were when
    it was posted, in ``cc``: they are its audience, and no one else but the author."""
    followers = followers_of(actor)
    if visibility == "list" and list_id is not None:
        cc = [m for m in dict.fromkeys(members or []) if m not in mentioned and m != actor]
        return [list_of(actor, list_id), *mentioned], cc
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
    if any(a.startswith(list_of(actor, "")) for a in to):
        return "list"
    return "direct"


def recipients(to: list[str], cc: list[str]) -> list[str]:
    """Accounts addressed by id (collections and the public marker are not accounts)."""
    return [a for a in (*to, *cc) if "/" not in a and ":" not in a]
