from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tidings.domain.application import Tidings


@dataclass(frozen=True)
class JobContext:
    """What every actor may use: the write side, and the clock jobs judge time by."""

    tidings: Tidings
    clock: Callable[[], datetime]
