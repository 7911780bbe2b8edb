"""Fixtures over real services: the PostgreSQL and Redis on 127.0.0.1 when they run (CI has
them), else embedded ones. Each test gets its own database, cloned from a migrated template."""

import dataclasses
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import uvicorn
from litestar.testing import TestClient

from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.projections.eventstore import close_event_store, open_event_store
from tidings.workers.app import build_app, prepare_database
from tidings.workers.embedded import start_postgres, start_redis
from tidings.workers.jobs import Clock

from .helpers import Client

# TIDINGS_TEST_SERVICES=embedded runs the suite as on a machine with neither service.
EMBEDDED_ONLY = os.environ.get("TIDINGS_TEST_SERVICES") == "embedded"


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="session")
def services_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("services")


@pytest.fixture(scope="session")
def admin_dsn(services_dir: Path) -> str:
    if os.environ.get("TIDINGS_TEST_DATABASE_URL"):
        return os.environ["TIDINGS_TEST_DATABASE_URL"]
    if _listening(5432) and not EMBEDDED_ONLY:
        return "postgresql://postgres@127.0.0.1:5432/postgres"
    return start_postgres(services_dir).dsn


@pytest.fixture(scope="session")
def redis_url(services_dir: Path) -> Iterator[str]:
    if os.environ.get("TIDINGS_TEST_REDIS_URL"):
        yield os.environ["TIDINGS_TEST_REDIS_URL"]
    elif _listening(6379) and not EMBEDDED_ONLY:
        yield "redis://127.0.0.1:6379/14"
    else:
        embedded = start_redis(services_dir)
        yield embedded.url
        embedded.stop()


def with_db(dsn: str, name: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(dsn)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def secret() -> bytes:
    return os.urandom(32)


@pytest.fixture(scope="session")
def template_db(admin_dsn: str, secret: bytes) -> Iterator[str]:
    name = f"tidings_template_{os.getpid()}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    prepare_database(with_db(admin_dsn, name), secret)
    yield name
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(admin_dsn: str, template_db: str) -> Iterator[str]:
    """A fresh, migrated database for one test."""
    name = f"tidings_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template_db}"')
    yield with_db(admin_dsn, name)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def settings(database: str, redis_url: str, secret: bytes) -> Settings:
    return Settings(
        database_url=database,
        redis_url=redis_url,
        secret_key=secret,
        rate_limits={},
        password_hash_profile="cheapest",
        domain="testserver.local",
        base_url="http://testserver.local",
        job_poll_interval=0.05,
    )


@pytest.fixture
def clock() -> Clock:
    """The time the app's jobs judge by: a test moves it on instead of waiting."""
    return Clock()


@pytest.fixture
def client(settings: Settings, clock: Clock) -> Iterator[Client]:
    """The whole app over Litestar's HTTP test client, projection runners and a job worker
    with its scheduler included."""
    app = build_app(settings, clock=clock)
    with TestClient(app=app, base_url="http://testserver.local") as test_client:
        yield Client(test_client)


@pytest.fixture
def db(database: str) -> Iterator[psycopg.Connection[Any]]:
    """A direct connection, for checking that nothing was written."""
    with psycopg.connect(database, autocommit=True) as conn:
        yield conn


@pytest.fixture
def live_server(settings: Settings, clock: Clock) -> Iterator[str]:
    """The whole app on a real socket (uvicorn in a thread), for real client libraries;
    yields its base URL, which the app also uses for the links it renders."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    served = dataclasses.replace(settings, base_url=base_url, domain=base_url.split("//")[1])
    server = uvicorn.Server(uvicorn.Config(build_app(served, clock=clock), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the live server did not start")
        time.sleep(0.01)
    try:
        yield base_url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture
def store(database: str, secret: bytes) -> Iterator[Tidings]:
    """The write side alone, for tests below the API."""
    app = open_event_store(database, secret)
    yield app
    close_event_store(app)
