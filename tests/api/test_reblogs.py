"""Reblogs: a status of their own wrapping the original, in the homes of followers who take
them, counted on the original and among the reblogger's statuses, never where the original
may not be seen, and gone with the original."""

from typing import Any

import psycopg
import pytest
import requests
from mastodon import Mastodon

from tests.api.test_favourites import act, links
from tests.api.test_statuses import follow, post, scoped_auth
from tests.api.test_timelines import timeline
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import rebuild, verify


def reblog(client: Client, user: User, status_id: str, **data: Any) -> dict[str, Any]:
    return act(client, user, status_id, "reblog", **data)


def statuses_count(client: Client, user: User) -> int:
    response = client.get(f"/api/v1/accounts/{user.id}")
    assert response.status_code == 200, response.text
    count: int = response.json()["statuses_count"]
    return count


def test_a_reblog_wraps_the_original_with_its_own_id_and_the_viewers_marks(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    original = post(client, alice, "boost me", spoiler_text="cw")
    act(client, bob, original["id"], "favourite")
    wrapped = reblog(client, bob, original["id"])
    assert wrapped["id"] != original["id"]
    assert wrapped["account"]["id"] == bob.id
    assert (wrapped["content"], wrapped["spoiler_text"], wrapped["visibility"]) == (
        "",
        "",
        "public",
    )
    assert (wrapped["reblogged"], wrapped["favourited"], wrapped["pinned"]) == (True, True, False)
    inner = wrapped["reblog"]
    assert inner["id"] == original["id"] and inner["account"]["id"] == alice.id
    assert (inner["content"], inner["spoiler_text"]) == (original["content"], "cw")
    assert (inner["reblogged"], inner["favourited"], inner["reblogs_count"]) == (True, True, 1)
    assert inner["reblog"] is None
    # The reblog is a status of its own: shown by its id, to anyone, with the original nested.
    shown = client.get(f"/api/v1/statuses/{wrapped['id']}").json()
    assert (shown["reblog"]["id"], shown["reblogged"], shown["reblog"]["reblogged"]) == (
        original["id"],
        False,
        False,
    )
    by_alice = client.get(f"/api/v1/statuses/{original['id']}", headers=alice.auth).json()
    assert (by_alice["reblogs_count"], by_alice["reblogged"]) == (1, False)
    assert wrapped["account"]["statuses_count"] == 1  # Mastodon counts reblogs as statuses


def test_reblogging_twice_answers_the_same_reblog_and_records_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status_id = post(client, alice, "once")["id"]
    first = reblog(client, bob, status_id)
    before = event_count(db)
    again = reblog(client, bob, status_id, visibility="unlisted")
    assert event_count(db) == before
    assert (again["id"], again["visibility"], again["reblog"]["reblogs_count"]) == (
        first["id"],
        "public",
        1,
    )
    # A reblog's id stands for its original: reblogging it is reblogging the original.
    carol = client.register("carol")
    via_reblog = reblog(client, carol, first["id"])
    assert via_reblog["reblog"]["id"] == status_id
    assert via_reblog["reblog"]["reblogs_count"] == 2
    assert statuses_count(client, bob) == 1 and statuses_count(client, carol) == 1


def test_a_reblog_reaches_followers_who_take_reblogs_and_not_the_authors_home(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    carol, dave, erin = client.register("carol"), client.register("dave"), client.register("erin")
    follow(client, carol, bob)
    follow(client, alice, bob)  # the original's author follows the reblogger
    hides = client.post(
        f"/api/v1/accounts/{bob.id}/follow", headers=dave.auth, data={"reblogs": "false"}
    )
    assert hides.status_code == 200 and hides.json()["showing_reblogs"] is False
    follow(client, erin, alice)  # already has the original: no second copy
    follow(client, erin, bob)
    status_id = post(client, alice, "spread the word")["id"]
    boosted = reblog(client, bob, status_id)["id"]
    assert timeline(client, "home", carol) == [boosted]
    assert timeline(client, "home", bob) == [boosted]
    assert timeline(client, "home", dave) == []
    assert timeline(client, "home", erin) == [status_id]
    assert timeline(client, "home", alice) == [status_id]
    # Mastodon shows no reblog in the public timelines.
    assert timeline(client, "public") == [status_id]
    assert timeline(client, "public", carol, local="true") == [status_id]
    # Showing bob's reblogs again brings this one; hiding them takes it away.
    shows = client.post(
        f"/api/v1/accounts/{bob.id}/follow", headers=dave.auth, data={"reblogs": "true"}
    )
    assert shows.status_code == 200 and shows.json()["showing_reblogs"] is True
    assert timeline(client, "home", dave) == [boosted]
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=carol.auth, data={"reblogs": "0"})
    assert timeline(client, "home", carol) == []
    home = client.get("/api/v1/timelines/home", headers=dave.auth).json()
    assert home[0]["reblog"]["id"] == status_id


def test_a_new_follower_gets_recent_reblogs_unless_hiding_them(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    carol, dave = client.register("carol"), client.register("dave")
    status_id = post(client, alice, "older news")["id"]
    boosted = reblog(client, bob, status_id)["id"]
    follow(client, carol, bob)
    assert timeline(client, "home", carol) == [boosted]
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=dave.auth, data={"reblogs": "false"})
    assert timeline(client, "home", dave) == []
    client.post(f"/api/v1/accounts/{bob.id}/follow", headers=alice.auth)
    assert timeline(client, "home", alice) == [status_id]  # its own post, never the reblog


def test_unreblogging_takes_the_reblog_out_of_every_home_and_count(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, carol, bob)
    status_id = post(client, alice, "brief fame")["id"]
    boosted = reblog(client, bob, status_id)["id"]
    undone = act(client, bob, status_id, "unreblog")
    assert (undone["id"], undone["reblogged"], undone["reblogs_count"]) == (status_id, False, 0)
    assert timeline(client, "home", carol) == [] and timeline(client, "home", bob) == []
    assert client.get(f"/api/v1/statuses/{boosted}").status_code == 404
    assert statuses_count(client, bob) == 0
    before = event_count(db)
    assert act(client, bob, status_id, "unreblog")["reblogs_count"] == 0
    assert event_count(db) == before
    # Deleting the reblog by its id takes it back too, as on Mastodon.
    again = reblog(client, bob, status_id)["id"]
    assert again != boosted
    assert client.delete(f"/api/v1/statuses/{again}", headers=carol.auth).status_code == 403
    deleted = client.delete(f"/api/v1/statuses/{again}", headers=bob.auth)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["reblog"]["id"] == status_id
    assert deleted.json()["reblog"]["text"] is None  # alice's source is hers alone
    assert client.get(f"/api/v1/statuses/{status_id}").json()["reblogs_count"] == 0
    assert timeline(client, "home", carol) == [] and statuses_count(client, bob) == 0
    assert client.get(f"/api/v1/statuses/{status_id}").status_code == 200


def test_deleting_the_original_takes_its_reblogs_everywhere_and_replays_exactly(
    client: Client, db: psycopg.Connection[Any], database: str, store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    follow(client, carol, bob)
    kept, gone = post(client, alice, "stays")["id"], post(client, alice, "goes")["id"]
    reblog(client, bob, kept)
    gone_by_bob = reblog(client, bob, gone)["id"]
    reblog(client, carol, gone)
    act(client, carol, kept, "reblog", visibility="unlisted")
    act(client, carol, kept, "unreblog")
    assert client.delete(f"/api/v1/statuses/{gone}", headers=alice.auth).status_code == 200
    assert client.get(f"/api/v1/statuses/{gone_by_bob}").status_code == 404
    assert [
        s["reblog"]["id"] for s in client.get("/api/v1/timelines/home", headers=carol.auth).json()
    ] == [kept]
    assert statuses_count(client, bob) == 1 and statuses_count(client, carol) == 0
    assert statuses_count(client, alice) == 1
    assert db.execute(
        "SELECT count(*) FROM statuses.statuses WHERE reblog_of_id = %s", (gone,)
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM home_timeline.home_timeline WHERE reblog_of_id = %s", (gone,)
    ).fetchone() == (0,)
    assert client.post(f"/api/v1/statuses/{gone}/reblog", headers=carol.auth).status_code == 404
    # `tidings projections verify`: a replay from the log matches the live rows, and a
    # rebuild swapped in answers the same.
    with psycopg.connect(database, autocommit=True) as conn:
        for name in ("statuses", "home_timeline", "account_stats"):
            assert set(verify(conn, store, name).values()) == {0}, name
            rebuild(conn, store, name)
            assert set(verify(conn, store, name).values()) == {0}, name
    assert statuses_count(client, bob) == 1
    assert [
        s["reblog"]["id"] for s in client.get("/api/v1/timelines/home", headers=carol.auth).json()
    ] == [kept]


def test_only_the_author_reblogs_a_private_status_and_nobody_a_direct_one(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, follower, stranger = (
        client.register("alice"),
        client.register("follower"),
        client.register("stranger"),
    )
    follow(client, follower, alice)
    private = post(client, alice, "friends only", visibility="private")["id"]
    direct = post(client, alice, "@follower psst", visibility="direct")["id"]
    before = event_count(db)
    for user, status_id, code in (
        (follower, private, 403),  # may see it, may not spread it
        (stranger, private, 404),  # may not even see it
        (follower, direct, 403),
        (alice, direct, 403),
        (stranger, direct, 404),
        (stranger, "0000000000000000zz", 404),
        (stranger, "not-an-id!", 404),
    ):
        response = client.post(f"/api/v1/statuses/{status_id}/reblog", headers=user.auth)
        assert response.status_code == code, (user.username, status_id, response.text)
        expected = "This action is not allowed" if code == 403 else "Record not found"
        assert response.json() == {"error": expected}
    for visibility in ("direct", "local", "list:1", "everyone"):
        response = client.post(
            f"/api/v1/statuses/{private}/reblog",
            headers=alice.auth,
            data={"visibility": visibility},
        )
        assert response.status_code == 422, response.text
        assert "visibility must be one of public, unlisted, private" in response.json()["error"]
    assert event_count(db) == before
    reading = scoped_auth(client, alice, "read")
    before = event_count(db)
    assert client.post(f"/api/v1/statuses/{private}/reblog", headers=reading).status_code == 403
    assert event_count(db) == before
    # The author may: the reblog keeps the original's audience, whatever was asked.
    own = reblog(client, alice, private, visibility="public")
    assert own["visibility"] == "private"
    assert timeline(client, "home", follower) == [direct, private]  # no second copy
    assert client.get(f"/api/v1/statuses/{own['id']}", headers=stranger.auth).status_code == 404
    assert client.get(f"/api/v1/statuses/{own['id']}").status_code == 404


def test_a_reblog_is_never_shown_where_its_original_may_not_be_seen(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    follower = client.register("follower")
    follow(client, follower, alice)
    follow(client, bob, alice)
    private = post(client, alice, "for followers", visibility="private")["id"]
    own = reblog(client, alice, private)["id"]
    follow(client, follower, bob)
    # Bob's home holds the original; he unfollows, and neither it nor the reblog shows.
    client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=bob.auth)
    for path in (f"/api/v1/statuses/{own}", f"/api/v1/statuses/{private}"):
        assert client.get(path, headers=bob.auth).status_code == 404
    shown = client.get("/api/v1/statuses", headers=bob.auth, params={"ids[]": [own, private]})
    assert shown.json() == []
    assert (
        client.get(f"/api/v1/statuses/{private}/reblogged_by", headers=bob.auth).status_code == 404
    )
    before = event_count(db)
    assert client.post(f"/api/v1/statuses/{own}/reblog", headers=bob.auth).status_code == 404
    assert event_count(db) == before
    assert client.get(f"/api/v1/statuses/{own}", headers=follower.auth).status_code == 200


def test_reblogged_by_lists_rebloggers_newest_first_paged_with_links(client: Client) -> None:
    alice = client.register("alice")
    fans = [client.register(f"fan{n}") for n in range(3)]
    status_id = post(client, alice, "popular")["id"]
    for fan in fans:
        reblog(client, fan, status_id)
    reblog(client, alice, status_id, visibility="private")  # followers-only: not listed
    page = client.get(f"/api/v1/statuses/{status_id}/reblogged_by", params={"limit": 2})
    assert page.status_code == 200, page.text
    assert [a["id"] for a in page.json()] == [fans[2].id, fans[1].id]
    rest = client.get(links(page)["next"])
    assert [a["id"] for a in rest.json()] == [fans[0].id]
    newer = client.get(links(rest)["prev"])
    assert [a["id"] for a in newer.json()] == [fans[2].id, fans[1].id]
    # A reblog's id lists its original's rebloggers; a token must allow reading accounts.
    wrapped = client.get(f"/api/v1/accounts/{fans[0].id}").json()
    assert wrapped["statuses_count"] == 1
    by_reblog = client.get(f"/api/v1/statuses/{status_id}/reblogged_by", headers=fans[0].auth)
    assert len(by_reblog.json()) == 3
    limited = scoped_auth(client, alice, "read:statuses")
    refused = client.get(f"/api/v1/statuses/{status_id}/reblogged_by", headers=limited)
    assert refused.status_code == 403


@pytest.mark.parametrize("action", ["reblog", "unreblog"])
def test_reblogging_needs_write_statuses(
    client: Client, db: psycopg.Connection[Any], action: str
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status_id = post(client, alice, "scoped")["id"]
    favourites_only = scoped_auth(client, bob, "write:favourites")
    before = event_count(db)
    response = client.post(f"/api/v1/statuses/{status_id}/{action}", headers=favourites_only)
    assert response.status_code == 403 and "error" in response.json()
    assert client.post(f"/api/v1/statuses/{status_id}/{action}").status_code == 401
    assert event_count(db) == before


def test_mastodon_py_reblogs_lists_rebloggers_and_unreblogs(live_server: str) -> None:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may carry this traffic
    client_id, client_secret = Mastodon.create_app(
        "mastodon.py",
        api_base_url=live_server,
        scopes=["read", "write", "follow", "push"],
        session=session,
    )
    apis = {}
    for name in ("alice", "bob"):
        api = Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=live_server,
            version_check_mode="none",
            session=session,
        )
        api.create_account(name, "correct horse", f"{name}@example.org", agreement=True)
        apis[name] = api
    original = apis["alice"].status_post("worth a boost")
    boosted = apis["bob"].status_reblog(original.id, visibility="unlisted")
    assert boosted.reblog.id == original.id and boosted.visibility == "unlisted"
    assert boosted.reblogged is True and boosted.reblog.reblogs_count == 1
    assert [a.username for a in apis["alice"].status_reblogged_by(original.id)] == ["bob"]
    undone = apis["bob"].status_unreblog(original.id)
    assert undone.id == original.id and undone.reblogged is False
    assert apis["alice"].status_reblogged_by(original.id) == []


def test_a_reblogs_id_stands_for_its_original_when_marked_replied_to_or_quoted(
    client: Client,
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    status_id = post(client, alice, "the original")["id"]
    boosted = reblog(client, bob, status_id)["id"]
    liked = act(client, carol, boosted, "favourite")
    assert (liked["id"], liked["favourited"], liked["favourites_count"]) == (status_id, True, 1)
    marked = act(client, carol, boosted, "bookmark")
    assert (marked["id"], marked["bookmarked"]) == (status_id, True)
    reply = post(client, carol, "agreed", in_reply_to_id=boosted)
    assert (reply["in_reply_to_id"], reply["in_reply_to_account_id"]) == (status_id, alice.id)
    quote = post(client, carol, "quoting", quote_id=boosted)
    assert quote["pleroma"]["quote_id"] == status_id
    # The reblog shows the viewer's marks of its original.
    shown = client.get(f"/api/v1/statuses/{boosted}", headers=carol.auth).json()
    assert (shown["favourited"], shown["bookmarked"], shown["reblog"]["replies_count"]) == (
        True,
        True,
        1,
    )


def test_a_reblog_shows_its_original_as_edited_and_cannot_itself_be_edited(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status_id = post(client, alice, "first draft")["id"]
    boosted = reblog(client, bob, status_id)["id"]
    edited = client.put(
        f"/api/v1/statuses/{status_id}", headers=alice.auth, data={"status": "second draft"}
    )
    assert edited.status_code == 200, edited.text
    shown = client.get(f"/api/v1/statuses/{boosted}").json()
    assert shown["edited_at"] is None and shown["content"] == ""
    assert shown["reblog"]["edited_at"] is not None
    assert "second draft" in shown["reblog"]["content"]
    before = event_count(db)
    refused = client.put(f"/api/v1/statuses/{boosted}", headers=bob.auth, data={"status": "x"})
    assert refused.status_code == 404 and "error" in refused.json()
    assert event_count(db) == before
