from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.oauth import events

# ``profile`` (Mastodon 4.3) grants only verify_credentials, for "sign in with" apps.
SCOPES = ("read", "write", "follow", "push", "admin", "profile")


def normalise_scopes(
    requested: str | list[str] | None, allowed: list[str] | None = None
) -> list[str]:
    """Space- or comma-separated scopes; each must be known and within ``allowed``."""
    if requested is None or requested == "" or requested == []:
        requested = "read"
    parts = requested.replace(",", " ").split() if isinstance(requested, str) else requested
    scopes = list(dict.fromkeys(p.strip() for p in parts if p.strip()))
    for scope in scopes:
        if scope.split(":", 1)[0] not in SCOPES:
            raise Invalid(f"Unknown scope: {scope}")
        if allowed is not None and not grants(allowed, scope):
            raise Invalid(f"Scope not allowed for this app: {scope}")
    return scopes


def grants(held: list[str], needed: str) -> bool:
    """``read`` covers ``read:accounts``; a fine scope covers only itself."""
    return needed in held or needed.split(":", 1)[0] in held


def code_stream(code_digest: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/oauth/codes/{code_digest}")


class AuthorizationCode(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.app_id = ""
        self.account_id = ""
        self.scopes: list[str] = []
        self.redirect_uri = ""
        self.expires_at: datetime | None = None
        self.redeemed = False

    def redeem(self, app_id: str, redirect_uri: str | None, token_id: str, now: datetime) -> None:
        if self.redeemed or self.expires_at is None or self.expires_at < now:
            raise Invalid("Invalid or expired authorization code")
        if app_id != self.app_id:
            raise Invalid("Authorization code was issued to another client")
        if redirect_uri is not None and redirect_uri != self.redirect_uri:
            raise Invalid("redirect_uri does not match the authorization request")
        self.trigger(events.CodeRedeemed, token_id=token_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.CodeIssued):
            self.app_id, self.account_id = event.app_id, event.account_id
            self.scopes, self.redirect_uri = event.scopes, event.redirect_uri
            self.expires_at = event.expires_at
        elif isinstance(event, events.CodeRedeemed):
            self.redeemed = True


class Token(Aggregate):
    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.account_id: str | None = None
        self.revoked = False

    def revoke(self) -> None:
        if not self.revoked:
            self.trigger(events.TokenRevoked, account_id=self.account_id)

    def replace(self) -> None:
        """A refresh token works once: a second use, even a concurrent one, is refused."""
        if self.revoked:
            raise Invalid("The refresh token was already used or revoked")
        self.trigger(events.TokenRevoked, account_id=self.account_id)

    def apply(self, event: Event) -> None:
        if isinstance(event, events.TokenIssued):
            self.account_id = event.account_id
        elif isinstance(event, events.TokenRevoked):
            self.revoked = True
