"""The WebSocket streaming endpoint over Litestar's test client: every stream, the three
ways to authenticate, ``pleroma:respond``, and who is shown what."""

import json
from typing import Any

import psycopg
import pytest
import redis
from litestar.exceptions import WebSocketDisconnect
from litestar.testing import WebSocketTestSession

from tests.api.test_oauth import new_app, password_token
from tests.api.test_statuses import follow, post, scoped_auth
from tests.helpers import Client, User, event_count, eventually
from tidings.api.settings import Settings
from tidings.domain.application import Tidings
from tidings.workers.streaming import StreamingPublisher, position_key

WAIT = 10.0  # seconds a test waits for a frame that must come
STREAMING = "/api/v1/streaming"


def frames_until(ws: WebSocketTestSession, event: str) -> dict[str, Any]:
    """The next frame of the event type, skipping others."""
    while True:
        frame: dict[str, Any] = json.loads(ws.receive_text(timeout=WAIT))
        if frame["event"] == event:
            return frame


def next_status(ws: WebSocketTestSession, event: str = "update") -> tuple[list[str], str]:
    """The stream attribute and status id of the next ``event`` frame."""
    frame = frames_until(ws, event)
    return frame["stream"], json.loads(frame["payload"])["id"]


def send(ws: WebSocketTestSession, **event: Any) -> dict[str, Any]:
    """Sends a client event and returns the ``pleroma:respond`` payload it got."""
    ws.send_text(json.dumps(event))
    reply: dict[str, Any] = json.loads(frames_until(ws, "pleroma:respond")["payload"])
    return reply


def connect(client: Client, user: User | None = None, **query: str) -> WebSocketTestSession:
    params = {**query, **({"access_token": user.token} if user else {})}
    return client.http.websocket_connect(STREAMING, params=params)


def test_public_stream_gets_public_posts_only(client: Client) -> None:
    alice = client.register("alice")
    with connect(client, stream="public") as ws:
        for visibility in ("unlisted", "private", "direct"):
            post(client, alice, f"not public {visibility}", visibility=visibility)
        public = post(client, alice, "hello stream")
        frame = frames_until(ws, "update")
    assert frame["stream"] == ["public"]
    assert isinstance(frame["payload"], str)  # a JSON string, as Mastodon sends it
    shown = json.loads(frame["payload"])
    assert shown["id"] == public["id"]
    assert shown["content"] == public["content"]
    assert shown["account"]["id"] == alice.id


def test_local_only_posts_stream_to_signed_in_readers_only(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    with (
        connect(client, stream="public:local") as anonymous,
        connect(client, bob, stream="public:local") as signed_in,
    ):
        local = post(client, alice, "just us", visibility="local")["id"]
        marker = post(client, alice, "everyone")["id"]
        assert next_status(signed_in) == (["public:local"], local)
        assert next_status(anonymous) == (["public:local"], marker)


def test_subscribe_style_hashtag_until_unsubscribed(client: Client) -> None:
    alice = client.register("alice")
    with connect(client) as ws:
        assert send(ws, type="subscribe", stream="hashtag", tag="Cofe") == {
            "type": "subscribe",
            "result": "success",
        }
        assert send(ws, type="subscribe", stream="hashtag", tag="cofe")["result"] == "ignored"
        post(client, alice, "no tag here")
        tagged = post(client, alice, "morning #cofe")["id"]
        assert next_status(ws) == (["hashtag", "cofe"], tagged)
        assert send(ws, type="unsubscribe", stream="hashtag", tag="cofe") == {
            "type": "unsubscribe",
            "result": "success",
        }
        assert send(ws, type="unsubscribe", stream="hashtag", tag="cofe")["result"] == "ignored"
        assert send(ws, type="subscribe", stream="public")["result"] == "success"
        post(client, alice, "again #cofe")
        again = post(client, alice, "and after")["id"]
        # The tagged post after unsubscribing came only as itself on ``public``.
        frames = [frames_until(ws, "update") for _ in range(2)]
    assert [f["stream"] for f in frames] == [["public"], ["public"]]
    assert json.loads(frames[1]["payload"])["id"] == again


def test_user_stream_follows_the_home_timeline(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    follow(client, bob, alice)
    with connect(client, bob, stream="user") as bobs, connect(client, carol, stream="user") as cs:
        private = post(client, alice, "followers only", visibility="private")["id"]
        assert next_status(bobs) == (["user"], private)
        own = post(client, carol, "carol's own", visibility="private")["id"]
        # Carol follows no one: alice's private post never reached her stream.
        assert next_status(cs) == (["user"], own)


def test_direct_posts_reach_the_addressed_with_their_conversation(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    follow(client, carol, alice)
    with (
        connect(client, bob, stream="direct") as direct,
        connect(client, bob, stream="user") as home,
        connect(client, carol, stream="user") as carols,
    ):
        message = post(client, alice, "@bob psst", visibility="direct")["id"]
        conversation = json.loads(frames_until(direct, "conversation")["payload"])
        assert next_status(home) == (["user"], message)
        marker = post(client, alice, "hello all")["id"]
        assert next_status(carols) == (["user"], marker)
    assert conversation["last_status"]["id"] == message
    assert [a["id"] for a in conversation["accounts"]] == [alice.id]
    assert conversation["unread"] is True  # rendered for bob, who has not read it


def test_sec_websocket_protocol_authenticates_and_is_echoed(client: Client) -> None:
    alice = client.register("alice")
    with client.http.websocket_connect(
        f"{STREAMING}?stream=user", subprotocols=[alice.token]
    ) as ws:
        assert ws.accepted_subprotocol == alice.token
        own = post(client, alice, "mine", visibility="private")["id"]
        assert next_status(ws) == (["user"], own)


def test_pleroma_authenticate_after_connecting(client: Client) -> None:
    alice = client.register("alice")
    with connect(client) as ws:
        assert send(ws, type="subscribe", stream="user") == {
            "type": "subscribe",
            "result": "error",
            "error": "unauthorized",
        }
        assert send(ws, type="pleroma:authenticate", token="not a token") == {
            "type": "pleroma:authenticate",
            "result": "error",
            "error": "unauthorized",
        }
        assert send(ws, type="pleroma:authenticate", token=alice.token) == {
            "type": "pleroma:authenticate",
            "result": "success",
        }
        assert send(ws, type="pleroma:authenticate", token=alice.token)["error"] == (
            "already_authenticated"
        )
        assert send(ws, type="subscribe", stream="user")["result"] == "success"
        own = post(client, alice, "now I see it", visibility="private")["id"]
        assert next_status(ws) == (["user"], own)


def test_bad_subscriptions_are_refused_and_the_connection_goes_on(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    bobs_list = client.post("/api/v1/lists", headers=bob.auth, data={"title": "mine"}).json()
    before = event_count(db)
    with connect(client, alice) as ws:
        for event, error in (
            ({"stream": "nonsense"}, "bad_topic"),
            ({"stream": "hashtag"}, "bad_topic"),  # no tag
            ({"stream": "list"}, "bad_topic"),  # no list
            ({"stream": "list", "list": bobs_list["id"]}, "bad_topic"),  # not hers
            ({"stream": "list", "list": "not-an-id"}, "bad_topic"),
            ({}, "bad_topic"),
        ):
            for kind in ("subscribe", "unsubscribe"):
                assert send(ws, type=kind, **event) == {
                    "type": kind,
                    "result": "error",
                    "error": error,
                }
        ws.send_text("not json")
        ws.send_text(json.dumps({"type": "something else"}))  # not answered, as Pleroma
        assert send(ws, type="subscribe", stream="public")["result"] == "success"
        public = post(client, alice, "still here")["id"]
        assert next_status(ws) == (["public"], public)
    assert event_count(db) == before + 1  # the post alone


def test_a_token_without_the_scope_cannot_stream_notifications(client: Client) -> None:
    alice = client.register("alice")
    headers = scoped_auth(client, alice, "read:statuses")
    token = headers["Authorization"].removeprefix("Bearer ")
    with client.http.websocket_connect(STREAMING, params={"access_token": token}) as ws:
        assert send(ws, type="subscribe", stream="user:notification")["error"] == "unauthorized"
        assert send(ws, type="subscribe", stream="user")["result"] == "success"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"stream": "nonsense"}, 4404),
        ({"stream": "hashtag"}, 4404),
        ({"stream": "user"}, 4401),  # no token
        ({"stream": "public", "access_token": "bad"}, 4401),
    ],
)
def test_query_style_refuses_bad_streams_and_tokens_before_accepting(
    client: Client, db: psycopg.Connection[Any], query: dict[str, str], code: int
) -> None:
    """Pleroma answers these with HTTP 404 and 401 instead of upgrading; over a real
    server the client sees that status (tests/api/test_streaming_live.py)."""
    before = event_count(db)
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        client.http.websocket_connect(STREAMING, params=query) as ws,
    ):
        ws.receive_text(timeout=WAIT)
    assert refused.value.code == code
    assert event_count(db) == before


def test_delete_and_edit_reach_the_streams_that_showed_the_status(client: Client) -> None:
    alice = client.register("alice")
    with connect(client, stream="public") as ws:
        status = post(client, alice, "first draft")["id"]
        assert next_status(ws) == (["public"], status)
        edited = client.put(
            f"/api/v1/statuses/{status}", headers=alice.auth, data={"status": "second draft"}
        )
        assert edited.status_code == 200, edited.text
        frame = frames_until(ws, "status.update")
        assert frame["stream"] == ["public"]
        assert "second draft" in json.loads(frame["payload"])["content"]
        assert client.delete(f"/api/v1/statuses/{status}", headers=alice.auth).status_code == 200
        deleted = frames_until(ws, "delete")
    assert deleted == {"event": "delete", "payload": status}  # no stream, as Pleroma


def test_list_stream_carries_its_members_posts(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    follow(client, bob, alice)
    follow(client, bob, carol)
    made = client.post("/api/v1/lists", headers=bob.auth, data={"title": "alice"}).json()
    added = client.post(
        f"/api/v1/lists/{made['id']}/accounts", headers=bob.auth, data={"account_ids[]": alice.id}
    )
    assert added.status_code == 200, added.text
    with connect(client, bob, stream="list", list=made["id"]) as ws:
        post(client, carol, "not on the list")
        listed = post(client, alice, "on the list", visibility="private")["id"]
        assert next_status(ws) == (["list", made["id"]], listed)


def test_reblogs_reach_the_rebloggers_followers(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    follow(client, carol, bob)
    status = post(client, alice, "worth sharing")["id"]
    with connect(client, carol, stream="user") as ws:
        reblogged = client.post(f"/api/v1/statuses/{status}/reblog", headers=bob.auth)
        assert reblogged.status_code == 200, reblogged.text
        frame = frames_until(ws, "update")
    shown = json.loads(frame["payload"])
    assert shown["reblog"]["id"] == status
    assert shown["account"]["id"] == bob.id


def test_follow_relationship_updates_go_to_the_follower(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    with connect(client, bob, stream="user") as ws:
        follow(client, bob, alice)
        followed = json.loads(frames_until(ws, "pleroma:follow_relationships_update")["payload"])
        unfollowed = client.post(f"/api/v1/accounts/{alice.id}/unfollow", headers=bob.auth)
        assert unfollowed.status_code == 200, unfollowed.text
        after = json.loads(frames_until(ws, "pleroma:follow_relationships_update")["payload"])
    assert followed == {
        "state": "follow_accept",
        "follower": {"id": bob.id, "follower_count": 0, "following_count": 1},
        "following": {"id": alice.id, "follower_count": 1, "following_count": 0},
    }
    assert after["state"] == "unfollow"
    assert after["following"] == {"id": alice.id, "follower_count": 0, "following_count": 0}


def test_a_muted_thread_is_not_streamed_to_who_muted_it(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    follow(client, bob, alice)
    thread = post(client, alice, "a long thread")["id"]
    muted = client.post(f"/api/v1/statuses/{thread}/mute", headers=bob.auth)
    assert muted.status_code == 200, muted.text
    with connect(client, bob, stream="user") as ws:
        post(client, alice, "more of it", in_reply_to_id=thread)
        elsewhere = post(client, alice, "something else")["id"]
        assert next_status(ws) == (["user"], elsewhere)


@pytest.mark.parametrize("action", ["block", "mute"])
def test_blocked_and_muted_authors_are_not_streamed(client: Client, action: str) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    refused = client.post(f"/api/v1/accounts/{alice.id}/{action}", headers=bob.auth)
    assert refused.status_code == 200, refused.text
    with connect(client, bob, stream="public") as ws:
        post(client, alice, "you will not see this")
        post(client, carol, f"@{alice.username} nor this")
        marker = post(client, carol, "but this")["id"]
        assert next_status(ws) == (["public"], marker)


def test_who_the_author_blocks_is_not_streamed_their_posts(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    assert client.post(f"/api/v1/accounts/{bob.id}/block", headers=alice.auth).status_code == 200
    with connect(client, bob, stream="public") as ws:
        post(client, alice, "not for bob")
        marker = post(client, carol, "for everyone")["id"]
        assert next_status(ws) == (["public"], marker)


def test_a_second_publisher_stands_by_so_each_event_is_published_once(
    client: Client, settings: Settings, store: Tidings
) -> None:
    alice = client.register("alice")
    extra = StreamingPublisher(settings, store)  # as another process's would
    extra.start()
    try:
        eventually(lambda: extra.tries >= 2)
        assert not extra.leading.is_set()  # the app's own publisher holds the lock
        with connect(client, stream="public") as ws:
            first = post(client, alice, "once")["id"]
            second = post(client, alice, "twice")["id"]
            assert next_status(ws) == (["public"], first)
            assert next_status(ws) == (["public"], second)  # not the first again
    finally:
        extra.stop()


def test_a_standby_publisher_takes_over_from_a_stopped_leader(
    settings: Settings, store: Tidings
) -> None:
    leader, standby = StreamingPublisher(settings, store), StreamingPublisher(settings, store)
    leader.start()
    try:
        eventually(leader.leading.is_set)
        standby.start()
        eventually(lambda: standby.tries >= 2)
        assert not standby.leading.is_set()
        leader.stop()
        eventually(standby.leading.is_set)
    finally:
        leader.stop()
        standby.stop()


def test_list_stream_hides_the_replies_its_policy_hides(client: Client) -> None:
    alice = client.register("alice")
    bob = client.register("bob")
    carol = client.register("carol")
    follow(client, bob, alice)
    made = client.post(
        "/api/v1/lists", headers=bob.auth, data={"title": "no replies", "replies_policy": "none"}
    ).json()
    assert made["replies_policy"] == "none"
    client.post(
        f"/api/v1/lists/{made['id']}/accounts", headers=bob.auth, data={"account_ids[]": alice.id}
    )
    to_carol = post(client, carol, "carol asks")["id"]
    with connect(client, bob, stream="list", list=made["id"]) as ws:
        post(client, alice, "@carol an answer", in_reply_to_id=to_carol)
        plain = post(client, alice, "to everyone")["id"]
        assert next_status(ws) == (["list", made["id"]], plain)


@pytest.fixture
def stale_position(settings: Settings, redis_url: str) -> None:
    """What a database recreated under the same name leaves in Redis: a position its new
    log has not reached."""
    with redis.Redis.from_url(redis_url) as r:
        r.set(position_key(settings), 10**9)


def test_a_position_past_the_log_head_restarts_from_the_head(
    stale_position: None, client: Client
) -> None:
    alice = client.register("alice")
    with connect(client, stream="public") as ws:
        status = post(client, alice, "a new log")["id"]
        assert next_status(ws) == (["public"], status)


def test_a_polls_end_is_streamed_to_its_voters_when_it_comes(client: Client) -> None:
    """No event marks a poll's end: the publisher's tick streams it once it is due."""
    alice, bob = client.register("alice"), client.register("bob")
    poll = post(client, alice, "q", **{"poll[options][]": ["a", "b"], "poll[expires_in]": "2"})
    voted = client.post(
        f"/api/v1/polls/{poll['poll']['id']}/votes", headers=bob.auth, data={"choices[]": "0"}
    )
    assert voted.status_code == 200, voted.text
    with connect(client, bob, stream="user:notification") as ws:
        frame = frames_until(ws, "notification")
    notification = json.loads(frame["payload"])
    assert (notification["type"], notification["status"]["id"]) == ("poll", poll["id"])
    assert frame["stream"] == ["user:notification"]


def test_revoking_a_token_ends_its_streams_and_no_other(client: Client) -> None:
    alice = client.register("alice")
    app = new_app(client)
    token = password_token(client, app, "alice", alice.password)["access_token"]
    other = User(id=alice.id, username="alice", password=alice.password, token=alice.token)
    with (
        client.http.websocket_connect(
            STREAMING, params={"stream": "user", "access_token": token}
        ) as doomed,
        connect(client, other, stream="user") as kept,
    ):
        revoked = client.post(
            "/oauth/revoke",
            data={
                "client_id": app["client_id"],
                "client_secret": app["client_secret"],
                "token": token,
            },
        )
        assert revoked.status_code == 200, revoked.text
        with pytest.raises(WebSocketDisconnect) as ended:
            frames_until(doomed, "update")
        assert ended.value.code == 1008
        posted = post(client, alice, "still streamed to the other token")
        assert next_status(kept) == (["user"], posted["id"])
