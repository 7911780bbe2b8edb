"""Who may see a status: the one rule every read path applies."""

from collections.abc import Sequence


def may_see(
    visibility: str,
    author: str,
    addressed: Sequence[str],
    viewer: str | None,
    follows_author: bool,
    author_blocks_viewer: bool = False,
) -> bool:
    """``viewer`` is an account id, or None for a visitor (or an app without a user);
    ``addressed`` are the accounts the post is addressed to: the mentioned, or Pleroma's
    ``to``, or a list's members. A list post, like a direct one, is theirs alone. An
    author who blocks the viewer is shown to them nowhere, whatever the post's audience
    (Mastodon's StatusPolicy: a blocked reader gets a 404 as for a post never made)."""
    if author_blocks_viewer and viewer != author:
        return False
    if visibility in ("public", "unlisted"):
        return True
    if viewer is None:
        return False
    if viewer == author or viewer in addressed:
        return True
    if visibility == "local":  # every account here is local, so any signed-in reader
        return True
    return visibility == "private" and follows_author


def needs_follow(visibility: str) -> bool:
    """Whether deciding needs to know if the viewer follows the author."""
    return visibility == "private"


def counts_as_reply(visibility: str) -> bool:
    """Whether a reply adds to its parent's ``replies_count``: Mastodon and Pleroma count
    only replies addressed to the public (Pleroma's local-only public included), so the
    count never tells anyone that a private or direct reply exists."""
    return visibility in ("public", "unlisted", "local")
