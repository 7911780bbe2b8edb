"""``tidings``: the one composition root. Every command works on the embedded services of
the data folder when DATABASE_URL / REDIS_URL are unset, whether or not a server runs."""

import argparse
import dataclasses
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import msgspec
import psycopg
from litestar import Litestar

from tidings.api.services import password_hasher
from tidings.api.settings import Settings
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.application import Tidings
from tidings.domain.errors import DomainError
from tidings.domain.ids import new_id
from tidings.projections.audit import account_history
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.projections.rebuild import rebuild, verify
from tidings.projections.registry import NAMES
from tidings.projections.tracking import read_position
from tidings.workers.app import build_app, prepare_database
from tidings.workers.embedded import (
    EmbeddedPostgres,
    EmbeddedRedis,
    secret_key,
    start_postgres,
    start_redis,
    stop_orphaned_http_workers,
)
from tidings.workers.jobs import JobSystem
from tidings.workers.runner import ProjectionRunners
from tidings.workers.streaming import StreamingPublisher

log = logging.getLogger("tidings")


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return Settings.from_env(**overrides)


@contextmanager
def services(settings: Settings, need_redis: bool) -> Iterator[Settings]:
    """The settings with database, Redis and master key resolved, embedded where unset."""
    redis: EmbeddedRedis | None = None
    postgres: EmbeddedPostgres | None = None
    dsn = settings.database_url
    if dsn is None:
        postgres = start_postgres(settings.data_dir)
        dsn = postgres.dsn
    redis_url = settings.redis_url
    if need_redis and redis_url is None:
        redis = start_redis(settings.data_dir)
        redis_url = redis.url
    secret = settings.secret_key or secret_key(settings.data_dir)
    try:
        yield dataclasses.replace(
            settings, database_url=dsn, redis_url=redis_url, secret_key=secret
        )
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()


@dataclasses.dataclass
class Opened:
    settings: Settings
    dsn: str
    app: Tidings
    conn: psycopg.Connection[Any]


@contextmanager
def opened(args: argparse.Namespace, need_redis: bool = False) -> Iterator[Opened]:
    """What the operator commands share: migrated database, event store, a connection."""
    with services(_settings(args), need_redis=need_redis) as ready:
        assert ready.database_url is not None and ready.secret_key is not None  # resolved
        prepare_database(ready.database_url, ready.secret_key)
        app = open_event_store(ready.database_url, ready.secret_key)
        try:
            with psycopg.connect(ready.database_url, autocommit=True) as conn:
                yield Opened(ready, ready.database_url, app, conn)
        finally:
            close_event_store(app)


def _projection_names(args: argparse.Namespace) -> list[str] | None:
    names = list(NAMES) if args.all else [args.name]
    if (not args.name and not args.all) or any(n not in NAMES for n in names):
        print(f"error: name a projection ({', '.join(NAMES)}) or --all", file=sys.stderr)
        return None
    return names


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with services(settings, need_redis=True) as ready:
        assert ready.database_url is not None and ready.secret_key is not None  # resolved
        applied = prepare_database(ready.database_url, ready.secret_key)
        if applied:
            log.info("applied migrations: %s", ", ".join(applied))
        log.info(
            "Tidings listening on http://%s:%s (data in %s)",
            ready.host,
            ready.port,
            ready.data_dir if settings.database_url is None else "DATABASE_URL",
        )
        if os.environ.get("TIDINGS_HTTP_SERVER", "granian") == "uvicorn":
            _run_uvicorn(build_app(ready), ready)
        else:
            _run_granian(ready)
    log.info("Tidings stopped")
    return 0


def _run_granian(settings: Settings) -> None:
    """HTTP in ``settings.workers`` granian processes (its ASGI interface answers 1.5-2x
    uvicorn's requests here), projections in threads of this process."""
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    assert settings.database_url is not None and settings.secret_key is not None  # resolved
    # The workers start from a clean interpreter (no copied sockets or threads) and read
    # the services this process resolved, embedded or not, from their environment.
    multiprocessing.set_start_method("spawn", force=True)
    stop_orphaned_http_workers(settings.data_dir)
    os.environ.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url or "",
        TIDINGS_SECRET_KEY=settings.secret_key.hex(),
        TIDINGS_DATA_DIR=str(settings.data_dir.resolve()),
        TIDINGS_DOMAIN=settings.domain,
        TIDINGS_BASE_URL=settings.base_url,
    )
    app = open_event_store(settings.database_url, settings.secret_key)
    runners = ProjectionRunners(settings.database_url, app)
    runners.start()
    job_system = JobSystem(settings, app)
    job_system.start()
    publisher = StreamingPublisher(settings, app)
    publisher.start()
    try:
        Server(
            "tidings.workers.asgi:app",
            address=settings.host,
            port=settings.port,
            interface=Interfaces.ASGI,
            workers=settings.workers,
            factory=True,
            log_level=LogLevels.warning,  # bind failures and dying workers must show
        ).serve()
    finally:
        publisher.stop()
        job_system.stop()
        runners.stop()
        close_event_store(app)


def _run_uvicorn(app: Litestar, settings: Settings) -> None:
    import uvicorn

    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=10,
        )
    )
    # uvicorn re-raises SIGTERM once it has shut down; turning that into SystemExit lets
    # the embedded PostgreSQL and Redis stop too, instead of dying with the process.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    with suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn already shut down cleanly
        server.run()


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def cmd_worker(args: argparse.Namespace) -> int:
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with opened(args, need_redis=True) as ctx:
        runners = ProjectionRunners(ctx.dsn, ctx.app)
        runners.start()
        job_system = JobSystem(ctx.settings, ctx.app)
        job_system.start()
        publisher = StreamingPublisher(ctx.settings, ctx.app)
        publisher.start()
        log.info("worker running projections, jobs and streaming; stop with Ctrl-C or SIGTERM")
        heartbeat = os.environ.get("TIDINGS_HEARTBEAT_FILE")
        while not stop.wait(15.0 if heartbeat else None):
            if heartbeat:  # compose's health check looks at this file's age
                Path(heartbeat).touch()
        publisher.stop()
        job_system.stop()
        runners.stop()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    with services(_settings(args), need_redis=False) as ready:
        assert ready.database_url is not None and ready.secret_key is not None
        applied = prepare_database(ready.database_url, ready.secret_key)
    print("applied: " + ", ".join(applied) if applied else "nothing to apply")
    return 0


def cmd_user_create(args: argparse.Namespace) -> int:
    hasher = password_hasher(Settings.from_env().password_hash_profile)
    account_id = new_id()
    with opened(args) as ctx:
        try:
            ctx.app.handle(
                RegisterAccount(
                    account_id=account_id,
                    username=args.name,
                    email=args.email,
                    password_hash=hasher.hash(args.password),
                    is_admin=args.admin,
                    is_moderator=args.moderator,
                    by_operator=True,
                )
            )
        except DomainError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    role = " (admin)" if args.admin else ""
    print(f"created {args.name}{role} with id {account_id}")
    return 0


def cmd_projections_status(args: argparse.Namespace) -> int:
    with opened(args) as ctx:
        head = ctx.app.recorder.max_notification_id() or 0
        print(f"{'projection':<16} {'position':>10} {'lag':>8}")
        for name in NAMES:
            position = read_position(ctx.conn, name)
            print(f"{name:<16} {position:>10} {head - position:>8}")
        print(f"{'(log head)':<16} {head:>10}")
    return 0


def cmd_projections_rebuild(args: argparse.Namespace) -> int:
    names = _projection_names(args)
    if names is None:
        return 2
    with opened(args) as ctx:
        for name in names:
            bar = ProgressBar(name)
            bar.done(rebuild(ctx.conn, ctx.app, name, progress=bar.update))
    return 0


def cmd_projections_verify(args: argparse.Namespace) -> int:
    names = _projection_names(args)
    if names is None:
        return 2
    differing = 0
    with opened(args) as ctx:
        for name in names:
            bad = {t: n for t, n in verify(ctx.conn, ctx.app, name).items() if n}
            differing += sum(bad.values())
            print(f"{name:<16} {'identical' if not bad else f'DIFFERS {bad}'}")
    return 1 if differing else 0


class ProgressBar:
    """A one-line bar on stderr with events/s, as operators watch a long rebuild."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.started = time.monotonic()
        self.tty = sys.stderr.isatty()

    def update(self, position: int, head: int) -> None:
        if not self.tty:
            return
        share = position / head if head else 1.0
        filled = int(share * 30)
        rate = position / max(time.monotonic() - self.started, 1e-6)
        sys.stderr.write(
            f"\r{self.name:<16} [{'#' * filled}{'.' * (30 - filled)}]"
            f" {position}/{head} {rate:,.0f} events/s"
        )
        sys.stderr.flush()

    def done(self, count: int) -> None:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        if self.tty:
            sys.stderr.write("\n")
        print(
            f"rebuilt {self.name}: {count} events in {elapsed:.2f} s"
            f" ({count / elapsed:,.0f} events/s)"
        )


def cmd_audit_history(args: argparse.Namespace) -> int:
    with opened(args) as ctx:
        history = account_history(ctx.conn, ctx.app, args.account, ctx.settings.base_url)
    if history is None:
        print(f"error: no account {args.account}", file=sys.stderr)
        return 1
    encoder = msgspec.json.Encoder()
    for activity in history:
        sys.stdout.write(encoder.encode(activity).decode() + "\n")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="tidings", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    def command(name: str, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, **kwargs)
        p.add_argument(
            "--data-dir",
            help="data folder of the embedded services (default $TIDINGS_DATA_DIR or .tidings)",
        )
        return p

    serve = command("serve", "run the server (embedded PostgreSQL and Redis by default)")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default 4000)")
    serve.set_defaults(func=cmd_serve)
    command(
        "worker", "run the projection runners and job workers as a separate process"
    ).set_defaults(func=cmd_worker)
    command("migrate", "apply pending read-model migrations").set_defaults(func=cmd_migrate)

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    create = user.add_parser("create", help="create a local account")
    create.add_argument("name")
    create.add_argument("--password", required=True)
    create.add_argument("--email")
    create.add_argument("--admin", action="store_true")
    create.add_argument("--moderator", action="store_true")
    create.add_argument("--data-dir")
    create.set_defaults(func=cmd_user_create)

    projections = sub.add_parser("projections", help="read models").add_subparsers(
        dest="action", required=True
    )
    status = projections.add_parser("status", help="position and lag of each projection")
    status.add_argument("--data-dir")
    status.set_defaults(func=cmd_projections_status)
    for action, help_text, func in (
        ("rebuild", "rebuild from position zero, then swap", cmd_projections_rebuild),
        ("verify", "compare a fresh rebuild with the live model", cmd_projections_verify),
    ):
        named = projections.add_parser(action, help=help_text)
        named.add_argument("name", nargs="?")
        named.add_argument("--all", action="store_true")
        named.add_argument("--data-dir")
        named.set_defaults(func=func)

    audit = sub.add_parser("audit", help="replay an account's history").add_subparsers(
        dest="action", required=True
    )
    history = audit.add_parser("history", help="every event of an account, in order")
    history.add_argument("account", help="username or account id")
    history.add_argument("--data-dir")
    history.set_defaults(func=cmd_audit_history)
    return top


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=os.environ.get("TIDINGS_LOG_LEVEL", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    args = parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
