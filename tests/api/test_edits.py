"""Editing statuses: the author alone, validated as posting is, every version kept for the
history, and never a wider audience than the status was posted to."""

from typing import Any

import psycopg
import pytest

from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify


def edit(client: Client, user: User, status_id: str, **data: Any) -> dict[str, Any]:
    response = client.put(f"/api/v1/statuses/{status_id}", headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def history(client: Client, user: User | None, status_id: str) -> list[dict[str, Any]]:
    headers = user.auth if user else {}
    response = client.get(f"/api/v1/statuses/{status_id}/history", headers=headers)
    assert response.status_code == 200, response.text
    versions: list[dict[str, Any]] = response.json()
    return versions


def mastodon_api(live_server: str, username: str) -> Any:
    """A Mastodon.py client signed in as a new account on the live server."""
    from mastodon import Mastodon

    client_id, client_secret = Mastodon.create_app(
        "mastodon.py", api_base_url=live_server, scopes=["read", "write", "follow", "push"]
    )
    options: dict[str, Any] = {
        "client_id": client_id,
        "client_secret": client_secret,
        "api_base_url": live_server,
        "version_check_mode": "none",
    }
    Mastodon(**options).create_account(
        username, "correct horse", f"{username}@example.org", agreement=True
    )
    api = Mastodon(**options)
    api.log_in(username=f"{username}@example.org", password="correct horse")
    return api


def test_an_edit_replaces_the_text_and_the_history_keeps_every_version(client: Client) -> None:
    alice = client.register("alice")
    status = post(client, alice, "first #draft", spoiler_text="cw")
    assert history(client, None, status["id"]) == [
        {
            "content": status["content"],
            "spoiler_text": "cw",
            "sensitive": True,
            "created_at": status["created_at"],
            "account": status["account"],
            "poll": None,
            "media_attachments": [],
            "emojis": [],
        }
    ]
    edited = edit(client, alice, status["id"], status="second #final", spoiler_text="cw")
    assert edited["id"] == status["id"] and edited["created_at"] == status["created_at"]
    assert edited["content"].startswith('<p>second <a class="hashtag"')
    assert [t["name"] for t in edited["tags"]] == ["final"]
    assert edited["edited_at"] is not None and edited["edited_at"] >= status["created_at"]
    assert edited["pleroma"]["content"] == {"text/plain": "second #final"}
    third = edit(client, alice, status["id"], status="third")
    assert (third["spoiler_text"], third["sensitive"]) == ("", False)  # omitted: removed
    shown = client.get(f"/api/v1/statuses/{status['id']}").json()
    assert (shown["content"], shown["edited_at"]) == ("<p>third</p>", third["edited_at"])
    versions = history(client, None, status["id"])
    assert [v["content"] for v in versions] == [
        status["content"],
        edited["content"],
        "<p>third</p>",
    ]
    assert [v["spoiler_text"] for v in versions] == ["cw", "cw", ""]
    assert versions[0]["created_at"] == status["created_at"]
    assert versions[-1]["created_at"] == third["edited_at"]
    source = client.get(f"/api/v1/statuses/{status['id']}/source", headers=alice.auth).json()
    assert (source["text"], source["spoiler_text"]) == ("third", "")


def test_an_edit_is_formatted_as_a_post_is_and_keeps_its_content_type(client: Client) -> None:
    alice = client.register("alice")
    status_id = post(client, alice, "plain", content_type="text/markdown")["id"]
    edited = edit(client, alice, status_id, status="**bold** :tidings_smile:")
    assert "<strong>bold</strong>" in edited["content"]  # markdown, as posted
    assert [e["shortcode"] for e in edited["emojis"]] == ["tidings_smile"]
    [_, latest] = history(client, alice, status_id)
    assert [e["shortcode"] for e in latest["emojis"]] == ["tidings_smile"]
    plain = edit(client, alice, status_id, status="**as typed**", content_type="text/plain")
    assert plain["content"] == "<p>**as typed**</p>"


def test_an_edit_that_changes_nothing_records_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    status = post(client, alice, "as it was", language="fr")
    before = event_count(db)
    same = edit(client, alice, status["id"], status="as it was")  # language kept when omitted
    assert (same["language"], same["edited_at"]) == ("fr", None)
    assert event_count(db) == before
    assert len(history(client, alice, status["id"])) == 1


def test_only_the_author_edits_and_strangers_learn_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, stranger = client.register("alice"), client.register("bob"), client.register()
    public = post(client, alice, "mine")["id"]
    private = post(client, alice, "followers only", visibility="private")["id"]
    follow(client, bob, alice)
    reading = scoped_auth(client, alice, "read")
    before = event_count(db)
    refused = client.put(f"/api/v1/statuses/{public}", headers=bob.auth, data={"status": "hi"})
    assert refused.status_code == 403 and "error" in refused.json()
    # A follower sees the private post, so may be told no; a stranger may not even know.
    by_bob = client.put(f"/api/v1/statuses/{private}", headers=bob.auth, data={"status": "x"})
    assert by_bob.status_code == 403
    for target in (private, "0000000000000000zz", "not-an-id!"):
        response = client.put(
            f"/api/v1/statuses/{target}", headers=stranger.auth, data={"status": "x"}
        )
        assert response.status_code == 404, response.text
        assert response.json() == {"error": "Record not found"}
    assert client.put(f"/api/v1/statuses/{public}", data={"status": "x"}).status_code == 401
    scoped = client.put(f"/api/v1/statuses/{public}", headers=reading, data={"status": "x"})
    assert scoped.status_code == 403
    assert event_count(db) == before
    assert client.delete(f"/api/v1/statuses/{public}", headers=alice.auth).status_code == 200
    before = event_count(db)
    gone = client.put(f"/api/v1/statuses/{public}", headers=alice.auth, data={"status": "x"})
    assert gone.status_code == 404
    assert event_count(db) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "   "}, "empty status"),
        ({"status": "x" * 4999, "spoiler_text": "cw"}, "character limit"),
        ({"status": "x", "media_ids[]": "1"}, "media_ids is not supported yet"),
        ({"status": "x", "content_type": "text/x-rtf"}, "content_type must be one of"),
        ({"status": "x", "language": "not a language"}, "ISO 639"),
        ({"status": "x", "sensitive": "perhaps"}, "Validation failed"),
    ],
)
def test_edits_are_refused_as_posts_are(
    client: Client, db: psycopg.Connection[Any], data: dict[str, str], message: str
) -> None:
    alice = client.register("alice")
    status_id = post(client, alice, "original")["id"]
    before = event_count(db)
    response = client.put(f"/api/v1/statuses/{status_id}", headers=alice.auth, data=data)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]
    assert event_count(db) == before
    assert client.get(f"/api/v1/statuses/{status_id}").json()["content"] == "<p>original</p>"


def test_an_edit_links_new_mentions_but_never_widens_the_audience(client: Client) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status_id = post(client, alice, "@bob just us", visibility="direct")["id"]
    edited = edit(client, alice, status_id, status="@bob and @carol")
    assert [m["id"] for m in edited["mentions"]] == [bob.id, carol.id]
    assert "u-url mention" in edited["content"] and "@<span>carol</span>" in edited["content"]
    assert edited["visibility"] == "direct"
    assert client.get(f"/api/v1/statuses/{status_id}", headers=bob.auth).status_code == 200
    for path in ("", "/history", "/context"):
        hidden = client.get(f"/api/v1/statuses/{status_id}{path}", headers=carol.auth)
        assert hidden.status_code == 404, path
    assert len(history(client, bob, status_id)) == 2


def test_the_history_of_a_private_status_is_hidden_from_strangers(client: Client) -> None:
    alice, follower, stranger = client.register("alice"), client.register(), client.register()
    follow(client, follower, alice)
    status_id = post(client, alice, "followers only", visibility="private")["id"]
    edit(client, alice, status_id, status="still followers only")
    for user in (None, stranger):
        response = client.get(
            f"/api/v1/statuses/{status_id}/history", headers=user.auth if user else {}
        )
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    assert [v["content"] for v in history(client, follower, status_id)] == [
        "<p>followers only</p>",
        "<p>still followers only</p>",
    ]
    assert client.get("/api/v1/statuses/not-an-id!/history").status_code == 404


def test_edits_replay_from_the_log_to_the_same_rows(
    client: Client, database: str, store: Tidings
) -> None:
    alice = client.register("alice")
    kept = post(client, alice, "one")["id"]
    gone = post(client, alice, "two")["id"]
    for n in range(3):
        edit(client, alice, kept, status=f"one, take {n}")
        edit(client, alice, gone, status=f"two, take {n}")
    assert client.delete(f"/api/v1/statuses/{gone}", headers=alice.auth).status_code == 200
    with psycopg.connect(database, autocommit=True) as conn:
        assert set(verify(conn, store, "statuses").values()) == {0}
        rows = conn.execute("SELECT status_id, version FROM statuses.status_edits").fetchall()
    assert sorted(rows) == [(kept, v) for v in (1, 2, 3, 4)]


def test_mastodon_py_edits_a_status_and_reads_its_history(live_server: str) -> None:
    api = mastodon_api(live_server, "alice")
    status = api.status_post("typo hre")
    edited = api.status_update(status.id, "typo here", spoiler_text="fixed")
    assert edited.content == "<p>typo here</p>" and edited.edited_at is not None
    assert edited.spoiler_text == "fixed"
    versions = api.status_history(status.id)
    assert [v.content for v in versions] == ["<p>typo hre</p>", "<p>typo here</p>"]
    assert versions[-1].account.id == status.account.id
    assert api.status_source(status.id).text == "typo here"
