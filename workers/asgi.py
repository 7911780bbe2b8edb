"""The API alone, for HTTP worker processes: ``tidings serve`` hands them the resolved
database, Redis and key through the environment and runs the projections itself."""

import ctypes
import os
import signal
import sys

from litestar import Litestar

from tidings.api.settings import Settings
from tidings.workers.app import build_app

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """A ``kill -9`` of ``tidings serve`` must not leave its HTTP workers serving the port
    with nobody to stop them; Linux can end a child when its parent dies."""
    if sys.platform != "linux":
        return
    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the request was registered
        os.kill(os.getpid(), signal.SIGKILL)


def app() -> Litestar:
    _die_with_parent()
    return build_app(Settings.from_env(), with_runners=False)
