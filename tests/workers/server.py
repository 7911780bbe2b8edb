"""A real ``tidings serve`` process on a free port, for tests that kill and restart it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

TIDINGS = [sys.executable, "-m", "tidings.workers.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def embedded_env() -> dict[str, str]:
    """The environment of a fresh machine: no service URLs, so everything is embedded."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "TIDINGS_SECRET_KEY")
    }
    env.update(
        TIDINGS_RATE_LIMITS="off",
        TIDINGS_PASSWORD_HASH_PROFILE="cheapest",
        TIDINGS_LOG_LEVEL="WARNING",
    )
    return env


class Server:
    def __init__(self, data_dir: Path, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = data_dir.parent / f"serve-{self.port}.log"

    def start(self, timeout: float = 60.0) -> "Server":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*TIDINGS, "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)],
                env=embedded_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited early: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.base}/api/v1/accounts/search?q=x", timeout=1).status_code:
                    return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise TimeoutError(f"serve did not start: {self.log.read_text()[-2000:]}")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(30)

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Another ``tidings`` command on the same data folder, as an operator runs it."""
        return subprocess.run(
            [*TIDINGS, *args, "--data-dir", str(self.data_dir)],
            env=embedded_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )


def processes_using(folder: Path, grace: float = 5.0) -> list[str]:
    """Command lines of live processes that mention the folder (postgres, valkey, HTTP
    workers...), once ``grace`` seconds have let exiting ones (multiprocessing's resource
    tracker leaves just after its parent) finish."""
    deadline = time.monotonic() + grace
    while (found := _processes_using(folder)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def _processes_using(folder: Path) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            status = (entry / "status").read_text()
            cwd = os.readlink(entry / "cwd")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if "State:\tZ" in status:
            continue
        # HTTP workers are found by the data folder their environment names.
        if (
            str(folder) in cmdline
            or cwd.startswith(str(folder))
            or f"TIDINGS_DATA_DIR={folder}".encode() in environ
        ):
            found.append(cmdline)
    return found
