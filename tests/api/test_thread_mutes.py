"""Muting a conversation: the thread leaves the reader's timelines unless they ask for
``with_muted``, renders ``muted`` for them alone, and an expired mute stops holding."""

from typing import Any

import psycopg

from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count


def mute(client: Client, user: User, status_id: str, **data: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/statuses/{status_id}/mute", headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def ids(client: Client, path: str, user: User, **query: Any) -> list[str]:
    response = client.get(path, headers=user.auth, params=query)
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


def test_muting_a_reply_hides_the_whole_thread_from_every_timeline_of_the_reader(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, bob, alice)
    follow(client, carol, alice)
    lists = {}
    for reader in (bob, carol):
        made = client.post("/api/v1/lists", headers=reader.auth, data={"title": "friends"})
        lists[reader.id] = made.json()["id"]
        added = client.post(
            f"/api/v1/lists/{made.json()['id']}/accounts",
            headers=reader.auth,
            data={"account_ids[]": alice.id},
        )
        assert added.status_code == 200, added.text
    root = post(client, alice, "a thread #talk")["id"]
    reply = post(client, alice, "more #talk", in_reply_to_id=root)["id"]
    other = post(client, alice, "another #talk")["id"]
    whisper = post(client, alice, "@bob @carol psst", visibility="direct")["id"]
    mute(client, bob, whisper)
    assert ids(client, "/api/v1/timelines/direct", bob) == []
    assert ids(client, "/api/v1/timelines/direct", bob, with_muted="1") == [whisper]
    assert ids(client, "/api/v1/timelines/direct", carol) == [whisper]
    muted = mute(client, bob, reply)
    assert (muted["muted"], muted["pleroma"]["thread_muted"]) == (True, True)
    before = event_count(db)
    assert mute(client, bob, root)["muted"] is True  # the same thread, muted for good already
    assert event_count(db) == before
    for path in (
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/talk",
        "/api/v1/timelines/list/{list}",
        f"/api/v1/accounts/{alice.id}/statuses",
    ):
        query = {"exclude_visibilities[]": "direct"}
        for_bob, for_carol = (path.format(list=lists[u.id]) for u in (bob, carol))
        assert ids(client, for_bob, bob, **query) == [other], path
        assert ids(client, for_bob, bob, with_muted="true", **query) == [other, reply, root]
        assert ids(client, for_carol, carol, **query) == [other, reply, root], path
    # Only the reader who muted sees it muted, in every rendering.
    assert client.get(f"/api/v1/statuses/{root}", headers=bob.auth).json()["muted"] is True
    assert client.get(f"/api/v1/statuses/{root}", headers=carol.auth).json()["muted"] is False
    unmuted = client.post(f"/api/v1/statuses/{root}/unmute", headers=bob.auth)
    assert unmuted.status_code == 200 and unmuted.json()["muted"] is False
    assert ids(client, "/api/v1/timelines/home", bob) == [other, reply, root]
    before = event_count(db)
    assert client.post(f"/api/v1/statuses/{root}/unmute", headers=bob.auth).status_code == 200
    assert event_count(db) == before


def test_a_mute_with_expires_in_stops_holding_once_it_is_past(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follow(client, bob, alice)
    status = post(client, alice, "soon again")["id"]
    assert mute(client, bob, status, expires_in=3600)["muted"] is True
    assert ids(client, "/api/v1/timelines/home", bob) == []
    # Time passes: the projection's row is the only place an expiry lives.
    db.execute("UPDATE thread_mutes.thread_mutes SET expires_at = now() - interval '1 second'")
    assert ids(client, "/api/v1/timelines/home", bob) == [status]
    assert client.get(f"/api/v1/statuses/{status}", headers=bob.auth).json()["muted"] is False
    # Muting again after the lapse records a new mute.
    before = event_count(db)
    assert mute(client, bob, status)["muted"] is True
    assert event_count(db) == before + 1


def test_muting_what_the_reader_may_not_see_or_with_a_bad_expiry_is_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    private = post(client, alice, "friends only", visibility="private")["id"]
    public = post(client, alice, "hello")["id"]
    read_only = scoped_auth(client, bob, "read")
    before = event_count(db)
    for status_id in (private, "nope", "0" * 18):
        refused = client.post(f"/api/v1/statuses/{status_id}/mute", headers=bob.auth)
        assert refused.status_code == 404
        assert refused.json() == {"error": "Record not found"}
    for expires_in in ("-5", "soon", str(10**12)):
        bad = client.post(
            f"/api/v1/statuses/{public}/mute", headers=bob.auth, data={"expires_in": expires_in}
        )
        assert bad.status_code == 422, expires_in
        assert "expires_in" in bad.json()["error"]
    assert client.post(f"/api/v1/statuses/{public}/mute", headers=read_only).status_code == 403
    assert client.post(f"/api/v1/statuses/{public}/mute").status_code == 401
    assert event_count(db) == before


def test_a_quoted_status_renders_muted_for_the_reader_who_muted_its_thread(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    quoted = post(client, alice, "quote me")["id"]
    mute(client, bob, quoted)
    quoting = post(client, alice, "look", quote_id=quoted)["id"]
    shown = client.get(f"/api/v1/statuses/{quoting}", headers=bob.auth).json()
    assert shown["muted"] is False
    assert shown["pleroma"]["quote"]["id"] == quoted
    assert shown["pleroma"]["quote"]["muted"] is True
    assert shown["quote"]["quoted_status"]["pleroma"]["thread_muted"] is True
