import msgspec


class VoteInPoll(msgspec.Struct, kw_only=True, frozen=True):
    """``status_id`` names the poll: a status carries at most one, so Tidings hands out
    the status's id as the poll's (Mastodon.py's ``poll`` and ``poll_vote`` only need it
    to round-trip)."""

    account_id: str
    status_id: str
    choices: list[int]
