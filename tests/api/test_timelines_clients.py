"""The timelines, account statuses, thread mutes and search through Mastodon.py, paging
with its own fetch_next and fetch_previous, against a real socket."""

from typing import Any

import requests
from mastodon import Mastodon

from tests.helpers import mastodon_py


def _ids(page: Any) -> list[str]:
    return [s.id for s in page]


def test_mastodon_py_pages_tag_and_account_timelines_mutes_and_searches(
    live_server: str,
) -> None:
    alice = mastodon_py(live_server, "alice")
    bob = mastodon_py(live_server, "bob")
    posted = [alice.status_post(f"number {n} #Counting").id for n in range(5)]
    private = alice.status_post("friends only #counting", visibility="private").id
    me = alice.account_verify_credentials()

    first = bob.timeline_hashtag("counting", limit=2)
    assert _ids(first) == [posted[4], posted[3]]
    second = bob.fetch_next(first)
    assert _ids(second) == [posted[2], posted[1]]
    assert _ids(bob.fetch_previous(second)) == [posted[4], posted[3]]
    assert bob.timeline_hashtag("counting", only_media=True) == []

    own = alice.account_statuses(me.id, limit=3)
    assert _ids(own) == [private, posted[4], posted[3]]
    assert _ids(alice.fetch_next(own)) == [posted[2], posted[1], posted[0]]
    assert _ids(bob.account_statuses(me.id, limit=40)) == posted[::-1]
    assert _ids(alice.account_statuses(me.id, tagged="counting", exclude_direct=True)) == [
        private,
        *posted[::-1],
    ]

    muted = bob.status_mute(posted[0])
    assert muted.muted is True and muted.pleroma.thread_muted is True
    assert posted[0] not in _ids(bob.timeline_hashtag("counting", limit=40))
    assert bob.status_unmute(posted[0]).muted is False

    found = bob.search_v2("number", result_type="statuses")
    assert _ids(found.statuses) == posted[::-1]
    paged = bob.search_v2("number", result_type="statuses", limit=2)
    assert _ids(paged.statuses) == [posted[4], posted[3]]
    further: Any = bob.fetch_next(paged)  # a SearchV2 again, typed as a page of anything
    assert _ids(further.statuses) == [posted[2], posted[1]]
    assert _ids(bob.search_v2("number", result_type="statuses", offset=4).statuses) == [posted[0]]
    everything = alice.search_v2("counting")
    assert _ids(everything.statuses) == [private, *posted[::-1]]
    assert [t.name for t in everything.hashtags] == ["counting"]
    assert [a.acct for a in bob.search_v2("ali", result_type="accounts").accounts] == ["alice"]
    # With version checks on, search_v2 probes the instance before sending offsets.
    session = requests.Session()
    session.trust_env = False
    checked = Mastodon(
        api_base_url=live_server,
        access_token=bob.access_token,
        version_check_mode="created",
        session=session,
    )
    assert _ids(checked.search_v2("number", offset=3).statuses) == [posted[1], posted[0]]
