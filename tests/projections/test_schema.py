"""Replicas start together: preparing one database from several processes at once must
neither fail nor apply anything twice."""

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from tests.conftest import with_db
from tidings.workers.app import prepare_database


@pytest.fixture
def empty_database(admin_dsn: str) -> Iterator[str]:
    name = f"tidings_empty_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield with_db(admin_dsn, name)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_replicas_preparing_one_database_at_once_all_succeed(
    empty_database: str, secret: bytes
) -> None:
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def prepare() -> None:
        try:
            results.append(prepare_database(empty_database, secret))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=prepare) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    applied = [files for files in results if files]
    assert len(applied) == 1, "exactly one replica applies the migrations"
    with psycopg.connect(empty_database) as conn:
        row: Any = conn.execute("SELECT count(*) FROM public.schema_migrations").fetchone()
    assert row[0] == len(applied[0])
