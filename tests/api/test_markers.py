"""Markers: where the reader stopped in home and notifications, with a version that counts
the moves and, on the notifications marker, Pleroma's unread count."""

from typing import Any

import psycopg

from tests.api.test_statuses import post
from tests.helpers import Client, User, event_count


def markers(client: Client, user: User, *timelines: str) -> dict[str, Any]:
    response = client.get(
        "/api/v1/markers", headers=user.auth, params={"timeline[]": list(timelines)}
    )
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_markers_are_saved_per_timeline_and_count_their_versions(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice, bob = client.register("alice"), client.register("bob")
    assert markers(client, alice, "home", "notifications") == {}
    status = post(client, bob, "@alice hi")["id"]
    saved = client.post(
        "/api/v1/markers",
        headers=alice.auth,
        data={"home[last_read_id]": status, "notifications[last_read_id]": "0"},
    )
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["home"]["last_read_id"] == status and body["home"]["version"] == 0
    assert body["home"]["updated_at"].endswith("Z") and "pleroma" not in body["home"]
    assert body["notifications"]["pleroma"] == {"unread_count": 1}
    moved = client.post(
        "/api/v1/markers", headers=alice.auth, json={"home": {"last_read_id": "zzz"}}
    )
    assert moved.status_code == 200
    assert list(moved.json()) == ["home"]
    assert moved.json()["home"]["version"] == 1
    before = event_count(db)
    again = client.post("/api/v1/markers", headers=alice.auth, data={"home[last_read_id]": "zzz"})
    assert again.json()["home"]["version"] == 1  # the same place again moves nothing
    assert event_count(db) == before
    assert list(markers(client, alice, "home")) == ["home"]
    assert markers(client, alice, "home", "notifications")["notifications"]["last_read_id"] == "0"
    assert markers(client, bob, "home") == {}
    assert markers(client, alice) == {}  # none asked, none answered, as Mastodon


def test_a_marker_without_its_position_is_refused_and_writes_nothing(
    client: Client, db: psycopg.Connection[Any]
) -> None:
    alice = client.register("alice")
    before = event_count(db)
    for data in ({"home[last_read_id]": ""}, {"notifications[other]": "1"}):
        response = client.post("/api/v1/markers", headers=alice.auth, data=data)
        assert response.status_code == 422, data
        assert "last_read_id" in response.json()["error"]
    assert event_count(db) == before
    assert client.get("/api/v1/markers").status_code == 401
