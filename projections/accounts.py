"""Profiles, login credentials and the settings store of local accounts."""

from typing import Any

import msgspec
from psycopg.types.json import Jsonb

from tidings.domain.accounts import events
from tidings.domain.ids import flake_of
from tidings.projections.tracking import Cursor, Projection, handles

# Profile keys with a column of their own; the rest are Pleroma preferences.
_COLUMNS = ("display_name", "note", "locked", "bot", "discoverable", "fields")


class Accounts(Projection):
    name = "accounts"

    @handles(events.Registered)
    def registered(self, cur: Cursor, event: events.Registered) -> None:
        account_id = flake_of(event.originator_id)
        cur.execute(
            "INSERT INTO accounts (id, username, display_name, note, locked, bot, is_admin,"
            " is_moderator, preferences, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (account_id, event.username, event.display_name or "", event.note or "",
             event.locked, event.bot, event.is_admin, event.is_moderator,
             Jsonb({"language": event.language} if event.language else {}), event.published),
        )
        cur.execute(
            "INSERT INTO credentials (account_id, email, password_hash) VALUES (%s, %s, %s)"
            " ON CONFLICT (account_id) DO NOTHING",
            (account_id, event.email, event.password_hash),
        )

    @handles(events.Update)
    def updated(self, cur: Cursor, event: events.Update) -> None:
        if event.object is None:  # the author was forgotten: nothing left to show
            return
        changes = {k: v for k, v in _as_dict(event.object).items() if v is not None}
        settings = changes.pop("settings_store", None)
        columns = {k: changes.pop(k) for k in _COLUMNS if k in changes}
        assignments = [f"{k} = %s" for k in columns]
        values: list[Any] = [Jsonb(v) if k == "fields" else v for k, v in columns.items()]
        assignments.append("preferences = preferences || %s")
        values.append(Jsonb(changes))
        if settings is not None:
            assignments.append("settings_store = %s")
            values.append(Jsonb(settings))
        cur.execute(
            f"UPDATE accounts SET {', '.join(assignments)} WHERE id = %s",  # noqa: S608  keys are ours
            (*values, event.actor),
        )

    @handles(events.PasswordChanged)
    def password_changed(self, cur: Cursor, event: events.PasswordChanged) -> None:
        cur.execute("UPDATE credentials SET password_hash = %s WHERE account_id = %s",
                    (event.password_hash, flake_of(event.originator_id)))


def _as_dict(profile: events.Profile) -> dict[str, Any]:
    return msgspec.structs.asdict(profile)
