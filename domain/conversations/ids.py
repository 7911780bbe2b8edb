"""A participation's id is a function of its owner and its thread, never minted: the read
model derives it the same way on every replay, and a command can name the participation's
stream without looking it up."""

import hashlib

from tidings.domain.ids import decode, encode


def participation_id(account_id: str, conversation_id: str) -> str:
    """A flake id: the thread root's millisecond on top, so ids still sort roughly by when
    the conversation began, and 64 bits of a hash of the pair below (the node and sequence
    bits of a minted flake)."""
    millis = decode(conversation_id) >> 64
    digest = hashlib.blake2b(f"{account_id}:{conversation_id}".encode(), digest_size=8).digest()
    return encode((millis << 64) | int.from_bytes(digest))
