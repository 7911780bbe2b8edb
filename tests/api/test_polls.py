"""Polls: posted in every encoding clients use, limited as /api/v1/instance advertises,
one vote per voter counted once, and nothing about a poll on a status the reader may not
see."""

from datetime import datetime
from typing import Any

import psycopg
import pytest

from tests.api.test_edits import edit, history, mastodon_api
from tests.api.test_statuses import follow, scoped_auth
from tests.helpers import Client, User, event_count
from tidings.domain.application import Tidings
from tidings.projections.rebuild import verify

DAY = 86400


def post_poll(
    client: Client,
    user: User,
    options: list[str],
    expires_in: int = DAY,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "status": "which?",
        "poll[options][]": options,
        "poll[expires_in]": str(expires_in),
        **(extra or {}),
    }
    response = client.post("/api/v1/statuses", headers=user.auth, data=data)
    assert response.status_code == 200, response.text
    status: dict[str, Any] = response.json()
    return status


def vote(client: Client, user: User, poll_id: str, choices: list[int]) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/polls/{poll_id}/votes", headers=user.auth, data={"choices[]": choices}
    )
    assert response.status_code == 200, response.text
    poll: dict[str, Any] = response.json()
    return poll


def counts(poll: dict[str, Any]) -> list[int | None]:
    return [o["votes_count"] for o in poll["options"]]


def test_a_posted_poll_is_shown_with_its_status_in_mastodon_shape(client: Client) -> None:
    alice = client.register("alice")
    status = post_poll(client, alice, ["tea", "coffee"], expires_in=3600)
    poll = status["poll"]
    assert poll == {
        "id": status["id"],
        "expires_at": poll["expires_at"],
        "expired": False,
        "multiple": False,
        "votes_count": 0,
        "voters_count": 0,
        "options": [{"title": "tea", "votes_count": 0}, {"title": "coffee", "votes_count": 0}],
        "emojis": [],
        "voted": True,  # the author's own poll, as Mastodon shows it
        "own_votes": [],
    }
    created = datetime.fromisoformat(status["created_at"])
    ends = datetime.fromisoformat(poll["expires_at"])
    assert 3599 <= (ends - created).total_seconds() <= 3601
    assert client.get(f"/api/v1/polls/{status['id']}").json() == {**poll, "voted": False}
    shown = client.get(f"/api/v1/statuses/{status['id']}").json()
    assert shown["poll"]["options"] == poll["options"]


def test_a_previewed_poll_is_shown_and_nothing_is_written(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    data = {"status": "w", "poll[options][]": ["a", "b"], "poll[expires_in]": "60"}
    preview = client.post("/api/v1/statuses", headers=alice.auth, data={**data, "preview": "true"})
    assert preview.status_code == 200, preview.text
    assert counts(preview.json()["poll"]) == [0, 0]
    assert event_count(db) == before


def test_polls_arrive_as_json_and_as_pleroma_fe_multipart(client: Client) -> None:
    alice = client.register("alice")
    as_json = client.post(
        "/api/v1/statuses",
        headers=alice.auth,
        json={
            "status": "json",
            "poll": {"options": ["a", "b", "c"], "expires_in": 600, "multiple": True},
        },
    )
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["poll"]["multiple"] is True
    assert [o["title"] for o in as_json.json()["poll"]["options"]] == ["a", "b", "c"]
    # Pleroma-FE's postStatus: a FormData with poll[expires_in], poll[multiple] (the text
    # "false") and one poll[options][] per option, besides its own "source".
    fields = [
        ("status", "from the FE"),
        ("source", "Pleroma FE"),
        ("visibility", "public"),
        ("content_type", "text/plain"),
        ("poll[expires_in]", "86400"),
        ("poll[multiple]", "false"),
        ("poll[options][]", "yes"),
        ("poll[options][]", "no"),
    ]
    multipart = client.post(
        "/api/v1/statuses",
        headers=alice.auth,
        files=[(name, (None, value)) for name, value in fields],
    )
    assert multipart.status_code == 200, multipart.text
    assert multipart.json()["poll"]["multiple"] is False
    assert [o["title"] for o in multipart.json()["poll"]["options"]] == ["yes", "no"]
    urlencoded = post_poll(client, alice, ["x", "y"], extra={"poll[hide_totals]": "1"})
    assert urlencoded["poll"]["options"] == [
        {"title": "x", "votes_count": 0},  # the author still sees hidden totals
        {"title": "y", "votes_count": 0},
    ]


@pytest.mark.parametrize(
    ("poll", "message"),
    [
        ({"poll[options][]": ["only"]}, "at least 2 options"),
        ({"poll[options][]": [str(n) for n in range(21)]}, "more than 20 options"),
        ({"poll[options][]": ["same", "same"]}, "duplicate options"),
        ({"poll[options][]": ["x" * 201, "y"]}, "longer than 200 characters"),
        ({"poll[options][]": ["x", " "]}, "cannot be empty"),
        ({"poll[expires_in]": str(366 * DAY)}, "too far in the future"),
        ({"poll[expires_in]": "-1"}, "too soon"),
        ({"poll[expires_in]": "soon"}, "Validation failed"),
        ({"poll[expires_in]": None}, "expires_in] is required"),
        ({"media_ids[]": "1"}, "a poll cannot have media"),
        ({"status": ""}, "empty status"),
        ({"poll[multiple]": "maybe"}, "Validation failed"),
    ],
)
def test_polls_outside_the_limits_are_refused_and_nothing_is_written(
    client: Client, db: psycopg.Connection[Any], poll: dict[str, Any], message: str
) -> None:
    alice = client.register("alice")
    data = {"status": "which?", "poll[options][]": ["a", "b"], "poll[expires_in]": "60", **poll}
    data = {k: v for k, v in data.items() if v is not None}
    before = event_count(db)
    response = client.post("/api/v1/statuses", headers=alice.auth, data=data)
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]
    assert event_count(db) == before
    edit_target = client.post("/api/v1/statuses", headers=alice.auth, data={"status": "t"})
    before = event_count(db)
    edited = client.put(
        f"/api/v1/statuses/{edit_target.json()['id']}", headers=alice.auth, data=data
    )
    assert edited.status_code == 422 and message in edited.json()["error"]
    assert event_count(db) == before


def test_votes_are_counted_once_and_each_reader_sees_their_own(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    single = post_poll(client, alice, ["tea", "coffee", "water"])["id"]
    several = post_poll(client, alice, ["red", "green", "blue"], extra={"poll[multiple]": "true"})
    by_bob = vote(client, bob, single, [1])
    assert (by_bob["voted"], by_bob["own_votes"], counts(by_bob)) == (True, [1], [0, 1, 0])
    assert (by_bob["votes_count"], by_bob["voters_count"]) == (1, 1)
    by_carol = vote(client, carol, several["id"], [0, 2])
    assert (by_carol["own_votes"], counts(by_carol)) == ([0, 2], [1, 0, 1])
    assert (by_carol["votes_count"], by_carol["voters_count"]) == (2, 1)
    vote(client, bob, several["id"], [2])
    # Every rendering carries the reader's own votes: a page of statuses, one poll.
    page = client.get("/api/v1/timelines/public", headers=bob.auth).json()
    polls = {s["id"]: s["poll"] for s in page}
    assert (polls[single]["own_votes"], polls[several["id"]]["own_votes"]) == ([1], [2])
    assert counts(polls[several["id"]]) == [1, 0, 2]
    assert polls[several["id"]]["voters_count"] == 2
    for_carol = client.get(f"/api/v1/polls/{single}", headers=carol.auth).json()
    assert (for_carol["voted"], for_carol["own_votes"]) == (False, [])
    assert client.get(f"/api/v1/polls/{single}").json()["voted"] is False
    before = event_count(db)
    again = client.post(
        f"/api/v1/polls/{single}/votes", headers=bob.auth, data={"choices[]": ["0"]}
    )
    assert again.status_code == 422
    assert again.json() == {"error": "Validation failed: You have already voted on this poll"}
    assert event_count(db) == before


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([], "at least one option"),
        ([3], "The chosen vote option does not exist"),
        ([-1], "The chosen vote option does not exist"),
        ([0, 1], "Too many choices"),
        (["first"], "Validation failed"),
    ],
)
def test_bad_choices_are_refused_and_nothing_is_written(
    client: Client, db: psycopg.Connection[Any], choices: list[Any], message: str
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    poll_id = post_poll(client, alice, ["a", "b", "c"])["id"]
    before = event_count(db)
    response = client.post(
        f"/api/v1/polls/{poll_id}/votes", headers=bob.auth, data={"choices[]": choices}
    )
    assert response.status_code == 422, response.text
    assert message in response.json()["error"]
    assert event_count(db) == before


def test_a_choice_twice_in_a_multiple_choice_vote_is_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    poll_id = post_poll(client, alice, ["a", "b"], extra={"poll[multiple]": "1"})["id"]
    before = event_count(db)
    response = client.post(
        f"/api/v1/polls/{poll_id}/votes", headers=bob.auth, json={"choices": [1, 1]}
    )
    assert response.status_code == 422 and "chosen twice" in response.json()["error"]
    assert event_count(db) == before
    assert vote(client, bob, poll_id, [0, 1])["own_votes"] == [0, 1]


def test_the_author_and_late_voters_are_refused(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    open_poll = post_poll(client, alice, ["a", "b"])["id"]
    ended = post_poll(client, alice, ["a", "b"], expires_in=0)  # the minimum is 0 seconds
    assert ended["poll"]["expired"] is True
    before = event_count(db)
    own = client.post(f"/api/v1/polls/{open_poll}/votes", headers=alice.auth, data={"choices[]": 0})
    assert own.status_code == 422
    assert own.json() == {"error": "Validation failed: Poll's author can't vote"}
    late = client.post(
        f"/api/v1/polls/{ended['id']}/votes", headers=bob.auth, data={"choices[]": 0}
    )
    assert late.status_code == 422
    assert late.json() == {"error": "Validation failed: The poll has already ended"}
    reading = client.post(
        f"/api/v1/polls/{open_poll}/votes",
        headers=scoped_auth(client, bob, "read"),
        data={"choices[]": 0},
    )
    assert reading.status_code == 403
    assert event_count(db) == before + 2  # the scoped app and its token, no vote


def test_hidden_totals_stay_hidden_from_others_until_the_poll_ends(client: Client) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    hidden = post_poll(client, alice, ["a", "b"], extra={"poll[hide_totals]": "true"})["id"]
    voted = vote(client, bob, hidden, [0])
    assert counts(voted) == [None, None] and voted["votes_count"] == 1
    assert counts(client.get(f"/api/v1/polls/{hidden}", headers=alice.auth).json()) == [1, 0]
    ended = post_poll(client, alice, ["a", "b"], expires_in=0, extra={"poll[hide_totals]": "1"})
    assert counts(client.get(f"/api/v1/polls/{ended['id']}").json()) == [0, 0]


def test_a_poll_on_a_status_the_reader_may_not_see_does_not_exist_for_them(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, follower, stranger = client.register("alice"), client.register(), client.register()
    follow(client, follower, alice)
    poll_id = post_poll(client, alice, ["a", "b"], extra={"visibility": "private"})["id"]
    # A status anyone may see, but with no poll, has none to show either.
    plain = client.post("/api/v1/statuses", headers=alice.auth, data={"status": "no poll"})
    before = event_count(db)
    for target in (poll_id, plain.json()["id"], "0000000000000000zz", "not-an-id!"):
        for user in (stranger, None):
            headers = user.auth if user else {}
            shown = client.get(f"/api/v1/polls/{target}", headers=headers)
            assert shown.status_code == 404, (target, shown.text)
            assert shown.json() == {"error": "Record not found"}
        cast = client.post(
            f"/api/v1/polls/{target}/votes", headers=stranger.auth, data={"choices[]": 0}
        )
        assert cast.status_code == 404, cast.text
    assert event_count(db) == before
    assert counts(vote(client, follower, poll_id, [1])) == [0, 1]


def test_an_edit_changing_the_options_resets_the_votes_and_one_keeping_them_does_not(
    client: Client,
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    status = post_poll(client, alice, ["tea", "coffee"])
    vote(client, bob, status["id"], [0])
    same_poll = {"poll[options][]": ["tea", "coffee"], "poll[expires_in]": str(DAY)}
    typo_fixed = edit(client, alice, status["id"], status="which one?", **same_poll)
    assert counts(typo_fixed["poll"]) == [1, 0]
    assert typo_fixed["poll"]["expires_at"] == status["poll"]["expires_at"]  # still running
    shown = client.get(f"/api/v1/polls/{status['id']}", headers=bob.auth).json()
    assert shown["own_votes"] == [0]
    changed = edit(
        client,
        alice,
        status["id"],
        status="which one?",
        **{**same_poll, "poll[options][]": ["tea", "coffee", "water"]},
    )
    assert counts(changed["poll"]) == [0, 0, 0] and changed["poll"]["voters_count"] == 0
    fresh = client.get(f"/api/v1/polls/{status['id']}", headers=bob.auth).json()
    assert (fresh["voted"], fresh["own_votes"]) == (False, [])
    assert counts(vote(client, bob, status["id"], [2])) == [0, 0, 1]
    versions = history(client, bob, status["id"])
    assert [v["poll"] for v in versions] == [
        {"options": [{"title": "tea"}, {"title": "coffee"}]},
        {"options": [{"title": "tea"}, {"title": "coffee"}]},
        {"options": [{"title": "tea"}, {"title": "coffee"}, {"title": "water"}]},
    ]
    removed = edit(client, alice, status["id"], status="no poll after all")
    assert removed["poll"] is None
    assert client.get(f"/api/v1/polls/{status['id']}").status_code == 404
    assert history(client, None, status["id"])[-1]["poll"] is None


def test_polls_and_votes_replay_from_the_log_to_the_same_rows(
    client: Client, database: str, store: Tidings
) -> None:
    alice, bob, carol = client.register("alice"), client.register("bob"), client.register("carol")
    kept = post_poll(client, alice, ["a", "b", "c"], extra={"poll[multiple]": "1"})["id"]
    replaced = post_poll(client, alice, ["x", "y"])["id"]
    gone = post_poll(client, alice, ["p", "q"])["id"]
    vote(client, bob, kept, [0, 2])
    vote(client, carol, kept, [2])
    vote(client, bob, replaced, [1])
    edit(
        client,
        alice,
        replaced,
        status="again",
        **{"poll[options][]": ["x", "z"], "poll[expires_in]": "60"},
    )
    vote(client, carol, replaced, [0])
    vote(client, bob, gone, [0])
    assert client.delete(f"/api/v1/statuses/{gone}", headers=alice.auth).status_code == 200
    with psycopg.connect(database, autocommit=True) as conn:
        assert set(verify(conn, store, "statuses").values()) == {0}
        rows = conn.execute(
            "SELECT status_id, option_votes, votes_count, voters_count FROM statuses.polls"
        ).fetchall()
    assert sorted(rows) == sorted([(kept, [1, 0, 2], 3, 2), (replaced, [1, 0], 1, 1)])


def test_mastodon_py_posts_a_poll_reads_it_and_votes(live_server: str) -> None:
    alice = mastodon_api(live_server, "alice")
    bob = mastodon_api(live_server, "bob")
    status = alice.status_post("pick", poll=alice.make_poll(["one", "two"], expires_in=600))
    assert [o.title for o in status.poll.options] == ["one", "two"]
    voted = bob.poll_vote(status.poll.id, [1])
    assert voted.voted is True and voted.own_votes == [1]
    assert [o.votes_count for o in alice.poll(status.poll.id).options] == [0, 1]
    edited = alice.status_update(
        status.id, "pick again", poll=alice.make_poll(["one", "two", "three"], expires_in=600)
    )
    assert edited.poll.votes_count == 0 and len(edited.poll.options) == 3
    assert bob.poll(status.poll.id).voted is False
