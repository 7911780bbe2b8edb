"""Issuing OAuth access tokens: the one place a token's secret exists in clear."""

import secrets
import time

from tidings.api.entities.oauth import Token
from tidings.api.services import Services, digest
from tidings.domain.ids import new_id
from tidings.domain.oauth.commands import IssueToken
from tidings.projections import accounts

# RFC 6749 5.1: answers that carry secrets must not be cached by anything in between.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def new_secret() -> str:
    return secrets.token_urlsafe(32)


async def grant_token(
    svc: Services,
    app_id: str,
    account_id: str | None,
    scopes: list[str],
    grant_type: str,
    code_digest: str | None = None,
    replaces_token_id: str | None = None,
) -> Token:
    """Appends the token (and, in the same insert, the code redeemed or the token it
    replaces) and returns it once the next request can use it."""
    token_id, access, refresh = new_id(), new_secret(), new_secret()
    await svc.execute(
        IssueToken(
            token_id=token_id,
            app_id=app_id,
            account_id=account_id,
            token_digest=digest(access),
            refresh_digest=digest(refresh) if account_id else None,
            scopes=scopes,
            grant_type=grant_type,
            code_digest=code_digest,
            replaces_token_id=replaces_token_id,
        )
    )
    me = None
    if account_id is not None:
        async with svc.pool.connection() as conn:
            row = await accounts.by_id(conn, account_id)
        if row is not None:
            me = f"{svc.settings.base_url}/users/{row['username']}"
    return Token(
        access_token=access,
        token_type="Bearer",
        scope=" ".join(scopes),
        created_at=int(time.time()),
        id=token_id,
        me=me,
        refresh_token=refresh if account_id else None,
    )
