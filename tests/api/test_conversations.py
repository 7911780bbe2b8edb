"""Pleroma's conversations as statuses need them: each viewer's participation shown as
``pleroma.direct_conversation_id``, and ``in_reply_to_conversation_id`` posting to the
recipients a participation began with, which later posts never change."""

from typing import Any

import psycopg

from tests.api.test_statuses import post
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify


def show(client: Client, status_id: str, user: User | None) -> Any:
    return client.get(f"/api/v1/statuses/{status_id}", headers=user.auth if user else {})


def participation(db: psycopg.Connection[Any], user: User, conversation: str) -> dict[str, Any]:
    cur = db.execute(
        "SELECT id, recipients, unread, last_status_id FROM conversations.participations"
        " WHERE account_id = %s AND conversation_id = %s",
        (user.id, conversation),
    )
    row = cur.fetchone()
    assert row is not None
    return dict(zip(("id", "recipients", "unread", "last_status_id"), row, strict=True))


def test_each_viewer_sees_their_own_participation(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    stranger = client.register("stranger")
    dm = post(client, alice, "@bob @carol psst", visibility="direct")
    ids = {}
    for user in (alice, bob, carol):
        shown = show(client, dm["id"], user)
        assert shown.status_code == 200, shown.text
        ids[user.username] = shown.json()["pleroma"]["direct_conversation_id"]
    assert dm["pleroma"]["direct_conversation_id"] == ids["alice"]  # in the answer to the post
    assert len(set(ids.values())) == 3  # a participation each, none of them shared
    assert all(isinstance(i, str) and i for i in ids.values())
    assert show(client, dm["id"], stranger).status_code == 404
    assert show(client, dm["id"], None).status_code == 404
    # Only direct posts make participations (Pleroma's create_or_bump_for).
    public = post(client, alice, "@bob hello")
    assert public["pleroma"]["direct_conversation_id"] is None
    for viewer in (bob, stranger, None):
        assert (
            show(client, public["id"], viewer).json()["pleroma"]["direct_conversation_id"] is None
        )
    # The author's participation is read, the addressed ones unread; each names the others.
    mine = participation(db, alice, dm["id"])
    assert (mine["id"], mine["unread"], sorted(mine["recipients"])) == (
        ids["alice"],
        False,
        sorted([bob.id, carol.id]),
    )
    bobs = participation(db, bob, dm["id"])
    assert (bobs["unread"], sorted(bobs["recipients"])) == (True, sorted([alice.id, carol.id]))
    # A reply in the thread shows the same participation, and is its last status.
    reply = post(client, bob, "@alice ok", visibility="direct", in_reply_to_id=dm["id"])
    assert reply["pleroma"]["direct_conversation_id"] == ids["bob"]
    assert participation(db, alice, dm["id"])["last_status_id"] == reply["id"]
    assert participation(db, alice, dm["id"])["unread"] is True


def test_a_reply_to_a_conversation_goes_to_its_recipients_and_no_one_else(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    stranger = client.register("stranger")
    dm = post(client, alice, "@bob @carol plans?", visibility="direct")
    bobs = show(client, dm["id"], bob).json()["pleroma"]["direct_conversation_id"]
    # Neither mentioning someone else nor asking for another visibility widens it (Pleroma
    # addresses the participation's recipients alone, always direct).
    reply = post(
        client,
        bob,
        "friday @stranger",
        in_reply_to_conversation_id=bobs,
        visibility="public",
    )
    assert reply["visibility"] == "direct"
    assert reply["pleroma"]["direct_conversation_id"] == bobs
    assert reply["pleroma"]["conversation_id"] == dm["pleroma"]["conversation_id"]
    assert reply["in_reply_to_id"] is None  # in the thread, not a reply to one status
    for reader in (alice, carol):
        shown = show(client, reply["id"], reader)
        assert shown.status_code == 200, shown.text
        assert (
            shown.json()["pleroma"]["direct_conversation_id"]
            == show(client, dm["id"], reader).json()["pleroma"]["direct_conversation_id"]
        )
    assert show(client, reply["id"], stranger).status_code == 404
    assert show(client, reply["id"], None).status_code == 404
    # The recipients stay as they began, however later posts are addressed.
    carol_alone = post(
        client, alice, "@carol just you", visibility="direct", in_reply_to_id=dm["id"]
    )
    assert sorted(participation(db, bob, dm["id"])["recipients"]) == sorted([alice.id, carol.id])
    assert sorted(participation(db, alice, dm["id"])["recipients"]) == sorted([bob.id, carol.id])
    assert participation(db, carol, dm["id"])["last_status_id"] == carol_alone["id"]
    assert participation(db, bob, dm["id"])["last_status_id"] == reply["id"]


def test_replying_to_a_conversation_one_does_not_own_is_refused_with_nothing_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    stranger = client.register("stranger")
    dm = post(client, alice, "@bob hi", visibility="direct")
    bobs = show(client, dm["id"], bob).json()["pleroma"]["direct_conversation_id"]
    before = event_count(db)
    for who, given in (
        (stranger, bobs),  # someone else's
        (alice, bobs),  # a participant's, but not hers
        (bob, "not-a-flake!"),
        (bob, "0" * 18),  # well formed, but no participation
    ):
        for preview in (False, True):
            refused = client.post(
                "/api/v1/statuses",
                headers=who.auth,
                data={"status": "sneaky", "in_reply_to_conversation_id": given, "preview": preview},
            )
            assert refused.status_code == 404, refused.text
            assert refused.json() == {"error": "Record not found"}
    assert event_count(db) == before


def test_a_deleted_last_status_falls_back_and_a_rebuild_matches(
    client: Client, db: psycopg.Connection[Any], database: str, store: Tidings
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    dm = post(client, alice, "@bob first", visibility="direct")
    second = post(client, bob, "@alice second", visibility="direct", in_reply_to_id=dm["id"])
    assert participation(db, alice, dm["id"])["last_status_id"] == second["id"]
    assert client.delete(f"/api/v1/statuses/{second['id']}", headers=bob.auth).status_code == 200
    assert participation(db, alice, dm["id"])["last_status_id"] == dm["id"]
    assert client.delete(f"/api/v1/statuses/{dm['id']}", headers=alice.auth).status_code == 200
    # The participations stay (Pleroma keeps them), with no status left to show.
    left = participation(db, bob, dm["id"])
    assert left["last_status_id"] is None
    public = post(client, alice, "@bob out loud")
    assert participation(db, bob, dm["id"])["last_status_id"] is None  # only directs count
    assert public["pleroma"]["direct_conversation_id"] is None
    with psycopg.connect(database, autocommit=True) as conn:
        assert set(verify(conn, store, "conversations").values()) == {0}


def direct_id(client: Client, status_id: str, user: User) -> str:
    value: str = show(client, status_id, user).json()["pleroma"]["direct_conversation_id"]
    return value


def test_the_conversation_list_pages_by_last_status_and_only_its_owner_sees_one(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    stranger = client.register("stranger")
    first = post(client, alice, "@bob one", visibility="direct")
    second = post(client, alice, "@bob @carol two", visibility="direct")
    post(client, alice, "@bob not direct")  # only direct posts make conversations
    for path in ("/api/v1/conversations", "/api/v1/conversations/"):
        listed = client.get(path, headers=bob.auth)
        assert listed.status_code == 200, listed.text
        assert [c["last_status"]["id"] for c in listed.json()] == [second["id"], first["id"]]
    newest = client.get("/api/v1/conversations", headers=bob.auth).json()[0]
    assert newest["id"] == direct_id(client, second["id"], bob)
    assert newest["unread"] is True
    assert sorted(a["id"] for a in newest["accounts"]) == sorted([alice.id, carol.id])
    assert sorted(a["id"] for a in newest["pleroma"]["recipients"]) == sorted(
        [alice.id, bob.id, carol.id]
    )
    paged = client.get("/api/v1/conversations", headers=bob.auth, params={"limit": 1})
    assert [c["last_status"]["id"] for c in paged.json()] == [second["id"]]
    assert 'rel="next"' in paged.headers["link"]
    older = client.get(
        "/api/v1/conversations", headers=bob.auth, params={"max_id": second["id"]}
    ).json()
    assert [c["last_status"]["id"] for c in older] == [first["id"]]
    # Pleroma's recipients[]: those with exactly these others.
    only_alice = client.get(
        "/api/v1/conversations", headers=bob.auth, params={"recipients[]": [alice.id]}
    ).json()
    assert [c["last_status"]["id"] for c in only_alice] == [first["id"]]
    assert client.get("/api/v1/conversations", headers=stranger.auth).json() == []
    assert client.get("/api/v1/conversations").status_code == 401
    # Someone else's participation is as missing as an unknown one, for every endpoint.
    bobs = newest["id"]
    before = event_count(db)
    for user in (stranger, alice):
        for method, path in (
            ("get", f"/api/v1/pleroma/conversations/{bobs}"),
            ("get", f"/api/v1/pleroma/conversations/{bobs}/statuses"),
            ("patch", f"/api/v1/pleroma/conversations/{bobs}"),
            ("post", f"/api/v1/conversations/{bobs}/read"),
            ("delete", f"/api/v1/conversations/{bobs}"),
            ("get", "/api/v1/pleroma/conversations/nope!"),
            ("post", "/api/v1/conversations/nope!/read"),
        ):
            answer = getattr(client, method)(path, headers=user.auth)
            assert answer.status_code == 404, (method, path, answer.text)
            assert answer.json() == {"error": "Record not found"}
    assert event_count(db) == before


def test_reading_re_addressing_and_deleting_are_the_owners_events(
    client: Client, db: psycopg.Connection[Any], database: str, store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    dm = post(client, alice, "@bob @carol hello", visibility="direct")
    bobs = direct_id(client, dm["id"], bob)
    read = client.post(f"/api/v1/conversations/{bobs}/read", headers=bob.auth)
    assert read.status_code == 200, read.text
    assert read.json()["unread"] is False
    before = event_count(db)
    again = client.post(f"/api/v1/conversations/{bobs}/read", headers=bob.auth)
    assert again.json()["unread"] is False
    assert event_count(db) == before  # already read: nothing recorded
    # Pleroma's PATCH replaces the recipients, the owner always kept; unknown ids dropped.
    changed = client.patch(
        f"/api/v1/pleroma/conversations/{bobs}",
        headers=bob.auth,
        data={"recipients[]": [alice.id, "0" * 18]},
    )
    assert changed.status_code == 200, changed.text
    assert [a["id"] for a in changed.json()["accounts"]] == [alice.id]
    assert sorted(a["id"] for a in changed.json()["pleroma"]["recipients"]) == sorted(
        [alice.id, bob.id]
    )
    reply = post(client, bob, "just us", in_reply_to_conversation_id=bobs)
    assert show(client, reply["id"], alice).status_code == 200
    assert show(client, reply["id"], carol).status_code == 404
    # Emptied, the conversation reaches its owner alone.
    alone = client.patch(f"/api/v1/pleroma/conversations/{bobs}", headers=bob.auth, json={})
    assert [a["id"] for a in alone.json()["accounts"]] == [bob.id]
    # The thread's timeline: what the owner may see of it, newest first.
    timeline = client.get(f"/api/v1/pleroma/conversations/{bobs}/statuses", headers=bob.auth)
    assert [s["id"] for s in timeline.json()] == [reply["id"], dm["id"]]
    carols = direct_id(client, dm["id"], carol)
    for_carol = client.get(f"/api/v1/pleroma/conversations/{carols}/statuses", headers=carol.auth)
    assert [s["id"] for s in for_carol.json()] == [dm["id"]]

    # Pleroma's read-all answers what it marked, and marks nothing twice.
    def unread_count(user: User) -> int:
        me = client.get("/api/v1/accounts/verify_credentials", headers=user.auth).json()
        count: int = me["pleroma"]["unread_conversation_count"]
        return count

    assert (unread_count(carol), unread_count(bob)) == (1, 0)
    marked = client.post("/api/v1/pleroma/conversations/read", headers=carol.auth)
    assert [c["id"] for c in marked.json()] == [carols]
    assert marked.json()[0]["unread"] is False
    assert client.post("/api/v1/pleroma/conversations/read", headers=carol.auth).json() == []
    assert unread_count(carol) == 0
    # Deleted, it leaves the owner's list; the others keep theirs.
    gone = client.delete(f"/api/v1/conversations/{bobs}", headers=bob.auth)
    assert (gone.status_code, gone.json()) == (200, {})
    assert client.get("/api/v1/conversations", headers=bob.auth).json() == []
    assert client.get(f"/api/v1/pleroma/conversations/{bobs}", headers=bob.auth).status_code == 404
    assert len(client.get("/api/v1/conversations", headers=carol.auth).json()) == 1
    # A new direct post in the thread begins it again, addressed as that post is.
    back = post(client, alice, "@bob still there?", visibility="direct", in_reply_to_id=dm["id"])
    listed = client.get("/api/v1/conversations", headers=bob.auth).json()
    assert [(c["id"], c["last_status"]["id"]) for c in listed] == [(bobs, back["id"])]
    assert [a["id"] for a in listed[0]["accounts"]] == [alice.id]
    with psycopg.connect(database, autocommit=True) as conn:
        assert set(verify(conn, store, "conversations").values()) == {0}


def test_mastodon_py_lists_and_reads_conversations(live_server: str) -> None:
    from tests.api.test_edits import mastodon_api

    alice = mastodon_api(live_server, "alice")
    bob = mastodon_api(live_server, "bob")
    sent = alice.status_post("@bob secret", visibility="direct")
    [conversation] = bob.conversations()
    assert conversation.last_status.id == sent.id and conversation.unread is True
    assert [a.id for a in conversation.accounts] == [sent.account.id]
    assert bob.conversations_read(conversation.id).unread is False
    assert bob.conversations()[0].unread is False
    assert alice.conversations()[0].unread is False
