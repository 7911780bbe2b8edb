"""A thin client for tests that speak the API as a Mastodon app would."""

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import httpx
import psycopg
import requests
from litestar.testing import TestClient
from mastodon import Mastodon

from tidings.domain.addressing import Visibility
from tidings.domain.application import Tidings
from tidings.domain.ids import new_id
from tidings.domain.statuses.commands import PostStatus

_counter = itertools.count(1)
T = TypeVar("T")


@dataclass
class User:
    id: str
    username: str
    password: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Client:
    def __init__(self, http: TestClient[Any]) -> None:
        self.http = http
        self._app: dict[str, str] | None = None

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.post(url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.patch(url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.put(url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.http.delete(url, **kwargs)

    def app(self, scopes: str = "read write follow push") -> dict[str, str]:
        """An OAuth app and its client-credentials token (created once per client)."""
        if self._app is None:
            created = self.post(
                "/api/v1/apps",
                data={
                    "client_name": "tests",
                    "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                    "scopes": scopes,
                },
            )
            assert created.status_code == 200, created.text
            app = created.json()
            token = self.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": app["client_id"],
                    "client_secret": app["client_secret"],
                    "scope": scopes,
                },
            )
            assert token.status_code == 200, token.text
            self._app = {**app, "token": token.json()["access_token"]}
        return self._app

    def register(
        self, username: str | None = None, password: str = "correct horse", **extra: Any
    ) -> User:
        username = username or f"user{next(_counter)}"
        app = self.app()
        response = self.post(
            "/api/v1/accounts",
            headers={"Authorization": f"Bearer {app['token']}"},
            data={
                "username": username,
                "email": f"{username}@example.org",
                "password": password,
                "agreement": "true",
                "locale": "en",
                **extra,
            },
        )
        assert response.status_code == 200, response.text
        token = response.json()["access_token"]
        me = self.get(
            "/api/v1/accounts/verify_credentials", headers={"Authorization": f"Bearer {token}"}
        )
        assert me.status_code == 200, me.text
        return User(id=me.json()["id"], username=username, password=password, token=token)


def event_count(db: psycopg.Connection[Any]) -> int:
    row = db.execute("SELECT count(*) FROM tidings_events").fetchone()
    return int(row[0]) if row else 0


def post_status(
    store: Tidings, author: str, text: str = "x", visibility: Visibility = "public"
) -> str:
    """A status written straight through the domain, for tests below the API."""
    status_id = new_id()
    store.handle(
        PostStatus(
            status_id=status_id,
            account_id=author,
            content=f"<p>{text}</p>",
            source=text,
            visibility=visibility,
        )
    )
    return status_id


def eventually(check: Callable[[], T], timeout: float = 15.0) -> T:
    """``check()``'s first truthy answer, polled, for what a job does in the background."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"still {answer!r} after {timeout} s")
        time.sleep(0.05)


def events_of(db: psycopg.Connection[Any], stream: UUID, name: str) -> list[dict[str, Any]]:
    """The stored payloads of one stream's events of one type (unencrypted fields only)."""
    rows = db.execute(
        "SELECT state FROM tidings_events WHERE originator_id = %s AND topic LIKE %s"
        " ORDER BY notification_id",
        (stream, f"%:{name}"),
    ).fetchall()
    return [json.loads(bytes(r[0])) for r in rows]


def mastodon_py(base: str, username: str) -> Mastodon:
    """A fresh account on the server at ``base``, signed in through Mastodon.py as an app
    built on it would be."""
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may carry this traffic
    client_id, client_secret = Mastodon.create_app(
        "mastodon.py",
        api_base_url=base,
        scopes=["read", "write", "follow", "push"],
        session=session,
    )
    api = Mastodon(
        client_id=client_id,
        client_secret=client_secret,
        api_base_url=base,
        version_check_mode="none",
        session=session,
    )
    api.create_account(username, "correct horse", f"{username}@example.org", agreement=True)
    return api
