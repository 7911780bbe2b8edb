"""Notification types (Mastodon's `type`): the one list later features extend.

A type produced here must be named in ``TYPES``; a type a client may ask for but this server
does not produce yet is still known, so ``types[]``/``exclude_types[]`` naming it filter as
Mastodon and Pleroma do (an unknown name matches nothing instead of being refused).
"""

MENTION = "mention"
STATUS = "status"
REBLOG = "reblog"
FOLLOW = "follow"
FOLLOW_REQUEST = "follow_request"
FAVOURITE = "favourite"
POLL = "poll"
UPDATE = "update"

# Produced now, in Mastodon's order; a new kind is appended here and, if it shows a
# status, in WITH_STATUS.
TYPES: tuple[str, ...] = (MENTION, STATUS, REBLOG, FOLLOW, FOLLOW_REQUEST, FAVOURITE, POLL, UPDATE)

# Known to clients, made by features that have not landed yet.
PLANNED: tuple[str, ...] = (
    "move",
    "pleroma:emoji_reaction",
    "pleroma:chat_mention",
    "pleroma:report",
    "pleroma:event_reminder",
    "pleroma:event_update",
    "pleroma:participation_accepted",
    "pleroma:participation_request",
    "admin.sign_up",
    "admin.report",
)

# The seeds: "ChatMention Notification (not default)", "Report Notification (not default)":
# only shown when asked for by include_types[]/types[].
NOT_DEFAULT: frozenset[str] = frozenset({"pleroma:chat_mention", "pleroma:report"})

WITH_STATUS: frozenset[str] = frozenset(
    {
        MENTION,
        STATUS,
        REBLOG,
        FAVOURITE,
        POLL,
        UPDATE,
        "pleroma:emoji_reaction",
        "pleroma:event_reminder",
        "pleroma:event_update",
        "pleroma:participation_accepted",
        "pleroma:participation_request",
    }
)
