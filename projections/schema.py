"""Migrations and the swap that lets operators rebuild a read model while it serves.

``migrations/NNNN_<schema>.sql`` files run in number order, each inside the schema its
name gives (``core`` is the public schema). A projection's files together create its
tables, so the same files build a fresh copy beside the live one for a rebuild.
"""

import re
from importlib import resources
from typing import Any

import psycopg
from psycopg import sql

from tidings.projections.registry import NAMES
from tidings.projections.tracking import create_tracking

_FILE = re.compile(r"^(\d{4})_([a-z_]+)\.sql$")
MIGRATE_LOCK = 7_311_001  # one migrating process at a time
CORE = "core"


def migration_files() -> list[tuple[int, str, str]]:
    """(version, schema, sql) in order."""
    found = []
    for entry in resources.files("tidings.migrations").iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text()))
    return sorted(found)


def search_path() -> str:
    """Every read model's schema, for the API's connections."""
    return ", ".join([*NAMES, "public"])


def migrate(conn: psycopg.Connection[Any]) -> list[str]:
    """Applies what is missing; returns the files applied."""
    applied: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS public.schema_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {r[0] for r in conn.execute("SELECT version FROM public.schema_migrations")}
        for version, schema, text in migration_files():
            if version in done:
                continue
            target = "public" if schema == CORE else schema
            if schema != CORE:
                conn.execute(
                    sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(target))
                )
                create_tracking(conn, target)
            conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(target)))
            conn.execute(text.encode())
            conn.execute(
                "INSERT INTO public.schema_migrations (version, name) VALUES (%s, %s)",
                (version, f"{version:04d}_{schema}"),
            )
            applied.append(f"{version:04d}_{schema}.sql")
        conn.execute("SET LOCAL search_path TO public")
    return applied


def shadow_name(name: str) -> str:
    return f"{name}__rebuild"


def create_shadow(conn: psycopg.Connection[Any], name: str) -> str:
    """An empty copy of a read model's tables at position zero, beside the live one."""
    shadow = shadow_name(name)
    with conn.transaction():
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(shadow)))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(shadow)))
        create_tracking(conn, shadow)
        conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(shadow)))
        for _, schema, text in migration_files():
            if schema == name:
                conn.execute(text.encode())
    return shadow


def swap_in(conn: psycopg.Connection[Any], name: str) -> None:
    """Inside the caller's transaction: the shadow becomes the live schema."""
    old = f"{name}__old"
    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(old)))
    conn.execute(
        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(name), sql.Identifier(old))
    )
    conn.execute(
        sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
            sql.Identifier(shadow_name(name)), sql.Identifier(name)
        )
    )
    conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(old)))
