"""OAuth 2 through HTTP: apps, every grant, revocation, scopes, and secrets kept out of storage."""

import re
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import psycopg
import pytest
from psycopg import sql

from tests.helpers import Client, User, event_count

OOB = "urn:ietf:wg:oauth:2.0:oob"
ME = "/api/v1/accounts/verify_credentials"
CALLBACK = "https://app.example/callback"


def new_app(
    client: Client, scopes: str = "read write follow push", redirect_uris: str = CALLBACK
) -> dict[str, Any]:
    created = client.post(
        "/api/v1/apps",
        data={"client_name": "Test app", "redirect_uris": redirect_uris, "scopes": scopes},
    )
    assert created.status_code == 200, created.text
    app: dict[str, Any] = created.json()
    return app


def token_request(client: Client, app: dict[str, Any], **fields: str) -> httpx.Response:
    return client.post(
        "/oauth/token",
        data={"client_id": app["client_id"], "client_secret": app["client_secret"], **fields},
    )


def password_token(
    client: Client, app: dict[str, Any], username: str, password: str, **extra: str
) -> dict[str, Any]:
    response = token_request(
        client, app, grant_type="password", username=username, password=password, **extra
    )
    assert response.status_code == 200, response.text
    token: dict[str, Any] = response.json()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def me(client: Client, token: str) -> httpx.Response:
    return client.get("/api/v1/accounts/verify_credentials", headers=bearer(token))


def authorize(
    client: Client, app: dict[str, Any], user: User, redirect_uri: str = CALLBACK, **extra: str
) -> httpx.Response:
    """Submits the HTML login form as a browser would."""
    return client.post(
        "/oauth/authorize",
        data={
            "client_id": app["client_id"],
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "read write",
            "username": user.username,
            "password": user.password,
            **extra,
        },
        follow_redirects=False,
    )


def code_from(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["code"][0]


# Apps


def test_an_app_can_be_created_from_any_body_encoding(client: Client) -> None:
    fields = {
        "client_name": "Pleroma-FE",
        "redirect_uris": f"{OOB}\n{CALLBACK}",
        "scopes": "read write follow",
        "website": "https://fe.example",
    }
    responses = [
        client.post("/api/v1/apps", data=fields),
        client.post("/api/v1/apps", json=fields),
        # Pleroma-FE sends multipart/form-data
        client.post("/api/v1/apps", files={k: (None, v) for k, v in fields.items()}),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        app = response.json()
        assert app["name"] == "Pleroma-FE"
        assert app["website"] == "https://fe.example"
        assert app["redirect_uris"] == [OOB, CALLBACK]
        assert app["redirect_uri"] == f"{OOB}\n{CALLBACK}"
        assert app["scopes"] == ["read", "write", "follow"]
        assert app["client_id"] and app["client_secret"] and app["id"]
        assert app["client_id"] != app["client_secret"]
        assert "vapid_key" in app
    assert len({r.json()["client_id"] for r in responses}) == 3


def test_an_incomplete_app_is_refused_and_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    cases: list[tuple[dict[str, Any], int]] = [
        ({"redirect_uris": OOB}, 422),
        ({"client_name": "", "redirect_uris": OOB}, 422),
        ({"client_name": "x" * 256, "redirect_uris": OOB}, 422),
        ({"client_name": "No uris"}, 422),
        ({"client_name": "Blank uris", "redirect_uris": " "}, 422),
        ({"client_name": "Bad uri", "redirect_uris": "not a uri"}, 422),
        ({"client_name": "Bad scope", "redirect_uris": OOB, "scopes": "read everything"}, 400),
        ({"client_name": ["a", "list"], "redirect_uris": OOB}, 422),
    ]
    before = event_count(db)
    for fields, status in cases:
        response = client.post("/api/v1/apps", json=fields)
        assert response.status_code == status, (fields, response.text)
        assert response.json()["error"]
    assert event_count(db) == before


def test_an_app_token_verifies_its_app(client: Client) -> None:
    app = new_app(client, scopes="read write")
    token = token_request(client, app, grant_type="client_credentials", scope="read")
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["scope"] == "read" and body["token_type"] == "Bearer" and body["id"]
    assert "me" not in body  # an app token belongs to no account
    verified = client.get("/api/v1/apps/verify_credentials", headers=bearer(body["access_token"]))
    assert verified.status_code == 200, verified.text
    assert verified.json()["name"] == "Test app"
    assert verified.json()["scopes"] == ["read", "write"]


def test_a_client_credentials_grant_cannot_widen_the_apps_scopes(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    app = new_app(client, scopes="read")
    before = event_count(db)
    response = token_request(client, app, grant_type="client_credentials", scope="read write")
    assert response.status_code == 400
    assert "error" in response.json()
    assert event_count(db) == before


def test_a_wrong_client_secret_is_refused(client: Client) -> None:
    app = new_app(client)
    response = client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": "guess",
        },
    )
    assert response.status_code == 401
    assert "invalid_client" in response.json()["error"]


# Password grant


def test_password_grant_signs_in_by_username_or_email(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    for login in ("alice", "alice@example.org", "ALICE", "Alice@Example.org"):
        token = password_token(client, app, login, alice.password, scope="read write")
        assert token["me"] == "http://testserver.local/users/alice"
        assert token["scope"] == "read write"
        assert token["token_type"] == "Bearer"
        assert token["id"] and token["refresh_token"] and isinstance(token["created_at"], int)
        assert me(client, token["access_token"]).json()["id"] == alice.id
    # Pleroma-FE sends multipart/form-data; generic OAuth libraries send the client as Basic.
    multipart = client.post(
        "/oauth/token",
        files={
            "grant_type": (None, "password"),
            "client_id": (None, app["client_id"]),
            "client_secret": (None, app["client_secret"]),
            "username": (None, "alice"),
            "password": (None, alice.password),
        },
    )
    assert multipart.status_code == 200, multipart.text
    assert multipart.headers["cache-control"] == "no-store"
    basic = client.post(
        "/oauth/token",
        auth=(app["client_id"], app["client_secret"]),
        data={"grant_type": "password", "username": "alice", "password": alice.password},
    )
    assert basic.status_code == 200, basic.text
    assert me(client, basic.json()["access_token"]).json()["id"] == alice.id


def test_wrong_password_and_unknown_user_get_the_same_answer_and_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    client.register("alice")
    app = new_app(client)
    before = event_count(db)
    wrong = token_request(
        client, app, grant_type="password", username="alice", password="wrong horse"
    )
    unknown = token_request(
        client, app, grant_type="password", username="nobody", password="wrong horse"
    )
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]  # Pleroma-FE shows this field to the person signing in
    assert event_count(db) == before


def test_unsupported_grant_is_refused(client: Client) -> None:
    app = new_app(client)
    response = token_request(client, app, grant_type="implicit")
    assert response.status_code == 400
    assert "unsupported_grant_type" in response.json()["error"]


# Authorization code with the HTML login form


def test_the_authorization_code_flow_works_through_the_login_form(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    page = client.get(
        "/oauth/authorize",
        params={
            "client_id": app["client_id"],
            "redirect_uri": CALLBACK,
            "response_type": "code",
            "scope": "read write",
            "state": "xyz<>",
        },
    )
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["x-frame-options"] == "DENY"  # no clickjacking of the password form
    assert '<form method="post" action="/oauth/authorize">' in page.text
    assert 'name="password"' in page.text
    assert f'value="{app["client_id"]}"' in page.text
    assert "xyz&lt;&gt;" in page.text  # the state round-trips, escaped

    answer = authorize(client, app, alice, state="xyz<>")
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query)["state"] == ["xyz<>"]
    code = code_from(answer)

    token = token_request(
        client, app, grant_type="authorization_code", code=code, redirect_uri=CALLBACK
    )
    assert token.status_code == 200, token.text
    body = token.json()
    assert body["scope"] == "read write"
    assert body["me"] == "http://testserver.local/users/alice"
    assert me(client, body["access_token"]).json()["id"] == alice.id

    again = token_request(client, app, grant_type="authorization_code", code=code)
    assert again.status_code == 400
    assert "invalid_grant" in again.json()["error"]


def test_pleromas_nested_authorization_form_is_accepted(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    answer = client.post(
        "/oauth/authorize",
        data={
            "authorization[client_id]": app["client_id"],
            "authorization[redirect_uri]": CALLBACK,
            "authorization[scope]": "read",
            "authorization[name]": alice.username,
            "authorization[username]": alice.username,
            "authorization[password]": alice.password,
        },
        follow_redirects=False,
    )
    assert code_from(answer)


def test_the_oob_redirect_shows_the_code(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client, redirect_uris=OOB)
    answer = authorize(client, app, alice, redirect_uri=OOB)
    assert answer.status_code == 200
    found = re.search(r'<pre id="code">([^<]+)</pre>', answer.text)
    assert found is not None
    token = token_request(client, app, grant_type="authorization_code", code=found.group(1))
    assert token.status_code == 200, token.text


def test_a_wrong_password_on_the_form_rerenders_it_with_401_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    app = new_app(client)
    before = event_count(db)
    answer = authorize(client, app, alice, password="not it")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert "Invalid username or password" in answer.text
    assert 'name="password"' in answer.text
    assert "not it" not in answer.text  # the password is never echoed back
    assert event_count(db) == before


def test_the_form_refuses_an_unregistered_redirect_uri(client: Client) -> None:
    app = new_app(client)
    page = client.get(
        "/oauth/authorize",
        params={"client_id": app["client_id"], "redirect_uri": "https://evil.example/"},
    )
    assert page.status_code == 400
    assert "redirect_uri" in page.json()["error"]


def test_a_code_issued_to_another_client_is_refused(client: Client) -> None:
    alice = client.register("alice")
    app, other = new_app(client), new_app(client)
    code = code_from(authorize(client, app, alice))
    stolen = token_request(client, other, grant_type="authorization_code", code=code)
    assert stolen.status_code == 400
    assert "invalid_grant" in stolen.json()["error"]
    # the rightful client can still redeem it
    assert token_request(client, app, grant_type="authorization_code", code=code).status_code == 200


def test_an_expired_code_is_refused(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from tidings.api import oauth

    alice = client.register("alice")
    app = new_app(client)
    monkeypatch.setattr(oauth, "CODE_LIFETIME", timedelta(seconds=-1))
    code = code_from(authorize(client, app, alice))
    response = token_request(client, app, grant_type="authorization_code", code=code)
    assert response.status_code == 400
    assert "invalid_grant" in response.json()["error"]


# Refresh and revoke


def test_a_refresh_token_replaces_the_access_token(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    first = password_token(client, app, "alice", alice.password, scope="read")
    refreshed = token_request(
        client, app, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert refreshed.status_code == 200, refreshed.text
    second = refreshed.json()
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == "read"
    assert second["me"] == first["me"]
    assert me(client, second["access_token"]).status_code == 200
    assert me(client, first["access_token"]).status_code == 401
    replay = token_request(
        client, app, grant_type="refresh_token", refresh_token=first["refresh_token"]
    )
    assert replay.status_code == 400


def test_a_refresh_token_used_twice_at_once_yields_one_token(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    app = new_app(client)
    refresh = password_token(client, app, "alice", alice.password)["refresh_token"]
    barrier = threading.Barrier(3)
    answers: list[httpx.Response] = []

    def use() -> None:
        barrier.wait()
        answers.append(
            token_request(client, app, grant_type="refresh_token", refresh_token=refresh)
        )

    threads = [threading.Thread(target=use) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 400, 400]
    assert all("invalid_grant" in a.json()["error"] for a in answers if a.status_code == 400)
    live = db.execute(
        "SELECT count(*) FROM oauth.oauth_tokens WHERE account_id = %s", (alice.id,)
    ).fetchone()
    assert live == (2,)  # the registration's token and the one refreshed token


def test_a_revoked_token_stops_working(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    issued = password_token(client, app, "alice", alice.password)
    token = issued["access_token"]
    revoked = client.post(
        "/oauth/revoke",
        data={"client_id": app["client_id"], "client_secret": app["client_secret"], "token": token},
    )
    assert revoked.status_code == 200
    assert revoked.json() == {}
    gone = me(client, token)
    assert gone.status_code == 401
    assert gone.json()["error"]
    refreshed = token_request(
        client, app, grant_type="refresh_token", refresh_token=issued["refresh_token"]
    )
    assert refreshed.status_code == 400  # its refresh token went with it


def test_revoking_an_unknown_token_answers_200_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    app = new_app(client)
    before = event_count(db)
    response = client.post(
        "/oauth/revoke",
        data={
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "token": "never-issued",
        },
    )
    assert response.status_code == 200  # RFC 7009: an invalid token is not an error
    assert response.json() == {}
    assert event_count(db) == before


def test_another_client_cannot_revoke_a_token(client: Client) -> None:
    alice = client.register("alice")
    app, other = new_app(client), new_app(client)
    token = password_token(client, app, "alice", alice.password)["access_token"]
    response = client.post(
        "/oauth/revoke",
        data={
            "client_id": other["client_id"],
            "client_secret": other["client_secret"],
            "token": token,
        },
    )
    assert response.status_code == 200
    assert me(client, token).status_code == 200


# Scopes


def test_a_read_only_token_cannot_update_credentials(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    token = password_token(client, new_app(client), "alice", alice.password, scope="read")
    before = event_count(db)
    response = client.patch(
        "/api/v1/accounts/update_credentials",
        headers=bearer(token["access_token"]),
        data={"display_name": "Nope"},
    )
    assert response.status_code == 403
    assert response.json()["error"]
    assert event_count(db) == before


def test_a_fine_scope_covers_only_itself(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    app = new_app(client, scopes="read write follow profile")

    def token(scope: str) -> dict[str, str]:
        return bearer(
            password_token(client, app, "alice", alice.password, scope=scope)["access_token"]
        )

    follow = f"/api/v1/accounts/{bob.id}/follow"
    assert client.get(ME, headers=token("read:statuses")).status_code == 403
    assert client.get(ME, headers=token("read:accounts")).status_code == 200
    profile = token("profile")  # Mastodon 4.3: only who you are
    assert client.get(ME, headers=profile).status_code == 200
    assert client.get("/api/v1/accounts/relationships", headers=profile).status_code == 403
    assert client.post(follow, headers=token("read")).status_code == 403
    # write:follows, write, and the older follow scope all allow following
    for scope in ("write:follows", "write", "follow"):
        assert client.post(follow, headers=token(scope)).status_code == 200, scope


def test_an_app_token_cannot_act_as_an_account(client: Client) -> None:
    response = me(client, client.app()["token"])
    assert response.status_code in (401, 403)
    assert response.json()["error"]


def test_a_missing_or_invalid_token_is_a_401_json_error(client: Client) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic Zm9vOmJhcg=="},
    ):
        response = client.get("/api/v1/accounts/verify_credentials", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["error"]
    bad_query = client.get("/api/v1/accounts/search", params={"q": "a", "access_token": "nope"})
    assert bad_query.status_code == 401


def test_a_token_in_the_query_string_works(client: Client) -> None:
    alice = client.register("alice")
    response = client.get(
        "/api/v1/accounts/verify_credentials", params={"access_token": alice.token}
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == alice.id


# Storage


def _readable_storage(db: psycopg.Connection[Any]) -> str:
    """Every event payload and every row of every table, as text."""
    chunks = [
        row[0]
        for row in db.execute(
            "SELECT topic || ' ' || convert_from(state, 'UTF8') FROM tidings_events"
        ).fetchall()
    ]
    tables = db.execute(
        "SELECT table_schema, table_name FROM information_schema.tables"
        " WHERE table_type = 'BASE TABLE'"
        " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
    ).fetchall()
    for schema, table in tables:
        query = sql.SQL("SELECT t::text FROM {}.{} t").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        chunks.extend(row[0] for row in db.execute(query).fetchall())
    return "\n".join(chunks)


def test_secrets_are_never_stored_in_clear(client: Client, db: psycopg.Connection[Any]) -> None:
    password = "a very particular password"
    alice = client.register("alice", password=password)
    app = new_app(client)
    client_credentials = token_request(client, app, grant_type="client_credentials").json()
    by_password = password_token(client, app, "alice", password)
    refreshed = token_request(
        client, app, grant_type="refresh_token", refresh_token=by_password["refresh_token"]
    ).json()
    redeemed_code = code_from(authorize(client, app, alice))
    by_code = token_request(client, app, grant_type="authorization_code", code=redeemed_code).json()
    pending_code = code_from(authorize(client, app, alice))  # issued, never redeemed

    secrets = {
        "password": password,
        "client secret": app["client_secret"],
        "app token": client_credentials["access_token"],
        "registration token": alice.token,
        "password token": by_password["access_token"],
        "refresh token": by_password["refresh_token"],
        "refreshed token": refreshed["access_token"],
        "refreshed refresh token": refreshed["refresh_token"],
        "code token": by_code["access_token"],
        "redeemed code": redeemed_code,
        "pending code": pending_code,
    }
    stored = _readable_storage(db)
    assert "TokenIssued" in stored and "CodeIssued" in stored  # the dump really has them
    leaked = [name for name, secret in secrets.items() if secret in stored]
    assert leaked == []

    hashes = db.execute("SELECT password_hash FROM accounts.credentials").fetchall()
    assert hashes and all(row[0].startswith("$argon2id$") for row in hashes)
    registered = db.execute(
        "SELECT convert_from(state, 'UTF8') FROM tidings_events WHERE topic LIKE '%:Registered'"
    ).fetchall()
    assert registered and all('"password_hash":"$argon2id$' in row[0] for row in registered)
