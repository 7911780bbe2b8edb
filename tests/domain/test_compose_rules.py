"""The write side's own rules for quotes and list posts, whatever the API checked first."""

from typing import Any

import pytest

from tests.helpers import event_count, post_status
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.addressing import address, list_of, recipients, visibility_of
from tidings.domain.errors import Invalid, NotFound
from tidings.domain.ids import new_id
from tidings.domain.lists.commands import CreateList
from tidings.domain.statuses.commands import PostStatus


def _account(store: Any, name: str) -> str:
    account_id = new_id()
    store.handle(
        RegisterAccount(account_id=account_id, username=name, email=None, password_hash="x")
    )
    return account_id


def _post(author: str, **extra: Any) -> PostStatus:
    return PostStatus(
        status_id=new_id(),
        account_id=author,
        content="<p>x</p>",
        source="x",
        visibility=extra.pop("visibility", "public"),
        **extra,
    )


def test_direct_and_others_private_posts_cannot_be_quoted(store: Any, db: Any) -> None:
    alice, bob = _account(store, "alice"), _account(store, "bob")
    direct = post_status(store, alice, visibility="direct")
    private = post_status(store, alice, visibility="private")
    before = event_count(db)
    for author, quoted in ((alice, direct), (bob, private)):
        with pytest.raises(Invalid):
            store.handle(_post(author, quote_id=quoted))
    with pytest.raises(NotFound):
        store.handle(_post(bob, quote_id=new_id()))
    assert event_count(db) == before
    assert store.handle(_post(alice, quote_id=private)) > 0


def test_only_its_owner_posts_to_a_list(store: Any, db: Any) -> None:
    alice, bob = _account(store, "alice"), _account(store, "bob")
    list_id = new_id()
    store.handle(CreateList(list_id=list_id, owner_id=alice, title="friends"))
    before = event_count(db)
    for cmd in (
        _post(bob, visibility="list", list_id=list_id),
        _post(alice, visibility="list", list_id=new_id()),
    ):
        with pytest.raises(NotFound):
            store.handle(cmd)
    with pytest.raises(Invalid):
        store.handle(_post(alice, visibility="list"))
    assert event_count(db) == before
    assert store.handle(_post(alice, visibility="list", list_id=list_id)) > 0


def test_a_list_post_is_addressed_to_the_list_and_its_members() -> None:
    to, cc = address("list", "a", ["m"], "7", ["b", "m", "a", "c"])
    assert (to, cc) == ([list_of("a", "7"), "m"], ["b", "c"])
    assert visibility_of("a", to, cc) == "list"
    assert recipients(to, cc) == ["m", "b", "c"]
    # Someone else's list collection in to does not make a list post.
    assert visibility_of("a", [list_of("z", "7")], []) == "direct"
