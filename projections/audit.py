"""An account's history straight from the log, as ActivityStreams JSON, for auditors."""

from typing import Any

import msgspec
import psycopg

from tidings.domain.addressing import PUBLIC
from tidings.domain.application import Tidings
from tidings.domain.events import Activity, Event
from tidings.domain.ids import is_flake, stream_id

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
_SECRETS = ("password_hash", "token_digest", "refresh_digest", "client_secret_digest")


def _account_id(conn: psycopg.Connection[Any], ref: str) -> str | None:
    row = conn.execute(
        "SELECT id FROM accounts.accounts WHERE id = %s OR lower(username) = lower(%s)",
        (ref if is_flake(ref) else None, ref.removeprefix("@")),
    ).fetchone()
    return str(row[0]) if row else None


def account_history(
    conn: psycopg.Connection[Any], app: Tidings, ref: str, base_url: str
) -> list[dict[str, Any]] | None:
    """Every event of the account's own stream or done by it, in log order; None if unknown.

    Personal fields are decrypted (or null once forgotten); password hashes and token
    digests are never shown.
    """
    account_id = _account_id(conn, ref)
    if account_id is None:
        return None
    rows = conn.execute(
        "SELECT notification_id FROM tidings_events"
        " WHERE originator_id = %s OR convert_from(state, 'UTF8')::jsonb ->> 'actor' = %s"
        " OR convert_from(state, 'UTF8')::jsonb ->> 'account_id' = %s"
        " ORDER BY notification_id",
        (stream_id(account_id), account_id, account_id),
    ).fetchall()
    usernames = dict(conn.execute("SELECT id, username FROM accounts.accounts").fetchall())

    def iri(value: str) -> str:
        head, _, tail = value.partition("/")
        if head in usernames:
            return f"{base_url}/users/{usernames[head]}" + (f"/{tail}" if tail else "")
        return value

    history = []
    for (position,) in rows:
        (notification,) = app.recorder.select_notifications(position, 1)
        event: Event = app.mapper.to_domain_event(notification)  # type: ignore[assignment]
        history.append(_as_activity(event, position, base_url, iri))
    return history


def _as_activity(event: Event, position: int, base_url: str, iri: Any) -> dict[str, Any]:
    state = msgspec.to_builtins(event)
    for name in _SECRETS:
        if name in state:
            state[name] = "[redacted]"
    kind = type(event).__name__
    activity: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": f"{base_url}/events/{position}",
        "type": kind,
        "published": state.pop("published"),
        "stream": str(state.pop("originator_id")),
        "version": state.pop("originator_version"),
    }
    if isinstance(event, Activity):
        activity["actor"] = iri(state.pop("actor"))
        activity["to"] = [t if t == PUBLIC else iri(t) for t in state.pop("to")]
        activity["cc"] = [t if t == PUBLIC else iri(t) for t in state.pop("cc")]
    if isinstance(state.get("object"), str):
        state["object"] = iri(state["object"])
    activity.update(state)
    return activity
