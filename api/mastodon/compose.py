"""What POST /api/v1/statuses works out before it writes: whether its text may be posted,
whom a post addresses (Pleroma's ``to``, ``list:<id>``), the custom emoji it uses, and
whether its quote may be made (an edit, PUT, checks its text and emoji alike). The
domain decides again on the write side; checking here too lets ``preview`` refuse alike."""

from typing import Any

from psycopg import AsyncConnection

from tidings.api.errors import ApiError, not_found
from tidings.api.formatting import shortcodes
from tidings.api.pleroma.emoji import local_emoji
from tidings.api.settings import Settings
from tidings.domain.addressing import VISIBILITIES, Visibility
from tidings.domain.ids import is_flake
from tidings.domain.statuses.aggregates import QUOTABLE
from tidings.projections import conversations, statuses

LIST_PREFIX = "list:"


def checked_text(status: str, spoiler_text: str, settings: Settings) -> tuple[str, str]:
    """The text and spoiler as posted or edited: not empty, within the character limit."""
    text = status.strip()
    spoiler = spoiler_text.strip()
    if not text:
        raise ApiError(422, "Validation failed: cannot post an empty status without media")
    if len(text) + len(spoiler) > settings.max_toot_chars:
        raise ApiError(
            422,
            "Validation failed: the status is over the character limit"
            f" ({settings.max_toot_chars} characters, spoiler text included)",
        )
    return text, spoiler


def visibility(requested: str | None, preferences: dict[str, Any]) -> tuple[Visibility, str | None]:
    """The visibility asked for (the account's default when none), and the list's id for
    Pleroma's ``list:<id>``."""
    if not requested:
        default = preferences.get("default_scope")
        return (default if default in VISIBILITIES else "public"), None
    for known in VISIBILITIES:
        if requested == known:
            return known, None
    if requested.startswith(LIST_PREFIX):
        list_id = requested.removeprefix(LIST_PREFIX)
        if not is_flake(list_id):  # answered as a list that does not exist
            raise not_found()
        return "list", list_id
    raise ApiError(
        422,
        f"Validation failed: visibility must be one of {', '.join(VISIBILITIES)} or list:<id>",
    )


async def check_list(conn: AsyncConnection[Any], list_id: str, owner_id: str) -> None:
    """Someone else's list is answered as if it did not exist, as the list endpoints do."""
    cur = await conn.execute("SELECT owner_id FROM lists WHERE id = %s", (list_id,))
    row = await cur.fetchone()
    if row is None or row["owner_id"] != owner_id:
        raise not_found()


async def replied_conversation(
    conn: AsyncConnection[Any], participation_id: str, author_id: str
) -> dict[str, Any]:
    """Pleroma's ``in_reply_to_conversation_id``: the author's own participation. A bad id,
    a missing one and someone else's are answered alike, so none of them leaks."""
    row = (
        await conversations.owned(conn, participation_id, author_id)
        if is_flake(participation_id)
        else None
    )
    if row is None:
        raise not_found()
    return row


def to_usernames(names: list[str], domain: str) -> list[str]:
    """Pleroma's ``to`` names accounts as ``lain`` or ``lain@ourdomain`` (an ``@`` in
    front is allowed); names on other servers cannot be addressed from here."""
    found = []
    for name in names:
        user, _, host = name.strip().removeprefix("@").partition("@")
        if user and (not host or host.lower() == domain.lower()):
            found.append(user)
    return found


async def addressed_by_to(
    conn: AsyncConnection[Any], names: list[str], settings: Settings
) -> list[str]:
    """The accounts ``to`` names, in its order. As in Pleroma
    (``User.get_ap_ids_by_nicknames``), a name that matches no account is ignored, not
    refused: the post goes to the others, and with none left to no one but its author."""
    usernames = to_usernames(names, settings.domain)
    known = await statuses.accounts_named(conn, usernames)
    ids = [known[u.lower()]["id"] for u in usernames if u.lower() in known]
    return list(dict.fromkeys(ids))


async def custom_emoji(settings: Settings, *texts: str) -> dict[str, str]:
    """The local emoji the texts use, shortcode to image path; ``:unknown:`` stays text.
    The packs are scanned only when a shortcode is written at all."""
    wanted = shortcodes(*texts)
    if not wanted:
        return {}
    by_code = {e.shortcode: e.path for e in await local_emoji(settings)}
    return {code: by_code[code] for code in wanted if code in by_code}


def check_quotable(quoted: dict[str, Any], author_id: str) -> None:
    """The same rule as ``Status.check_quotable``, for ``preview``, which writes nothing."""
    vis = quoted["visibility"]
    if vis in QUOTABLE or (vis == "private" and quoted["account_id"] == author_id):
        return
    raise ApiError(422, "Validation failed: only public, unlisted and local statuses can be quoted")
