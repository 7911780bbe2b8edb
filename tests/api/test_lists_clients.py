"""Lists through Mastodon.py against a real socket: an exclusive list, its members' posts
and reblogs in its timeline (paged with fetch_next), and an unfollow emptying it."""

from tests.api.test_timelines_clients import _ids
from tests.helpers import mastodon_py


def test_mastodon_py_reads_a_list_timeline_with_reblogs_and_an_exclusive_list(
    live_server: str,
) -> None:
    alice, bob, erin = (mastodon_py(live_server, name) for name in ("alice", "bob", "erin"))
    bob_id = bob.account_verify_credentials().id
    alice.account_follow(bob_id)
    close = alice.list_create("close", exclusive=True)
    assert (close.title, close.exclusive, close.replies_policy) == ("close", True, "list")
    alice.list_accounts_add(close, [bob_id])
    assert [a.id for a in alice.list_accounts(close)] == [bob_id]

    posted = [bob.status_post(f"number {n}").id for n in range(3)]
    original = erin.status_post("worth a boost")
    boosted = bob.status_reblog(original.id)
    first = alice.timeline_list(close, limit=2)
    assert _ids(first) == [boosted.id, posted[2]]
    assert first[0].reblog.id == original.id and first[0].account.id == bob_id
    assert _ids(alice.fetch_next(first)) == [posted[1], posted[0]]
    assert alice.timeline_home() == []  # bob is in an exclusive list

    alice.account_unfollow(bob_id)
    assert alice.list_accounts(close) == [] and alice.account_lists(bob_id) == []
    assert alice.timeline_list(close) == []
