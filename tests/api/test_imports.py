"""Pleroma's follow, block and mute imports: the request answers at once, a job acts on the
list, and the log says what it imported and what it skipped, and why."""

import json
import logging
from typing import Any, cast

import psycopg
import pytest

from tests.api.test_oauth import bearer, new_app, password_token
from tests.helpers import Client, User, event_count, eventually
from tidings.api.settings import Settings
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.application import Tidings
from tidings.domain.graph.aggregates import follow_stream
from tidings.domain.ids import flake_of, new_id, stream_id
from tidings.domain.imports.commands import RequestImport
from tidings.domain.imports.events import ImportCompleted, ImportEntry
from tidings.projections.audit import account_history
from tidings.projections.jobs import RUN_IMPORT, import_key
from tidings.projections.rebuild import verify
from tidings.workers.actors import imports as import_actor
from tidings.workers.actors.context import JobContext
from tidings.workers.jobs import Clock, JobSystem

DOMAIN = "testserver.local"  # the test settings' domain


def imports_of(db: psycopg.Connection[Any], kind: str) -> list[tuple[str, int]]:
    rows = db.execute(
        "SELECT originator_id, notification_id FROM tidings_events WHERE topic LIKE %s"
        " ORDER BY notification_id",
        (f"%:{kind}",),
    ).fetchall()
    return [(flake_of(r[0]), int(r[1])) for r in rows]


def completed(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings, user: User
) -> list[dict[str, Any]]:
    """The owner's ImportCompleted events as an auditor sees them (decrypted)."""
    eventually(lambda: imports_of(db, "ImportCompleted"))
    history = account_history(db, store, user.username, settings.base_url) or []
    return [a for a in history if a["type"] == "ImportCompleted"]


def relationships(client: Client, user: User, *others: User) -> dict[str, dict[str, Any]]:
    response = client.get(
        "/api/v1/accounts/relationships",
        params=[("id[]", o.id) for o in others],
        headers=user.auth,
    )
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in response.json()}


def due_imports(db: psycopg.Connection[Any]) -> list[str]:
    rows = db.execute("SELECT key FROM jobs.due_jobs WHERE kind = %s", (RUN_IMPORT,)).fetchall()
    return [r[0] for r in rows]


def test_a_follow_list_follows_local_accounts_and_reports_those_it_skipped(
    client: Client,
    db: psycopg.Connection[Any],
    store: Tidings,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=import_actor.log.name)
    alice = client.register("alice")
    bob, carol, dave, erin = (client.register(n) for n in ("bob", "carol", "dave", "erin"))
    listed = (
        f"bob\n@carol dave@{DOMAIN}\n\n  @erin@{DOMAIN.upper()}  \n"
        "eve@remote.example @frank@other.example nobody alice bob @ grace@ b@d@x"
    )
    response = client.post("/api/pleroma/follow_import", headers=alice.auth, data={"list": listed})
    assert response.status_code == 200, response.text
    assert response.json() == "job started"

    (outcome,) = completed(client, db, store, settings, alice)
    assert {i["acct"]: i["account_id"] for i in outcome["imported"]} == {
        "bob": bob.id,
        "carol": carol.id,
        "dave": dave.id,
        "erin": erin.id,
    }
    assert {s["acct"]: s["reason"] for s in outcome["skipped"]} == {
        "eve@remote.example": import_actor.REMOTE,
        "frank@other.example": import_actor.REMOTE,
        "nobody": import_actor.UNKNOWN,
        "alice": import_actor.YOURSELF,
        "grace@": import_actor.NOT_AN_ADDRESS,
        "b@d@x": import_actor.NOT_AN_ADDRESS,
    }
    shown = relationships(client, alice, bob, carol, dave, erin)
    assert all(r["following"] for r in shown.values())
    eventually(lambda: due_imports(db) == [])
    # Operators' logs get the counts and reasons, not the names (those are alice's).
    (line,) = [r.getMessage() for r in caplog.records if r.name == import_actor.log.name]
    assert f"of account {alice.id}: 4 imported, 6 skipped; 2 {import_actor.REMOTE}" in line
    assert "carol" not in line and "remote.example" not in line
    # Whom alice follows is hers: neither the list nor the outcome is in the log in clear.
    raw = db.execute(
        "SELECT convert_from(state, 'UTF8') FROM tidings_events WHERE topic LIKE '%:Import%'"
    ).fetchall()
    assert len(raw) == 2
    assert not any("carol" in r[0] or "remote.example" in r[0] for r in raw)


def test_profile_urls_of_this_server_name_its_accounts_as_pleroma_lets_ap_ids_do(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, henry, ivy = client.register("alice"), client.register("henry"), client.register("ivy")
    listed = (
        f"{settings.base_url}/users/henry {settings.base_url}/@ivy/"
        " https://elsewhere.example/users/ivan"
    )
    response = client.post("/api/pleroma/follow_import", headers=alice.auth, data={"list": listed})
    assert response.status_code == 200, response.text
    (outcome,) = completed(client, db, store, settings, alice)
    assert [i["account_id"] for i in outcome["imported"]] == [henry.id, ivy.id]
    assert outcome["skipped"] == [
        {"acct": "https://elsewhere.example/users/ivan", "reason": import_actor.REMOTE}
    ]


def test_a_mastodon_following_export_uploaded_as_a_file_keeps_boosts_and_notify(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice = client.register("alice")
    bob, carol, dave = client.register("bob"), client.register("carol"), client.register("dave")
    export = (
        "Account address,Show boosts,Notify on new posts,Languages\r\n"
        f"bob@{DOMAIN},false,true,\r\n"
        f'carol@{DOMAIN},true,false,"en,de"\r\n'
        "zed@mastodon.example,true,false,\r\n"
        "dave,,,\r\n"
    )
    response = client.post(
        "/api/pleroma/follow_import",
        headers=alice.auth,
        files={"list": ("following_accounts.csv", export.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    (outcome,) = completed(client, db, store, settings, alice)
    assert [i["acct"] for i in outcome["imported"]] == ["bob", "carol", "dave"]
    assert outcome["skipped"] == [{"acct": "zed@mastodon.example", "reason": import_actor.REMOTE}]
    shown = relationships(client, alice, bob, carol, dave)
    assert (shown[bob.id]["showing_reblogs"], shown[bob.id]["notifying"]) == (False, True)
    assert (shown[carol.id]["showing_reblogs"], shown[carol.id]["notifying"]) == (True, False)
    assert (shown[dave.id]["showing_reblogs"], shown[dave.id]["notifying"]) == (True, False)


def test_a_list_sent_as_json_or_in_a_multipart_text_field_is_read_the_same(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    as_json = client.post("/api/pleroma/follow_import", headers=alice.auth, json={"list": "bob"})
    assert as_json.status_code == 200, as_json.text
    as_field = client.post(
        "/api/pleroma/follow_import", headers=alice.auth, files={"list": (None, "@carol")}
    )
    assert as_field.status_code == 200, as_field.text
    eventually(lambda: len(imports_of(db, "ImportCompleted")) == 2)
    assert all(r["following"] for r in relationships(client, alice, bob, carol).values())


def test_following_an_already_followed_account_records_no_second_follow(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    assert client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth).status_code == 200
    response = client.post("/api/pleroma/follow_import", headers=alice.auth, data={"list": "bob"})
    assert response.status_code == 200
    (outcome,) = completed(client, db, store, settings, alice)
    assert outcome["imported"] == [{"acct": "bob", "account_id": bob.id}]
    follows = db.execute(
        "SELECT count(*) FROM tidings_events WHERE originator_id = %s AND topic LIKE '%%:Follow'",
        (follow_stream(alice.id, bob.id),),
    ).fetchone()
    assert follows == (1,)


def test_the_job_acts_once_when_the_scheduler_sends_it_twice(
    client: Client, clock: Clock, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice = client.register("alice")
    client.register("bob")
    response = client.post(
        "/api/pleroma/follow_import", headers=alice.auth, data={"list": "bob nobody"}
    )
    assert response.status_code == 200
    (requested,) = imports_of(db, "ImportRequested")
    eventually(lambda: imports_of(db, "ImportCompleted"))
    eventually(lambda: due_imports(db) == [])
    before = event_count(db)
    again = JobSystem(settings, store, clock, scheduler=False)
    try:
        again.perform(import_key(requested[0]), requested[1])  # a redelivered message
        again.run(RUN_IMPORT, {"import_id": requested[0]})  # the work itself, run again
    finally:
        again.stop()
    assert event_count(db) == before
    assert len(imports_of(db, "ImportCompleted")) == 1
    # The jobs read model rebuilt from the log agrees: no import is left due.
    assert verify(db, store, "jobs") == {"due_jobs": 0, "tracking": 0}


class CrashingTidings:
    """The write side, failing after ``survive`` commands: a worker dying halfway."""

    def __init__(self, tidings: Tidings, survive: int) -> None:
        self.tidings, self.left = tidings, survive

    def handle(self, command: object) -> int:
        if self.left == 0:
            raise RuntimeError("worker killed")
        self.left -= 1
        return self.tidings.handle(command)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tidings, name)


def _register(store: Tidings, username: str) -> str:
    account_id = new_id()
    store.handle(
        RegisterAccount(account_id=account_id, username=username, email=None, password_hash="x")
    )
    return account_id


def test_a_run_that_crashed_halfway_is_finished_by_the_next_without_acting_twice(
    store: Tidings, db: psycopg.Connection[Any], clock: Clock
) -> None:
    alice = _register(store, "alice")
    targets = [_register(store, name) for name in ("bob", "carol", "dave", "erin")]
    import_id = new_id()
    entries = [ImportEntry(acct=n) for n in ("bob", "carol", "ghost", "dave", "erin")]
    store.handle(
        RequestImport(import_id=import_id, account_id=alice, kind="follows", entries=entries)
    )
    crashing = JobContext(tidings=cast(Tidings, CrashingTidings(store, 2)), clock=clock.now)
    with pytest.raises(RuntimeError):
        import_actor.run_import(crashing, {"import_id": import_id})
    assert imports_of(db, "ImportCompleted") == []

    context = JobContext(tidings=store, clock=clock.now)
    import_actor.run_import(context, {"import_id": import_id})
    import_actor.run_import(context, {"import_id": import_id})  # and once more, for luck
    for target in targets:
        follows = db.execute(
            "SELECT count(*) FROM tidings_events WHERE originator_id = %s"
            " AND topic LIKE '%%:Follow'",
            (follow_stream(alice, target),),
        ).fetchone()
        assert follows == (1,), target
    (done,) = [
        e for e in store.stream_events(stream_id(import_id)) if isinstance(e, ImportCompleted)
    ]
    assert [i.account_id for i in done.imported or []] == targets
    assert [(s.acct, s.reason) for s in done.skipped or []] == [("ghost", import_actor.UNKNOWN)]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 422, "Validation failed: list is required"),
        ({"data": {"list": ""}}, 422, "The list names no account"),
        ({"data": {"list": " \n\t\n"}}, 422, "The list names no account"),
        ({"data": {"list": "!!! ???"}}, 422, "The list names no account"),
        (
            {"files": {"list": ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")}},
            422,
            "The list must be UTF-8 text",
        ),
        (
            {"files": {"list": ("x.bin", b"bob\x00\x01\x02carol", "application/octet-stream")}},
            422,
            "The list must be a text file, not binary data",
        ),
        (
            {"files": {"list": ("latin1.txt", "café\nbob".encode("latin-1"), "text/plain")}},
            422,
            "The list must be UTF-8 text",
        ),
        (
            {"data": {"list": "name,email\nbob,bob@example.org"}},
            422,
            "Row 1: Show boosts must be true or false",
        ),
        (
            {"data": {"list": "Account address,Hide notifications\nbob,true"}},
            422,
            "A follows list has no column 'Hide notifications'; its columns are"
            " Account address, Show boosts, Notify on new posts, Languages",
        ),
        (
            {"data": {"list": "Full name,Account address\nBob,bob"}},
            422,
            "Unexpected columns: a follows list's columns are"
            " Account address, Show boosts, Notify on new posts, Languages",
        ),
        (
            {"data": {"list": "Account address,Show boosts\nbob,true,false,,extra"}},
            422,
            "Row 2 has 5 columns, more than the header",
        ),
        (
            {"data": {"list": "\n".join(f"user{i}" for i in range(20_001))}},
            422,
            "The list names more than 20000 accounts",
        ),
        (
            {"files": {"list": ("big.txt", b"bob " * 300_000, "text/plain")}},
            413,
            "The list is larger than 1024 KB",
        ),
    ],
    ids=[
        "missing",
        "empty",
        "blank",
        "no-address",
        "png",
        "binary",
        "latin-1",
        "csv-not-an-export",
        "mutes-export",
        "unknown-first-column",
        "too-many-cells",
        "too-many-entries",
        "too-large",
    ],
)
def test_a_malformed_list_is_refused_and_nothing_is_written(
    client: Client, db: psycopg.Connection[Any], body: dict[str, Any], status: int, message: str
) -> None:
    alice = client.register("alice")
    client.register("bob")
    before = event_count(db)
    response = client.post("/api/pleroma/follow_import", headers=alice.auth, **body)
    assert response.status_code == status, response.text
    assert response.json() == {"error": message}
    assert event_count(db) == before
    assert due_imports(db) == []


def test_imports_need_a_signed_in_token_with_a_follows_scope(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    client.register("bob")
    app = new_app(client, scopes="read write:blocks follow")
    reader = password_token(client, app, "alice", alice.password, scope="read write:blocks")
    follow = password_token(client, app, "alice", alice.password, scope="follow")
    before = event_count(db)
    anonymous = client.post("/api/pleroma/follow_import", data={"list": "bob"})
    assert anonymous.status_code == 401
    refused = client.post(
        "/api/pleroma/follow_import",
        headers=bearer(reader["access_token"]),
        data={"list": "bob"},
    )
    assert refused.status_code == 403
    assert event_count(db) == before
    # Pleroma's older ``follow`` scope is enough, as it is for following one by one.
    allowed = client.post(
        "/api/pleroma/follow_import",
        headers=bearer(follow["access_token"]),
        data={"list": "bob"},
    )
    assert allowed.status_code == 200, allowed.text


def test_a_blocks_list_blocks_each_local_account(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    listed = f"bob\n@carol@{DOMAIN}\nzed@remote.example\n"
    response = client.post(
        "/api/pleroma/blocks_import",
        headers=alice.auth,
        files={"list": ("blocked_accounts.csv", listed.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    assert response.json() == "job started"
    (outcome,) = completed(client, db, store, settings, alice)
    assert [i["account_id"] for i in outcome["imported"]] == [bob.id, carol.id]
    assert outcome["skipped"] == [{"acct": "zed@remote.example", "reason": import_actor.REMOTE}]
    rows = db.execute("SELECT target_id FROM blocks.blocks WHERE account_id = %s", (alice.id,))
    assert sorted(r[0] for r in rows.fetchall()) == sorted([bob.id, carol.id])


def test_a_mastodon_mutes_export_keeps_hide_notifications(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    export = "Account address,Hide notifications\nbob,true\ncarol,false\nalice,true\n"
    response = client.post(
        "/api/pleroma/mutes_import",
        headers=alice.auth,
        files={"list": ("muted_accounts.csv", export.encode(), "text/csv")},
    )
    assert response.status_code == 200, response.text
    (outcome,) = completed(client, db, store, settings, alice)
    assert [i["account_id"] for i in outcome["imported"]] == [bob.id, carol.id]
    assert outcome["skipped"] == [{"acct": "alice", "reason": import_actor.YOURSELF}]
    rows = dict(
        db.execute(
            "SELECT target_id, notifications FROM blocks.mutes WHERE account_id = %s", (alice.id,)
        ).fetchall()
    )
    assert rows == {bob.id: True, carol.id: False}


def test_a_blocked_account_is_skipped_by_a_follow_import_with_the_domains_reason(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    client.register("carol")
    from tidings.domain.blocks.commands import BlockAccount  # only there once blocks are

    store.handle(BlockAccount(account_id=bob.id, target_id=alice.id))
    response = client.post(
        "/api/pleroma/follow_import", headers=alice.auth, data={"list": "bob carol"}
    )
    assert response.status_code == 200
    (outcome,) = completed(client, db, store, settings, alice)
    assert [i["acct"] for i in outcome["imported"]] == ["carol"]
    assert [s["acct"] for s in outcome["skipped"]] == ["bob"]
    assert outcome["skipped"][0]["reason"]  # the domain's own words
    assert not relationships(client, alice, bob)[bob.id]["following"]


def test_the_audit_history_shows_the_request_and_its_outcome(
    client: Client, db: psycopg.Connection[Any], store: Tidings, settings: Settings
) -> None:
    alice = client.register("alice")
    client.register("bob")
    client.post("/api/pleroma/follow_import", headers=alice.auth, data={"list": "bob ghost"})
    completed(client, db, store, settings, alice)
    history = account_history(db, store, "alice", settings.base_url) or []
    kinds = [a["type"] for a in history]
    assert kinds.index("ImportRequested") < kinds.index("Follow") < kinds.index("ImportCompleted")
    (requested,) = [a for a in history if a["type"] == "ImportRequested"]
    assert (requested["kind"], [e["acct"] for e in requested["entries"]]) == (
        "follows",
        ["bob", "ghost"],
    )
    assert json.dumps(history)  # plain JSON, as `tidings audit history` prints it
