"""Projection runners: one thread per read model, woken by the event store's NOTIFY.

A runner that fails (lost connection, a bug in a handler) logs, waits and starts over from
its tracked position: its page rolled back whole, so nothing is half-applied.
"""

import logging
import threading
from typing import Any

import psycopg
from psycopg import sql

from tidings.domain.application import Tidings
from tidings.projections.eventstore import EVENTS_TABLE
from tidings.projections.registry import BY_NAME
from tidings.projections.tracking import PAGE, Projection, apply_page

log = logging.getLogger("tidings.runner")


class ProjectionRunners:
    def __init__(self, dsn: str, app: Tidings, names: list[str] | None = None) -> None:
        self._dsn = dsn
        self._app = app
        self._names = names or list(BY_NAME)
        self._stop = threading.Event()
        self._wake = {name: threading.Event() for name in self._names}
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for name in self._names:
            thread = threading.Thread(
                target=self._run, args=(BY_NAME[name](),), name=f"projection-{name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        listener = threading.Thread(target=self._listen, name="projection-wakeup", daemon=True)
        listener.start()
        self._threads.append(listener)

    def stop(self) -> None:
        self._stop.set()
        for event in self._wake.values():
            event.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(EVENTS_TABLE)))
                    self._wake_all()  # anything appended while we were not listening
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=0.25, stop_after=1):
                            self._wake_all()
            except psycopg.Error as error:
                log.warning("wake-up listener lost its connection: %s", error)
                self._stop.wait(1.0)

    def _wake_all(self) -> None:
        for event in self._wake.values():
            event.set()

    def _run(self, projection: Projection) -> None:
        wake = self._wake[projection.name]
        while not self._stop.is_set():
            try:
                with psycopg.connect(self._dsn, autocommit=True) as conn:
                    self._drain(conn, projection, wake)
            except Exception:
                log.exception("projection %s failed; restarting from its position", projection.name)
                self._stop.wait(1.0)

    def _drain(
        self, conn: psycopg.Connection[Any], projection: Projection, wake: threading.Event
    ) -> None:
        while not self._stop.is_set():
            wake.clear()
            count, _ = apply_page(conn, projection, self._app.mapper, projection.name)
            if count < PAGE:
                wake.wait(timeout=1.0)  # the timeout covers a NOTIFY lost in a reconnect
