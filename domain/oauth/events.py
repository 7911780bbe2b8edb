"""OAuth apps, authorization codes and tokens. Secrets are stored only as SHA-256 digests."""

from datetime import datetime

from tidings.domain.events import Event


class AppRegistered(Event, kw_only=True, frozen=True):
    client_id: str
    client_secret_digest: str
    name: str
    website: str | None
    redirect_uris: list[str]
    scopes: list[str]


class CodeIssued(Event, kw_only=True, frozen=True):
    """Stream named by the code's digest; redeeming appends version 2, so only once."""

    code_digest: str
    app_id: str
    account_id: str
    scopes: list[str]
    redirect_uri: str
    expires_at: datetime


class CodeRedeemed(Event, kw_only=True, frozen=True):
    token_id: str


class TokenIssued(Event, kw_only=True, frozen=True):
    """Stream id is the token's flake id; account_id is None for an app-only token."""

    app_id: str
    account_id: str | None
    token_digest: str
    refresh_digest: str | None
    scopes: list[str]
    grant_type: str


class TokenRevoked(Event, kw_only=True, frozen=True):
    account_id: str | None
