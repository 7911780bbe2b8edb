#!/usr/bin/env python3
"""Compatibility check: drive a running Tidings server with the real Mastodon.py client.

Registers three fresh accounts (alice, bob and a stranger), logs in with the password
grant, edits a profile, posts public and followers-only statuses, follows, reads the home
and public timelines, checks who may see the private post, and deletes a status.

    python bench/mastodon_py_check.py --base http://127.0.0.1:4000

`run_checks(base_url)` returns the names of the checks passed and raises AssertionError,
naming the check, at the first failure. Only loopback servers are accepted.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from mastodon import Mastodon, MastodonError, MastodonNotFoundError

SCOPES = ["read", "write", "follow"]
OOB = "urn:ietf:wg:oauth:2.0:oob"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
# Other users' views follow a write "within a fraction of a second"; allow a margin.
PROPAGATION_TIMEOUT_S = 5.0


@dataclass
class Person:
    username: str
    email: str
    password: str
    api: Mastodon
    account_id: str = ""


def loopback_base(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise ValueError(f"base URL must be http(s) on 127.0.0.1 or localhost, got {url!r}")
    return url.rstrip("/")


def local_session() -> requests.Session:
    # trust_env=False: no proxy from the environment may carry this traffic off the host.
    session = requests.Session()
    session.trust_env = False
    return session


def client(base: str, client_id: str, client_secret: str) -> Mastodon:
    return Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=base,
        version_check_mode="none",
        ratelimit_method="throw",  # fail fast instead of sleeping on a rate limit
        request_timeout=15,
        session=local_session(),
    )


def ids(statuses: Sequence[Any]) -> set[str]:
    return {str(s.id) for s in statuses}


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Polls until `condition` holds: another user's view may lag a write slightly."""
    deadline = time.monotonic() + PROPAGATION_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} (waited {PROPAGATION_TIMEOUT_S:.0f} s)")
        time.sleep(0.1)


class Checks:
    """Collects passed check names; `check(name)` turns any failure inside it into an
    AssertionError that names the check."""

    def __init__(self) -> None:
        self.passed: list[str] = []

    @contextmanager
    def check(self, name: str) -> Iterator[None]:
        try:
            yield
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
        except MastodonError as exc:
            raise AssertionError(f"{name}: {type(exc).__name__}: {exc}") from exc
        self.passed.append(name)


def run_checks(base_url: str) -> list[str]:
    base = loopback_base(base_url)
    c = Checks()
    suffix = secrets.token_hex(3)  # fresh accounts on every run

    with c.check("create_app"):
        client_id, client_secret = Mastodon.create_app(
            f"tidings-check-{suffix}",
            scopes=SCOPES,
            redirect_uris=OOB,
            api_base_url=base,
            session=local_session(),
        )
        assert client_id and client_secret, f"empty credentials: {client_id!r}"

    with c.check("instance_version"):
        # log_in() reads GET /api/v1/instance/ for the version, and Mastodon.py 2.3.3
        # recurses without end when that fails: check it first, for a clear failure.
        version = client(base, client_id, client_secret).retrieve_mastodon_version(fail_hard=True)
        assert version, "empty version"

    people: dict[str, Person] = {}
    with c.check("create_account"):
        for role in ("alice", "bob", "stranger"):
            username = f"{role}_{suffix}"
            person = Person(
                username=username,
                email=f"{username}@example.com",
                password=secrets.token_urlsafe(16),
                api=client(base, client_id, client_secret),
            )
            token = person.api.create_account(
                person.username,
                person.password,
                person.email,
                agreement=True,
                locale="en",
                scopes=SCOPES,
                to_file=None,
            )
            assert isinstance(token, str) and token, f"{role}: no access token: {token!r}"
            people[role] = person
    alice, bob, stranger = people["alice"], people["bob"], people["stranger"]

    # Log in again with the password grant, on fresh clients, and use those tokens from
    # here on: Mastodon logs in by email, Pleroma by nickname or email, so try both.
    for name, person, login in (
        ("log_in_email", alice, alice.email),
        ("log_in_username", bob, bob.username),
    ):
        with c.check(name):
            person.api = client(base, client_id, client_secret)
            token = person.api.log_in(
                username=login, password=person.password, scopes=SCOPES, allow_http=True
            )
            assert token, "no access token"

    with c.check("account_verify_credentials"):
        for person in (alice, bob, stranger):
            me = person.api.account_verify_credentials()
            assert me.username == person.username, f"username {me.username!r}"
            assert me.id, "no id"
            person.account_id = str(me.id)

    with c.check("account_update_credentials"):
        display_name, note = f"Alice {suffix}", f"Testing Tidings {suffix}"
        updated = alice.api.account_update_credentials(display_name=display_name, note=note)
        assert updated.display_name == display_name, f"display_name {updated.display_name!r}"
        assert note in updated.note, f"note {updated.note!r}"  # note is rendered HTML
        again = alice.api.account_verify_credentials()
        assert again.display_name == display_name, "update not visible on a later read"

    with c.check("status_post_public"):
        early_text = f"first public post {suffix}"
        early = alice.api.status_post(early_text, visibility="public")
        assert early.visibility == "public", f"visibility {early.visibility!r}"
        assert early_text in early.content, f"content {early.content!r}"
        assert str(early.account.id) == alice.account_id, "posted as someone else"

    with c.check("status"):
        for person in (alice, bob):
            fetched = person.api.status(early.id)
            assert str(fetched.id) == str(early.id), f"{person.username} got {fetched.id}"

    with c.check("account_follow"):
        relationship = bob.api.account_follow(alice.account_id)
        assert relationship.following, f"bob does not follow alice: {relationship}"

    with c.check("status_post_private"):
        private = alice.api.status_post(f"followers only {suffix}", visibility="private")
        assert private.visibility == "private", f"visibility {private.visibility!r}"
        # Posted after the private one, so once it shows, the private one was processed too.
        later = alice.api.status_post(f"after follow {suffix}", visibility="public")

    with c.check("timeline_home"):
        wait_for(
            lambda: str(later.id) in ids(bob.api.timeline_home()),
            "alice's post after the follow is not in bob's home timeline",
        )

    with c.check("timeline_public"):
        wait_for(
            lambda: str(later.id) in ids(bob.api.timeline_public()),
            "alice's public post is not in the public timeline",
        )
        public_ids = ids(bob.api.timeline_public())
        assert str(early.id) in public_ids, "alice's first public post is missing"
        assert str(private.id) not in public_ids, "the private post is in the public timeline"

    with c.check("private_visible_to_follower"):
        assert str(private.id) in ids(bob.api.timeline_home()), "not in bob's home timeline"
        assert str(bob.api.status(private.id).id) == str(private.id), "bob cannot fetch it"

    with c.check("private_hidden_from_stranger"):
        try:
            leaked = stranger.api.status(private.id)
        except MastodonNotFoundError:
            pass  # Mastodon answers 404, so the post's existence does not leak either
        else:
            raise AssertionError(f"a non-follower can read the private post: {leaked.id}")
        assert str(private.id) not in ids(stranger.api.timeline_home()), "in stranger's home"

    with c.check("status_delete"):
        deleted = alice.api.status_delete(early.id)
        assert str(deleted.id) == str(early.id), f"returned status {deleted.id}"
        # Clients offer "delete and redraft" from the returned source text.
        assert deleted.get("text") == early_text, f"text {deleted.get('text')!r}"
        try:
            gone = alice.api.status(early.id)
        except MastodonNotFoundError:
            pass
        else:
            raise AssertionError(f"deleted status still served: {gone.id}")
        wait_for(
            lambda: str(early.id) not in ids(bob.api.timeline_public()),
            "the deleted status is still in the public timeline",
        )

    return c.passed


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--base", default="http://127.0.0.1:4000", help="server (loopback only)")
    args = ap.parse_args(argv)
    try:
        base = loopback_base(args.base)
    except ValueError as exc:
        ap.error(str(exc))
    try:
        passed = run_checks(base)
    except AssertionError as exc:
        print(f"FAILED {exc}", file=sys.stderr)
        return 1
    for name in passed:
        print(f"ok  {name}")
    print(f"{len(passed)} checks passed against {base}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
