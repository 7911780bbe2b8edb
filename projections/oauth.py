"""OAuth apps and live tokens, looked up by the digest of what clients present."""

from typing import Any

from psycopg import AsyncConnection

from tidings.domain.ids import flake_of
from tidings.domain.oauth import events
from tidings.projections.tracking import Cursor, Projection, handles


class OAuth(Projection):
    name = "oauth"

    @handles(events.AppRegistered)
    def app_registered(self, cur: Cursor, event: events.AppRegistered) -> None:
        cur.execute(
            "INSERT INTO oauth_apps (id, client_id, client_secret_digest, name, website,"
            " redirect_uris, scopes, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (id) DO NOTHING",
            (
                flake_of(event.originator_id),
                event.client_id,
                event.client_secret_digest,
                event.name,
                event.website,
                event.redirect_uris,
                event.scopes,
                event.published,
            ),
        )

    @handles(events.CodeIssued)
    def code_issued(self, cur: Cursor, event: events.CodeIssued) -> None:
        cur.execute(
            "INSERT INTO oauth_codes (stream, code_digest, app_id, account_id, scopes,"
            " redirect_uri, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT DO NOTHING",
            (
                event.originator_id,
                event.code_digest,
                event.app_id,
                event.account_id,
                event.scopes,
                event.redirect_uri,
                event.expires_at,
            ),
        )

    @handles(events.CodeRedeemed)
    def code_redeemed(self, cur: Cursor, event: events.CodeRedeemed) -> None:
        cur.execute("DELETE FROM oauth_codes WHERE stream = %s", (event.originator_id,))

    @handles(events.TokenIssued)
    def token_issued(self, cur: Cursor, event: events.TokenIssued) -> None:
        cur.execute(
            "INSERT INTO oauth_tokens (id, token_digest, refresh_digest, app_id, account_id,"
            " scopes, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (
                flake_of(event.originator_id),
                event.token_digest,
                event.refresh_digest,
                event.app_id,
                event.account_id,
                event.scopes,
                event.published,
            ),
        )

    @handles(events.TokenRevoked)
    def token_revoked(self, cur: Cursor, event: events.TokenRevoked) -> None:
        cur.execute("DELETE FROM oauth_tokens WHERE id = %s", (flake_of(event.originator_id),))


async def token(conn: AsyncConnection[Any], digest: str) -> dict[str, Any] | None:
    cur = await conn.execute(
        "SELECT t.id, t.app_id, t.account_id, t.scopes, a.is_admin, a.is_moderator,"
        " a.deactivated, a.username FROM oauth_tokens t"
        " LEFT JOIN accounts a ON a.id = t.account_id WHERE t.token_digest = %s",
        (digest,),
    )
    return await cur.fetchone()


async def token_by_refresh(conn: AsyncConnection[Any], digest: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM oauth_tokens WHERE refresh_digest = %s", (digest,))
    return await cur.fetchone()


async def app_by_client_id(conn: AsyncConnection[Any], client_id: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM oauth_apps WHERE client_id = %s", (client_id,))
    return await cur.fetchone()


async def app_by_id(conn: AsyncConnection[Any], app_id: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM oauth_apps WHERE id = %s", (app_id,))
    return await cur.fetchone()


async def tokens_of(conn: AsyncConnection[Any], account_id: str) -> list[dict[str, Any]]:
    cur = await conn.execute(
        "SELECT t.*, a.name AS app_name FROM oauth_tokens t"
        " LEFT JOIN oauth_apps a ON a.id = t.app_id WHERE t.account_id = %s ORDER BY t.id",
        (account_id,),
    )
    return await cur.fetchall()


async def code(conn: AsyncConnection[Any], digest: str) -> dict[str, Any] | None:
    cur = await conn.execute("SELECT * FROM oauth_codes WHERE code_digest = %s", (digest,))
    return await cur.fetchone()
