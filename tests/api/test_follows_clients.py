"""Following, follow requests, endorsements and notes through Mastodon.py, against a real
socket: what an app built on it calls, with its own paging."""

from typing import Any

from tests.helpers import mastodon_py


def _ids(page: Any) -> list[str]:
    return [a.id for a in page]


def test_mastodon_py_follows_answers_requests_endorses_and_notes(live_server: str) -> None:
    alice, bob, carol = (mastodon_py(live_server, n) for n in ("alice", "bob", "carol"))
    me_alice = alice.account_verify_credentials()
    me_bob = bob.me()
    me_carol = carol.me()
    assert bob.account_update_credentials(locked=True).locked is True

    asked = alice.account_follow(me_bob.id, notify=True)
    assert asked.requested is True and asked.following is False
    carol.account_follow(me_bob.id)
    waiting = bob.follow_requests(limit=1)
    assert _ids(waiting) == [me_carol.id]
    assert _ids(bob.fetch_next(waiting)) == [me_alice.id]
    assert bob.me().source.follow_requests_count == 2

    authorized = bob.follow_request_authorize(me_alice.id)
    assert authorized.followed_by is True
    rejected = bob.follow_request_reject(me_carol.id)
    assert rejected.requested_by is False and rejected.followed_by is False
    assert bob.follow_requests() == []

    [relationship] = alice.account_relationships(me_bob.id)
    assert relationship.following is True and relationship.notifying is True
    assert [a.id for a in bob.account_followers(me_bob.id)] == [me_alice.id]
    assert [a.id for a in alice.account_following(me_alice.id)] == [me_bob.id]

    assert alice.account_pin(me_bob.id).endorsed is True
    assert [a.id for a in alice.endorsements()] == [me_bob.id]
    assert alice.account_note_set(me_bob.id, "met at the fair").note == "met at the fair"
    [relationship] = alice.account_relationships([me_bob.id])
    assert relationship.endorsed is True and relationship.note == "met at the fair"

    assert alice.account_unpin(me_bob.id).endorsed is False
    unfollowed = alice.account_unfollow(me_bob.id)
    assert unfollowed.following is False
    assert bob.account_followers(me_bob.id) == []
    assert carol.account_follow(me_alice.id).following is True
    removed = alice.account_remove_from_followers(me_carol.id)
    assert removed.followed_by is False
