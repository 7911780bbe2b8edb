"""Accounts through HTTP: registration, the Account entity with Pleroma's fields,
update_credentials with every extra, lookups, search, relationships and rate limits."""

import dataclasses
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest
import redis
import uvicorn
from litestar.testing import TestClient

from tests.helpers import Client, event_count
from tidings.api.settings import RateLimit, Settings, parse_rate_limits
from tidings.workers.app import build_app

UPDATE = "/api/v1/accounts/update_credentials"
ME = "/api/v1/accounts/verify_credentials"


def registration(client: Client, **fields: Any) -> httpx.Response:
    """POST /api/v1/accounts with the client's app token, as Mastodon.py sends it."""
    values = {
        "username": "alice",
        "email": "alice@example.org",
        "password": "correct horse",
        "agreement": "1",
        "locale": "en",
        **fields,
    }
    return client.post(
        "/api/v1/accounts",
        headers={"Authorization": f"Bearer {client.app()['token']}"},
        data={k: v for k, v in values.items() if v is not None},
    )


def other_app(settings: Settings) -> Iterator[Client]:
    with TestClient(app=build_app(settings), base_url="http://testserver.local") as http:
        yield Client(http)


def clear_rate_limits(settings: Settings) -> None:
    assert settings.redis_url is not None
    conn = redis.Redis.from_url(settings.redis_url)
    for key in conn.scan_iter("tidings:ratelimit:register:*"):
        conn.delete(key)
    conn.close()


# Registration


def test_registration_answers_a_token_for_the_new_account(client: Client) -> None:
    response = registration(
        client, fullname="Alice Liddell", bio="Down the\nrabbit hole", language="fr"
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["me"] == "http://testserver.local/users/alice"
    assert token["scope"] == "read write follow push"
    assert token["token_type"] == "Bearer" and token["id"]
    account = client.get(ME, headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    assert account["username"] == account["acct"] == "alice"
    assert account["display_name"] == "Alice Liddell"
    assert account["note"] == "<p>Down the<br/>rabbit hole</p>"
    assert account["source"]["note"] == "Down the\nrabbit hole"
    assert account["source"]["language"] == "fr"


def test_a_taken_username_in_any_case_or_a_taken_email_is_refused_and_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    assert registration(client).status_code == 200
    before = event_count(db)
    for fields in (
        {"username": "ALICE", "email": "other@example.org"},
        {"username": "alice2", "email": "Alice@Example.ORG"},
    ):
        response = registration(client, **fields)
        assert response.status_code == 422, response.text
        assert "taken" in response.json()["error"]
    assert event_count(db) == before


def test_invalid_registrations_are_refused_and_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    client.app()
    before = event_count(db)
    for fields in (
        {"username": "al ice"},
        {"username": "alice!"},
        {"username": "élise"},
        {"username": ""},
        {"username": "a" * 31},
        {"agreement": None},
        {"agreement": "0"},
        {"agreement": "maybe"},
        {"fullname": "x" * 101},
        {"bio": "x" * 5001},
        {"email": "not-an-email"},
        {"password": ""},
        {"password": None},
    ):
        response = registration(client, **fields)
        assert response.status_code == 422, (fields, response.text)
        assert response.json()["error"]
    assert event_count(db) == before
    assert registration(client, username="a" * 30).status_code == 200


def test_registration_needs_an_app_token(client: Client, db: psycopg.Connection[Any]) -> None:
    before = event_count(db)
    response = client.post(
        "/api/v1/accounts",
        data={"username": "alice", "password": "x", "agreement": "1", "email": "a@b.example"},
    )
    assert response.status_code == 401
    assert event_count(db) == before


def test_closed_registrations_are_refused(settings: Settings, db: psycopg.Connection[Any]) -> None:
    for client in other_app(dataclasses.replace(settings, registrations_open=False)):
        client.app()
        before = event_count(db)
        modern = registration(client)
        assert modern.status_code == 403
        assert modern.json()["error"]
        legacy = client.post(
            "/api/account/register",
            data={"nickname": "bob", "password": "pw", "confirm": "pw", "email": "b@b.example"},
        )
        assert legacy.status_code == 403
        assert event_count(db) == before


def test_the_legacy_registration_endpoint_works(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    before = event_count(db)
    mismatch = client.post(
        "/api/account/register",
        data={"nickname": "bob", "password": "secret one", "confirm": "secret two"},
    )
    assert mismatch.status_code == 422
    assert mismatch.json()["error"]
    assert event_count(db) == before

    created = client.post(
        "/api/account/register",
        data={
            "nickname": "bob",
            "password": "secret one",
            "confirm": "secret one",
            "email": "bob@example.org",
            "fullname": "Bob",
            "bio": "hi",
        },
    )
    assert created.status_code == 200, created.text
    assert created.json()["username"] == "bob"
    assert created.json()["display_name"] == "Bob"
    app = client.app()
    signed_in = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": "bob@example.org",
            "password": "secret one",
        },
    )
    assert signed_in.status_code == 200, signed_in.text


def test_concurrent_registrations_of_one_username_let_exactly_one_through(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    client.app()
    barrier = threading.Barrier(4)
    statuses: list[int] = []

    def attempt(n: int) -> None:
        barrier.wait()
        response = registration(client, username="Racer" if n % 2 else "racer", email=f"{n}@x.org")
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 422, 422, 422]
    rows = db.execute(
        "SELECT count(*) FROM accounts.accounts WHERE lower(username) = 'racer'"
    ).fetchone()
    assert rows == (1,)


def test_registrations_beyond_the_limit_get_429(
    settings: Settings, db: psycopg.Connection[Any]
) -> None:
    limited = dataclasses.replace(settings, rate_limits={"register": RateLimit(2, 60)})
    clear_rate_limits(settings)
    try:
        for client in other_app(limited):
            for n in range(2):
                assert registration(client, username=f"u{n}", email=f"{n}@x.org").status_code == 200
            before = event_count(db)
            throttled = registration(client, username="u3", email="3@x.org")
            assert throttled.status_code == 429
            assert throttled.json()["error"]
            assert int(throttled.headers["retry-after"]) > 0
            legacy = client.post("/api/account/register", data={"nickname": "u4", "password": "p"})
            assert legacy.status_code == 429
            assert event_count(db) == before
    finally:
        clear_rate_limits(settings)


def test_with_rate_limits_off_nothing_is_throttled(settings: Settings) -> None:
    assert parse_rate_limits("off") == {}
    unlimited = dataclasses.replace(settings, rate_limits=parse_rate_limits("OFF"))
    for client in other_app(unlimited):
        for n in range(7):  # more than the default limit of 5 per address
            response = registration(client, username=f"u{n}", email=f"{n}@x.org")
            assert response.status_code == 200, response.text


# The Account entity


def test_verify_credentials_shows_pleromas_fields_and_source(client: Client) -> None:
    alice = client.register("alice")
    account = client.get(ME, headers=alice.auth).json()
    assert account["id"] == alice.id
    assert account["fqn"] == "alice@testserver.local"
    assert account["url"] == account["uri"] == "http://testserver.local/users/alice"
    for key in ("avatar", "avatar_static", "header", "header_static"):
        assert account[key].startswith("http://testserver.local/")
    assert account["emojis"] == [] and account["fields"] == []
    assert account["locked"] is False and account["bot"] is False and account["group"] is False
    pleroma = account["pleroma"]
    assert pleroma["ap_id"] == "http://testserver.local/users/alice"
    assert pleroma["background_image"] is None
    assert pleroma["tags"] == []
    assert pleroma["relationship"] == {}
    assert pleroma["is_admin"] is False and pleroma["is_moderator"] is False
    assert pleroma["confirmation_pending"] is False
    for key in (
        "hide_favorites",
        "hide_followers",
        "hide_follows",
        "hide_followers_count",
        "hide_follows_count",
        "deactivated",
        "allow_following_move",
        "accepts_chat_messages",
        "skip_thread_containment",
    ):
        assert isinstance(pleroma[key], bool), key
    assert pleroma["hide_favorites"] is True and pleroma["deactivated"] is False
    assert pleroma["settings_store"] == {}
    assert pleroma["unread_conversation_count"] == 0
    assert pleroma["unread_notifications_count"] == 0
    assert pleroma["notification_settings"] == {
        "block_from_strangers": False,
        "hide_notification_contents": False,
    }
    assert "favicon" in pleroma and pleroma["favicon"] is None
    source = account["source"]
    assert source["privacy"] == "public" and source["sensitive"] is False
    assert source["note"] == "" and source["fields"] == []
    assert source["pleroma"] == {
        "show_role": True,
        "no_rich_text": False,
        "discoverable": False,
        "actor_type": "Person",
    }


def test_others_do_not_see_owner_only_fields(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    client.patch(
        UPDATE, headers=alice.auth, json={"pleroma_settings_store": {"pleroma_fe": {"x": 1}}}
    )
    for headers in (bob.auth, {}):
        seen = client.get(f"/api/v1/accounts/{alice.id}", headers=headers).json()
        assert seen["id"] == alice.id
        assert "source" not in seen
        for private in (
            "settings_store",
            "unread_conversation_count",
            "unread_notifications_count",
            "notification_settings",
        ):
            assert private not in seen["pleroma"], private
        assert seen["pleroma"]["ap_id"] == "http://testserver.local/users/alice"
    own = client.get(f"/api/v1/accounts/{alice.id}", headers=alice.auth).json()
    assert own["pleroma"]["settings_store"] == {"pleroma_fe": {"x": 1}}


# update_credentials


def test_update_credentials_as_mastodon_py_sends_it(client: Client) -> None:
    """Form-encoded, booleans as 1/0, fields as fields_attributes[i][name]."""
    alice = client.register("alice")
    response = client.patch(
        UPDATE,
        headers=alice.auth,
        data={
            "display_name": "Alice <3",
            "note": "Hello & welcome",
            "locked": "1",
            "bot": "0",
            "discoverable": "1",
            "fields_attributes[1][name]": "Second",
            "fields_attributes[1][value]": "two",
            "fields_attributes[0][name]": "First",
            "fields_attributes[0][value]": "<b>one</b>",
            "fields_attributes[10][name]": "Third",
            "fields_attributes[10][value]": "three",
            "source[privacy]": "unlisted",
            "source[sensitive]": "1",
            "source[language]": "de",
        },
    )
    assert response.status_code == 200, response.text
    account = response.json()
    assert account["display_name"] == "Alice <3"
    assert account["note"] == "<p>Hello &amp; welcome</p>"
    assert account["locked"] is True and account["bot"] is False
    assert account["discoverable"] is True
    assert account["source"]["pleroma"]["discoverable"] is True
    assert [f["name"] for f in account["fields"]] == ["First", "Second", "Third"]
    assert account["fields"][0]["value"] == "&lt;b&gt;one&lt;/b&gt;"
    assert account["source"]["fields"][0] == {
        "name": "First",
        "value": "<b>one</b>",
        "verified_at": None,
    }
    assert account["source"]["note"] == "Hello & welcome"
    assert account["source"]["privacy"] == "unlisted"
    assert account["source"]["sensitive"] is True
    assert account["source"]["language"] == "de"

    cleared = client.patch(UPDATE, headers=alice.auth, data={"source[sensitive]": "0"}).json()
    assert cleared["source"]["sensitive"] is False
    assert cleared["source"]["privacy"] == "unlisted"  # untouched keys keep their value
    assert cleared["display_name"] == "Alice <3"


def test_update_credentials_accepts_json_and_multipart(client: Client) -> None:
    alice = client.register("alice")
    as_json = client.patch(
        UPDATE,
        headers=alice.auth,
        json={
            "display_name": "JSON Alice",
            "locked": True,
            "fields_attributes": [{"name": "web", "value": "https://a.example"}],
            "source": {"privacy": "private", "sensitive": True},
        },
    )
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["display_name"] == "JSON Alice"
    assert as_json.json()["fields"][0]["name"] == "web"
    assert as_json.json()["source"]["privacy"] == "private"

    # Pleroma-FE sends multipart/form-data, booleans as true/false
    multipart = client.patch(
        UPDATE,
        headers=alice.auth,
        files={
            "display_name": (None, "Multipart Alice"),
            "locked": (None, "false"),
            "hide_follows": (None, "true"),
            "fields_attributes[0][name]": (None, "pronouns"),
            "fields_attributes[0][value]": (None, "she/her"),
            "pleroma_settings_store": (None, json.dumps({"pleroma_fe": {"theme": "dark"}})),
        },
    )
    assert multipart.status_code == 200, multipart.text
    account = multipart.json()
    assert account["display_name"] == "Multipart Alice"
    assert account["locked"] is False
    assert account["pleroma"]["hide_follows"] is True
    assert account["fields"] == [{"name": "pronouns", "value": "she/her", "verified_at": None}]
    assert account["pleroma"]["settings_store"] == {"pleroma_fe": {"theme": "dark"}}


def test_every_pleroma_extra_is_stored_and_shown(client: Client) -> None:
    alice = client.register("alice")
    aliases = ["https://old.example/users/alice"]
    response = client.patch(
        UPDATE,
        headers=alice.auth,
        json={
            "no_rich_text": True,
            "hide_followers": True,
            "hide_follows": True,
            "hide_followers_count": True,
            "hide_follows_count": True,
            "hide_favorites": False,
            "show_role": False,
            "default_scope": "private",
            "skip_thread_containment": True,
            "allow_following_move": False,
            "also_known_as": aliases,
            "discoverable": True,
            "actor_type": "Service",
            "accepts_chat_messages": False,
            "language": "pt-BR",
        },
    )
    assert response.status_code == 200, response.text
    for account in (response.json(), client.get(ME, headers=alice.auth).json()):
        pleroma, source = account["pleroma"], account["source"]
        assert pleroma["hide_followers"] is True and pleroma["hide_follows"] is True
        assert pleroma["hide_followers_count"] is True and pleroma["hide_follows_count"] is True
        assert pleroma["hide_favorites"] is False
        assert pleroma["skip_thread_containment"] is True
        assert pleroma["allow_following_move"] is False
        assert pleroma["also_known_as"] == aliases
        assert pleroma["accepts_chat_messages"] is False
        assert source["pleroma"] == {
            "show_role": False,
            "no_rich_text": True,
            "discoverable": True,
            "actor_type": "Service",
        }
        assert source["privacy"] == "private"
        assert source["language"] == "pt-BR"
        assert account["bot"] is True  # a Service actor is a bot
        assert account["discoverable"] is True

    grouped = client.patch(UPDATE, headers=alice.auth, data={"actor_type": "Group"}).json()
    assert grouped["group"] is True and grouped["bot"] is False
    person = client.patch(UPDATE, headers=alice.auth, data={"bot": "1"}).json()
    assert person["bot"] is True and person["source"]["pleroma"]["actor_type"] == "Service"


def test_hidden_counts_and_roles_are_hidden_from_others(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    client.patch(
        UPDATE,
        headers=alice.auth,
        data={"hide_followers_count": "true", "hide_follows_count": "true", "show_role": "0"},
    )
    own = client.get(ME, headers=alice.auth).json()
    assert own["followers_count"] == 1
    seen = client.get(f"/api/v1/accounts/{alice.id}", headers=bob.auth).json()
    assert seen["followers_count"] == 0 and seen["following_count"] == 0
    assert seen["pleroma"]["hide_followers_count"] is True
    assert seen["pleroma"]["is_admin"] is None and seen["pleroma"]["is_moderator"] is None
    assert own["pleroma"]["is_admin"] is False  # the owner always sees their own role


def test_settings_store_merges_per_frontend(client: Client) -> None:
    alice = client.register("alice")
    client.patch(
        UPDATE, headers=alice.auth, json={"pleroma_settings_store": {"other_fe": {"a": 1}}}
    )
    client.patch(
        UPDATE, headers=alice.auth, json={"pleroma_settings_store": {"pleroma_fe": {"b": 2}}}
    )
    replaced = client.patch(
        UPDATE,
        headers=alice.auth,
        data={"pleroma_settings_store[pleroma_fe][c]": "3"},
    ).json()
    assert replaced["pleroma"]["settings_store"] == {"other_fe": {"a": 1}, "pleroma_fe": {"c": "3"}}
    assert client.get(ME, headers=alice.auth).json()["pleroma"]["settings_store"] == {
        "other_fe": {"a": 1},
        "pleroma_fe": {"c": "3"},
    }


def test_bad_updates_are_refused_and_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    json_cases: list[dict[str, Any]] = [
        {"display_name": ["not", "text"]},
        {"locked": "maybe"},
        {"bot": {"a": 1}},
        {"hide_followers": "perhaps"},
        {"display_name": "x" * 101},
        {"note": "x" * 5001},
        {"fields_attributes": [{"name": f"f{i}", "value": "v"} for i in range(11)]},
        {"fields_attributes": [{"name": "x" * 256, "value": "v"}]},
        {"fields_attributes": "not fields"},
        {"source": {"privacy": "everyone"}},
        {"source": {"sensitive": "very"}},
        {"source": "public"},
        {"default_scope": "friends"},
        {"actor_type": "Robot"},
        {"actor_type": "Application"},
        {"also_known_as": "https://a.example/users/x"},
        {"also_known_as": ["not a url"]},
        {"pleroma_settings_store": ["not", "a", "map"]},
        {"language": "x" * 100},
    ]
    for case in json_cases:
        response = client.patch(UPDATE, headers=alice.auth, json=case)
        assert response.status_code == 422, (case, response.text)
        assert response.json()["error"]
    form_cases: list[dict[str, str]] = [
        {"locked": "yes please"},
        {"pleroma_settings_store": "{not json"},
        {"source[sensitive]": "dunno"},
    ]
    for form in form_cases:
        response = client.patch(UPDATE, headers=alice.auth, data=form)
        assert response.status_code == 422, (form, response.text)
    for name in ("avatar", "header", "pleroma_background_image"):
        upload = client.patch(
            UPDATE, headers=alice.auth, files={name: ("a.png", b"\x89PNG\r\n", "image/png")}
        )
        assert upload.status_code == 422, (name, upload.text)
        assert "not supported yet" in upload.json()["error"]
    assert event_count(db) == before
    assert client.get(ME, headers=alice.auth).json()["display_name"] == "alice"


def test_an_empty_image_resets_to_the_default(client: Client) -> None:
    alice = client.register("alice")
    response = client.patch(
        UPDATE,
        headers=alice.auth,
        files={
            "avatar": (None, ""),
            "header": (None, ""),
            "pleroma_background_image": (None, ""),
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["avatar"] == "http://testserver.local/images/avi.png"
    assert response.json()["pleroma"]["background_image"] is None


def test_an_update_is_visible_at_once_to_its_author_and_to_others(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    response = client.patch(UPDATE, headers=alice.auth, data={"display_name": "Fresh"})
    assert response.json()["display_name"] == "Fresh"
    seen = client.get(f"/api/v1/accounts/{alice.id}", headers=bob.auth)
    assert seen.json()["display_name"] == "Fresh"


# Reading accounts


def test_an_account_is_found_by_id_or_nickname(client: Client) -> None:
    alice = client.register("alice")
    by_id = client.get(f"/api/v1/accounts/{alice.id}")
    by_name = client.get("/api/v1/accounts/alice")
    by_at = client.get("/api/v1/accounts/@Alice")
    assert by_id.status_code == by_name.status_code == by_at.status_code == 200
    assert by_id.json()["id"] == by_name.json()["id"] == by_at.json()["id"] == alice.id
    for missing in ("nobody", "000000000000000000", "no.such!thing"):
        response = client.get(f"/api/v1/accounts/{missing}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_with_relationships_adds_the_viewers_relationship(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    followed = client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    assert followed.status_code == 200, followed.text
    seen = client.get(
        f"/api/v1/accounts/{alice.id}", params={"with_relationships": "true"}, headers=bob.auth
    ).json()
    relationship = seen["pleroma"]["relationship"]
    assert relationship["id"] == alice.id
    assert relationship["following"] is True and relationship["followed_by"] is False
    assert {"subscribing", "notifying", "note", "requested", "blocking"} <= set(relationship)
    plain = client.get(f"/api/v1/accounts/{alice.id}", headers=bob.auth).json()
    assert plain["pleroma"]["relationship"] == {}
    anonymous = client.get(f"/api/v1/accounts/{alice.id}", params={"with_relationships": "1"})
    assert anonymous.json()["pleroma"]["relationship"] == {}


def test_lookup_finds_local_accounts_by_acct(client: Client) -> None:
    alice = client.register("alice")
    for acct in ("alice", "@alice", "alice@testserver.local", "ALICE@testserver.local"):
        response = client.get("/api/v1/accounts/lookup", params={"acct": acct})
        assert response.status_code == 200, (acct, response.text)
        assert response.json()["id"] == alice.id
    for acct in ("alice@elsewhere.example", "nobody"):
        assert client.get("/api/v1/accounts/lookup", params={"acct": acct}).status_code == 404
    missing = client.get("/api/v1/accounts/lookup")
    assert missing.status_code == 422
    assert missing.json()["error"]


def test_search_needs_no_token_and_matches_prefixes(client: Client) -> None:
    alice = client.register("alice")
    alina = client.register("alina")
    client.register("bob")
    client.patch(UPDATE, headers=alina.auth, data={"display_name": "Zed"})
    found = client.get("/api/v1/accounts/search", params={"q": "ali"})
    assert found.status_code == 200, found.text
    assert [a["username"] for a in found.json()] == ["alice", "alina"]
    assert [a["id"] for a in client.get("/api/v1/accounts/search?q=@ALICE").json()] == [alice.id]
    assert client.get("/api/v1/accounts/search?q=alice@testserver.local").json()[0]["id"] == (
        alice.id
    )
    assert [a["username"] for a in client.get("/api/v1/accounts/search?q=zed").json()] == ["alina"]
    assert client.get("/api/v1/accounts/search?q=lice").json() == []
    assert client.get("/api/v1/accounts/search?q=%25").json() == []  # LIKE wildcards are literal
    first = client.get("/api/v1/accounts/search", params={"q": "ali", "limit": 1}).json()
    second = client.get(
        "/api/v1/accounts/search", params={"q": "ali", "limit": 1, "offset": 1}
    ).json()
    assert [a["username"] for a in first + second] == ["alice", "alina"]
    bad = client.get("/api/v1/accounts/search", params={"q": "ali", "limit": "many"})
    assert bad.status_code == 422


def test_search_following_only_lists_followed_accounts(client: Client) -> None:
    alice, alina, bob = client.register("alice"), client.register("alina"), client.register("bob")
    client.post(f"/api/v1/accounts/{alina.id}/follow", headers=bob.auth)
    found = client.get(
        "/api/v1/accounts/search", params={"q": "ali", "following": "true"}, headers=bob.auth
    )
    assert [a["id"] for a in found.json()] == [alina.id]
    paged = client.get(
        "/api/v1/accounts/search",
        params={"q": "ali", "following": "1", "limit": 1},
        headers=bob.auth,
    )
    assert [a["id"] for a in paged.json()] == [alina.id]  # filtered before the limit
    assert alice.id not in [a["id"] for a in paged.json()]
    anonymous = client.get("/api/v1/accounts/search", params={"q": "ali", "following": "true"})
    assert anonymous.status_code == 401


def test_relationships_accepts_id_arrays(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    client.post(f"/api/v1/accounts/{alice.id}/follow", headers=bob.auth)
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=carol.auth)
    response = client.get(
        f"/api/v1/accounts/relationships?id[]={alice.id}&id[]={carol.id}&id[]=unknown",
        headers=bob.auth,
    )
    assert response.status_code == 200, response.text
    relationships = response.json()
    assert [r["id"] for r in relationships] == [alice.id, carol.id]
    assert relationships[0]["following"] is True and relationships[0]["followed_by"] is False
    assert relationships[1]["following"] is False and relationships[1]["followed_by"] is True
    single = client.get(f"/api/v1/accounts/relationships?id={alice.id}", headers=bob.auth).json()
    assert [r["id"] for r in single] == [alice.id]
    assert (
        client.get("/api/v1/accounts/relationships", params={"id[]": alice.id}).status_code == 401
    )


# A real client library


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def live_server(settings: Settings) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(build_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_mastodon_py_registers_signs_in_and_edits_its_profile(live_server: str) -> None:
    from mastodon import Mastodon

    client_id, client_secret = Mastodon.create_app(
        "mastodon.py", api_base_url=live_server, scopes=["read", "write", "follow", "push"]
    )
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=live_server,
        version_check_mode="none",
    )
    api.create_account("alice", "correct horse", "alice@example.org", agreement=True)
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=live_server,
        version_check_mode="none",
    )
    api.log_in(username="alice@example.org", password="correct horse")
    me = api.account_verify_credentials()
    assert me.username == "alice"
    updated = api.account_update_credentials(
        display_name="Alice", note="hi", locked=True, bot=False, fields=[("site", "a.example")]
    )
    assert updated.display_name == "Alice" and updated.locked is True
    assert [(f.name, f.value) for f in updated.fields] == [("site", "a.example")]
    assert api.account_lookup("alice").id == me.id
    assert [a.id for a in api.account_search("ali")] == [me.id]
    assert api.account_relationships([me.id])[0].following is False
    api.revoke_access_token()


def test_names_that_pass_for_the_instance_are_reserved(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    app = client.app()
    before = event_count(db)
    refused = client.post(
        "/api/v1/accounts",
        headers={"Authorization": f"Bearer {app['token']}"},
        data={"username": "Admin", "email": "a@example.org", "password": "pw", "agreement": "1"},
    )
    assert refused.status_code == 422
    assert "reserved" in refused.json()["error"]
    assert event_count(db) == before
    nodeinfo = client.get("/nodeinfo/2.1.json").json()
    assert "admin" in nodeinfo["metadata"]["restrictedNicknames"]
