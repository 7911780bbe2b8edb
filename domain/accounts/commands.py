from typing import Any

import msgspec


class RegisterAccount(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    username: str
    email: str | None
    password_hash: str
    display_name: str | None = None
    note: str | None = None
    is_admin: bool = False
    is_moderator: bool = False
    language: str | None = None
    app_id: str | None = None
    by_operator: bool = False  # an operator at the shell may take a reserved name


class UpdateCredentials(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    changes: dict[str, Any]


class ChangePassword(msgspec.Struct, kw_only=True, frozen=True):
    account_id: str
    password_hash: str
