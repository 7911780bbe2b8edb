"""OAuth apps and live tokens, looked up by the digest of what clients present."""

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
            (flake_of(event.originator_id), event.client_id, event.client_secret_digest,
             event.name, event.website, event.redirect_uris, event.scopes, event.published),
        )

    @handles(events.TokenIssued)
    def token_issued(self, cur: Cursor, event: events.TokenIssued) -> None:
        cur.execute(
            "INSERT INTO oauth_tokens (id, token_digest, refresh_digest, app_id, account_id,"
            " scopes, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (flake_of(event.originator_id), event.token_digest, event.refresh_digest,
             event.app_id, event.account_id, event.scopes, event.published),
        )

    @handles(events.TokenRevoked)
    def token_revoked(self, cur: Cursor, event: events.TokenRevoked) -> None:
        cur.execute("DELETE FROM oauth_tokens WHERE id = %s", (flake_of(event.originator_id),))
