"""Operator and auditor commands against a running database, as they are typed."""

import json
import os
import subprocess
import sys
from typing import Any

import psycopg
import pytest

from tests.helpers import Client
from tidings.api.settings import Settings


def tidings(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    assert settings.database_url is not None and settings.secret_key is not None
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "TIDINGS_SECRET_KEY": settings.secret_key.hex(),
        "TIDINGS_PASSWORD_HASH_PROFILE": "cheapest",
        "TIDINGS_LOG_LEVEL": "WARNING",
        "TIDINGS_BASE_URL": settings.base_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "tidings.workers.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_user_create_makes_an_account_that_can_sign_in(client: Client, settings: Settings) -> None:
    created = tidings(settings, "user", "create", "admin1", "--password", "s3cret", "--admin")
    assert created.returncode == 0, created.stderr
    app = client.app()
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "admin1",
            "password": "s3cret",
        },
    )
    assert token.status_code == 200
    me = client.get(
        "/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
    )
    assert me.json()["pleroma"]["is_admin"] is True


def test_user_create_refuses_a_taken_name(
    client: Client, settings: Settings, db: psycopg.Connection[Any]
) -> None:
    client.register("taken")
    again = tidings(settings, "user", "create", "Taken", "--password", "x")
    assert again.returncode == 1
    assert "already been taken" in again.stderr


def test_projections_status_shows_position_and_lag(client: Client, settings: Settings) -> None:
    client.register("someone")
    status = tidings(settings, "projections", "status")
    assert status.returncode == 0
    lines = {line.split()[0]: line.split()[1:] for line in status.stdout.splitlines()[1:]}
    head = int(lines["(log"][1])
    assert head > 0
    assert all(
        int(lines[name][0]) == head and lines[name][1] == "0"
        for name in ("accounts", "oauth", "home_timeline")
    )


def test_rebuild_names_a_projection_or_all(settings: Settings, client: Client) -> None:
    assert tidings(settings, "projections", "rebuild").returncode == 2
    assert tidings(settings, "projections", "rebuild", "nope").returncode == 2
    done = tidings(settings, "projections", "rebuild", "accounts")
    assert done.returncode == 0, done.stderr
    assert "rebuilt accounts" in done.stdout and "events/s" in done.stdout


def test_audit_history_replays_an_account_as_activitystreams(
    client: Client, settings: Settings
) -> None:
    alice = client.register("alice", display_name="Alice A.")
    bob = client.register("bob")
    client.patch(
        "/api/v1/accounts/update_credentials", headers=alice.auth, data={"note": "hello auditors"}
    )
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    history = tidings(settings, "audit", "history", "alice")
    assert history.returncode == 0, history.stderr
    activities = [json.loads(line) for line in history.stdout.splitlines()]
    kinds = [a["type"] for a in activities]
    assert {"Registered", "UsernameClaimed", "EmailClaimed"} <= set(kinds[:3])
    assert "Update" in kinds and "Follow" in kinds and "TokenIssued" in kinds
    follow = next(a for a in activities if a["type"] == "Follow")
    assert follow["@context"] == "https://www.w3.org/ns/activitystreams"
    assert follow["actor"] == "http://testserver.local/users/alice"
    assert follow["object"] == "http://testserver.local/users/bob"
    update = next(a for a in activities if a["type"] == "Update")
    assert update["object"]["note"] == "hello auditors"  # decrypted for the auditor
    assert "correct horse" not in history.stdout
    assert all(a.get("password_hash") in (None, "[redacted]") for a in activities)
    positions = [int(a["id"].rsplit("/", 1)[1]) for a in activities]
    assert positions == sorted(positions)
    assert tidings(settings, "audit", "history", "nobody").returncode == 1


@pytest.mark.parametrize("args", [["user"], ["projections"], ["bogus"]])
def test_incomplete_commands_explain_themselves(settings: Settings, args: list[str]) -> None:
    result = tidings(settings, *args)
    assert result.returncode == 2
    assert "usage:" in result.stderr
