"""128-bit flake ids: lexically sortable strings, as Pleroma hands them to clients.

Layout (high to low bits): 64-bit milliseconds since the Unix epoch, 48-bit node id,
16-bit sequence. Encoded in base62 with ASCII-ordered digits and padded to 18
characters, so string order is creation order (until the year 2283).
"""

import os
import threading
import time
from uuid import UUID

_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_VALUE = {c: i for i, c in enumerate(_DIGITS)}
_WIDTH = 18
_MAX = (1 << 128) - 1


class FlakeGenerator:
    """Thread-safe; the sequence keeps ids unique and increasing within one millisecond."""

    def __init__(self, node: int | None = None) -> None:
        self._node = (node if node is not None else int.from_bytes(os.urandom(6))) & (2**48 - 1)
        self._lock = threading.Lock()
        self._last_ms = 0
        self._seq = 0

    def next_int(self, at_ms: int | None = None) -> int:
        with self._lock:
            now = at_ms if at_ms is not None else time.time_ns() // 1_000_000
            if now <= self._last_ms:
                now = self._last_ms
                self._seq = (self._seq + 1) & 0xFFFF
                if self._seq == 0:  # sequence exhausted: borrow the next millisecond
                    now += 1
            else:
                self._seq = 0
            self._last_ms = now
            return (now << 64) | (self._node << 16) | self._seq

    def next_id(self) -> str:
        return encode(self.next_int())


_generator = FlakeGenerator()


def new_id() -> str:
    return _generator.next_id()


def encode(value: int) -> str:
    digits = []
    while value:
        value, rem = divmod(value, 62)
        digits.append(_DIGITS[rem])
    return "".join(reversed(digits)).rjust(_WIDTH, "0")


def decode(flake: str) -> int:
    """Raises ValueError for anything that is not a flake id."""
    if not flake or len(flake) > 22:
        raise ValueError(f"not a flake id: {flake!r}")
    value = 0
    for char in flake:
        digit = _VALUE.get(char)
        if digit is None:
            raise ValueError(f"not a flake id: {flake!r}")
        value = value * 62 + digit
    if value > _MAX:
        raise ValueError(f"not a flake id: {flake!r}")
    return value


def is_flake(text: str) -> bool:
    try:
        decode(text)
    except ValueError:
        return False
    return True


def stream_id(flake: str) -> UUID:
    """An entity's event stream is named by its flake id, so no lookup table is needed."""
    return UUID(int=decode(flake))


def flake_of(stream: UUID) -> str:
    return encode(stream.int)


def flake_at(unix_ms: int) -> str:
    """The smallest id of a millisecond: a pagination bound for a point in time."""
    return encode(unix_ms << 64)
