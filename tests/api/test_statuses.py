"""Posting, reading and deleting statuses, and who may see them."""

import runpy
from pathlib import Path
from typing import Any

import psycopg

from tests.helpers import Client, User, event_count

VISIBILITIES = ("public", "unlisted", "private", "direct")


def post(client: Client, user: User, text: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/statuses", headers=user.auth, data={"status": text, **extra})
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def follow(client: Client, follower: User, followed: User) -> None:
    response = client.post(f"/api/v1/accounts/{followed.id}/follow", headers=follower.auth)
    assert response.status_code == 200, response.text


def scoped_auth(client: Client, user: User, scopes: str) -> dict[str, str]:
    """Headers with a token of the user's from an app limited to ``scopes``."""
    app = client.post(
        "/api/v1/apps",
        data={
            "client_name": "limited",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": scopes,
        },
    ).json()
    token = client.post(
        "/oauth/token",
        data={
            "grant_type": "password",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "username": user.username,
            "password": user.password,
            "scope": scopes,
        },
    )
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_posting_answers_with_the_status_in_mastodon_and_pleroma_shape(client: Client) -> None:
    alice = client.register("alice")
    for visibility in VISIBILITIES:
        status = post(client, alice, f"hello in {visibility}\nsecond line", visibility=visibility)
        assert status["visibility"] == visibility
        assert status["content"] == f"<p>hello in {visibility}<br/>second line</p>"
    status = post(client, alice, "  padded  ", spoiler_text="cw", language="fr")
    assert status["account"]["id"] == alice.id
    assert status["account"]["statuses_count"] == 5
    assert status["uri"] == f"http://testserver.local/objects/{status['id']}"
    assert status["url"] == f"http://testserver.local/notice/{status['id']}"
    assert status["text"] is None
    assert (status["spoiler_text"], status["sensitive"], status["language"]) == ("cw", True, "fr")
    assert status["application"] == {"name": "tests", "website": None}
    assert status["in_reply_to_id"] is None and status["reblog"] is None
    assert status["media_attachments"] == [] and status["emojis"] == []
    assert status["card"] is None and status["poll"] is None and status["edited_at"] is None
    assert not any(status[k] for k in ("favourited", "reblogged", "bookmarked", "muted", "pinned"))
    pleroma = status["pleroma"]
    assert pleroma["local"] is True
    assert pleroma["content"] == {"text/plain": "padded"}
    assert pleroma["spoiler_text"] == {"text/plain": "cw"}
    assert isinstance(pleroma["conversation_id"], int)
    assert pleroma["parent_visible"] is False
    assert {
        "direct_conversation_id",
        "in_reply_to_account_acct",
        "expires_at",
        "thread_muted",
        "emoji_reactions",
        "pinned_at",
        "quotes_count",
        "event",
        "non_anonymous",
        "bookmark_folder",
    } <= pleroma.keys()
    # JSON clients work too.
    as_json = client.post(
        "/api/v1/statuses", headers=alice.auth, json={"status": "json", "sensitive": True}
    )
    assert as_json.status_code == 200 and as_json.json()["sensitive"] is True


def test_content_is_escaped_and_links_mentions_tags_and_urls(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    status = post(
        client,
        alice,
        "<b>hi</b> @bob and @Bob@testserver.local, not @ghost nor @bob@elsewhere.example"
        " #Tidings #tidings https://example.org/a?b=1&c=2.",
    )
    content = status["content"]
    assert "<b>" not in content and "&lt;b&gt;hi&lt;/b&gt;" in content
    assert content.count('class="u-url mention"') == 2
    assert "@ghost" in content and "@bob@elsewhere.example" in content
    assert '<a href="https://example.org/a?b=1&amp;c=2"' in content
    assert status["mentions"] == [
        {
            "id": bob.id,
            "username": "bob",
            "acct": "bob",
            "url": "http://testserver.local/users/bob",
        }
    ]
    assert status["tags"] == [{"name": "tidings", "url": "http://testserver.local/tag/tidings"}]


def test_default_visibility_is_the_accounts_privacy_preference(client: Client) -> None:
    alice = client.register("alice")
    updated = client.patch(
        "/api/v1/accounts/update_credentials",
        headers=alice.auth,
        data={"source[privacy]": "private"},
    )
    assert updated.status_code == 200, updated.text
    assert post(client, alice, "quiet")["visibility"] == "private"
    assert post(client, alice, "loud", visibility="public")["visibility"] == "public"


def test_a_reply_joins_the_thread_of_its_parent(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    parent = post(client, alice, "a question")
    reply = post(client, bob, "@alice an answer", in_reply_to_id=parent["id"])
    assert reply["in_reply_to_id"] == parent["id"]
    assert reply["in_reply_to_account_id"] == alice.id
    assert reply["pleroma"]["in_reply_to_account_acct"] == "alice"
    assert reply["pleroma"]["conversation_id"] == parent["pleroma"]["conversation_id"]
    assert reply["pleroma"]["parent_visible"] is True
    again = client.get(f"/api/v1/statuses/{parent['id']}").json()
    assert again["replies_count"] == 1


def test_who_may_see_a_status_of_each_visibility(client: Client) -> None:
    alice = client.register("alice")
    follower = client.register("follower")
    carol = client.register("carol")
    stranger = client.register("stranger")
    follow(client, follower, alice)
    posted = {v: post(client, alice, f"@carol {v}", visibility=v)["id"] for v in VISIBILITIES}
    readers: dict[str, dict[str, str] | None] = {
        "author": alice.auth,
        "follower": follower.auth,
        "mentioned": carol.auth,
        "stranger": stranger.auth,
        "anonymous": None,
    }
    may_see = {
        "public": {"author", "follower", "mentioned", "stranger", "anonymous"},
        "unlisted": {"author", "follower", "mentioned", "stranger", "anonymous"},
        "private": {"author", "follower", "mentioned"},
        "direct": {"author", "mentioned"},
    }
    wrong = []
    for visibility, status_id in posted.items():
        for name, headers in readers.items():
            response = client.get(f"/api/v1/statuses/{status_id}", headers=headers or {})
            expected = 200 if name in may_see[visibility] else 404
            if response.status_code != expected:
                wrong.append((visibility, name, response.status_code))
            elif expected == 404:
                assert response.json() == {"error": "Record not found"}
    assert wrong == []


def test_the_author_deletes_a_status_and_gets_its_source_back(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    follow(client, bob, alice)
    status = post(client, alice, "oops #typo")
    response = client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    assert response.status_code == 200, response.text
    deleted = response.json()
    assert deleted["id"] == status["id"]
    assert deleted["text"] == "oops #typo"
    assert deleted["account"]["statuses_count"] == 0
    assert client.get(f"/api/v1/statuses/{status['id']}", headers=alice.auth).status_code == 404
    for user in (alice, bob):
        home = client.get("/api/v1/timelines/home", headers=user.auth).json()
        assert home == []
    assert client.get("/api/v1/timelines/public").json() == []
    again = client.delete(f"/api/v1/statuses/{status['id']}", headers=alice.auth)
    assert again.status_code == 404


def test_deleting_someone_elses_status_is_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    public = post(client, alice, "mine")
    private = post(client, alice, "mine, quietly", visibility="private")
    before = event_count(db)
    refused = client.delete(f"/api/v1/statuses/{public['id']}", headers=bob.auth)
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is not allowed"}
    hidden = client.delete(f"/api/v1/statuses/{private['id']}", headers=bob.auth)
    assert hidden.status_code == 404
    assert event_count(db) == before
    assert client.get(f"/api/v1/statuses/{public['id']}").status_code == 200


def test_bad_requests_are_refused_and_write_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    hidden = post(client, bob, "not for alice", visibility="private")
    reader = scoped_auth(client, alice, "read")
    cases: list[tuple[str, dict[str, str], dict[str, Any], int]] = [
        ("empty", alice.auth, {"status": "   "}, 422),
        ("too long", alice.auth, {"status": "x" * 5001}, 422),
        (
            "too long with its warning",
            alice.auth,
            {"status": "x" * 4999, "spoiler_text": "cw"},
            422,
        ),
        ("unknown visibility", alice.auth, {"status": "hi", "visibility": "friends"}, 422),
        ("malformed list", alice.auth, {"status": "hi", "visibility": "list:1"}, 404),
        ("bbcode", alice.auth, {"status": "[b]hi[/b]", "content_type": "text/bbcode"}, 422),
        ("media", alice.auth, {"status": "hi", "media_ids[]": "1"}, 422),
        ("bad language", alice.auth, {"status": "hi", "language": "<script>"}, 422),
        ("not a boolean", alice.auth, {"status": "hi", "sensitive": "maybe"}, 422),
        ("reply to unknown", alice.auth, {"status": "hi", "in_reply_to_id": "0" * 18}, 404),
        ("reply to malformed", alice.auth, {"status": "hi", "in_reply_to_id": "no-such-id!"}, 404),
        ("reply to invisible", alice.auth, {"status": "hi", "in_reply_to_id": hidden["id"]}, 404),
        ("no token", {}, {"status": "hi"}, 401),
        ("read-only token", reader, {"status": "hi"}, 403),
    ]
    before = event_count(db)
    for name, headers, data, expected in cases:
        response = client.post("/api/v1/statuses", headers=headers, data=data)
        assert response.status_code == expected, (name, response.text)
        assert isinstance(response.json().get("error"), str), name
    malformed = client.delete("/api/v1/statuses/no-such-id!", headers=alice.auth)
    assert malformed.status_code == 404
    assert client.get("/api/v1/statuses/no-such-id!").status_code == 404
    assert client.delete(f"/api/v1/statuses/{hidden['id']}", headers=reader).status_code == 403
    assert event_count(db) == before


def test_a_token_without_read_scope_cannot_read_statuses(client: Client) -> None:
    alice = client.register("alice")
    status = post(client, alice, "hello")
    headers = scoped_auth(client, alice, "write")
    response = client.get(f"/api/v1/statuses/{status['id']}", headers=headers)
    assert response.status_code == 403
    assert client.get("/api/v1/timelines/public", headers=headers).status_code == 403
    assert client.get("/api/v1/timelines/home", headers=headers).status_code == 403


def test_preview_renders_without_posting(client: Client, db: psycopg.Connection[Any]) -> None:
    alice = client.register("alice")
    before = event_count(db)
    preview = post(client, alice, "draft #idea", preview="true")
    assert preview["content"].startswith("<p>draft ")
    assert preview["tags"][0]["name"] == "idea"
    assert event_count(db) == before
    assert client.get(f"/api/v1/statuses/{preview['id']}").status_code == 404


def test_mastodon_py_posts_follows_reads_and_deletes(live_server: str) -> None:
    """The real Mastodon.py client, end to end, through bench/mastodon_py_check.py."""
    script = Path(__file__).parents[2] / "bench" / "mastodon_py_check.py"
    run_checks = runpy.run_path(str(script))["run_checks"]
    passed = run_checks(live_server)
    assert {"status_post_private", "private_hidden_from_stranger", "status_delete"} <= set(passed)
