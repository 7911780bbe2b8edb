from datetime import datetime

import msgspec


class RegisterApp(msgspec.Struct, kw_only=True, frozen=True):
    app_id: str
    client_id: str
    client_secret_digest: str
    name: str
    website: str | None
    redirect_uris: list[str]
    scopes: list[str]


class IssueCode(msgspec.Struct, kw_only=True, frozen=True):
    code_digest: str
    app_id: str
    account_id: str
    scopes: list[str]
    redirect_uri: str
    expires_at: datetime


class IssueToken(msgspec.Struct, kw_only=True, frozen=True):
    token_id: str
    app_id: str
    account_id: str | None
    token_digest: str
    refresh_digest: str | None
    scopes: list[str]
    grant_type: str
    code_digest: str | None = None  # authorization_code grant: redeemed in the same append
    replaces_token_id: str | None = None  # refresh_token grant: the old token is revoked


class RevokeToken(msgspec.Struct, kw_only=True, frozen=True):
    token_id: str
