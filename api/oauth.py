"""OAuth 2: apps, the authorization-code flow with a real login form, every token grant,
and revocation. Secrets are compared by digest and never stored in clear."""

import base64
import hmac
import html
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus, urlencode

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.response import Redirect

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.oauth import Application, Token
from tidings.api.errors import ApiError
from tidings.api.params import params, raw_params
from tidings.api.services import Services, digest
from tidings.api.tokens import NO_STORE, grant_token, new_secret
from tidings.domain.errors import Invalid, NotFound
from tidings.domain.ids import new_id
from tidings.domain.oauth.aggregates import normalise_scopes
from tidings.domain.oauth.commands import IssueCode, RegisterApp, RevokeToken
from tidings.projections import accounts, oauth

OOB = "urn:ietf:wg:oauth:2.0:oob"
CODE_LIFETIME = timedelta(minutes=10)
# The login page must not be framed by another site (clickjacking of the password form).
_PAGE_HEADERS = {"X-Frame-Options": "DENY", "Content-Security-Policy": "frame-ancestors 'none'"}


class AppIn(msgspec.Struct, kw_only=True):
    client_name: str
    redirect_uris: str | list[str]
    scopes: str | list[str] = "read"
    website: str | None = None


class TokenIn(msgspec.Struct, kw_only=True):
    grant_type: str
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    code: str | None = None
    redirect_uri: str | None = None
    username: str | None = None
    password: str | None = None
    refresh_token: str | None = None


class AuthorizeIn(msgspec.Struct, kw_only=True):
    client_id: str
    redirect_uri: str | None = None
    response_type: str = "code"
    scope: str | None = None
    state: str | None = None


class LoginIn(AuthorizeIn, kw_only=True):
    username: str = ""
    password: str = ""


class RevokeIn(msgspec.Struct, kw_only=True):
    token: str
    client_id: str | None = None
    client_secret: str | None = None


class AppCredentials(msgspec.Struct, kw_only=True):
    name: str
    website: str | None
    scopes: list[str]
    redirect_uris: list[str]
    redirect_uri: str
    vapid_key: str = ""


def _uris(value: str | list[str]) -> list[str]:
    items = value.split() if isinstance(value, str) else value
    uris = [u.strip() for u in items if u.strip()]
    if not uris:
        raise ApiError(422, "Validation failed: redirect_uris can't be blank")
    for uri in uris:
        if len(uri) > 2000 or (uri != OOB and ":" not in uri):
            raise ApiError(422, f"Validation failed: redirect_uris has an invalid URI: {uri}")
    return uris


def _scopes(requested: str | list[str] | None, allowed: list[str] | None = None) -> list[str]:
    try:
        return normalise_scopes(requested, allowed)
    except Invalid as error:
        raise ApiError(400, str(error)) from None


class AppsController(Controller):
    path = "/api/v1/apps"

    @post("/", status_code=200, response_headers=NO_STORE)
    async def create(
        self, request: Request[Any, Any, Any], svc: NamedDependency[Services]
    ) -> Application:
        payload = await params(request, AppIn)
        if not payload.client_name.strip() or len(payload.client_name) > 255:
            raise ApiError(422, "Validation failed: client_name must be 1 to 255 characters")
        if payload.website is not None and len(payload.website) > 2000:
            raise ApiError(422, "Validation failed: website is too long")
        uris = _uris(payload.redirect_uris)
        scopes = _scopes(payload.scopes)
        app_id, client_id, client_secret = new_id(), new_secret(), new_secret()
        await svc.execute(
            RegisterApp(
                app_id=app_id,
                client_id=client_id,
                client_secret_digest=digest(client_secret),
                name=payload.client_name.strip(),
                website=payload.website,
                redirect_uris=uris,
                scopes=scopes,
            )
        )
        return Application(
            id=app_id,
            name=payload.client_name.strip(),
            website=payload.website,
            redirect_uri="\n".join(uris),
            redirect_uris=uris,
            scopes=scopes,
            client_id=client_id,
            client_secret=client_secret,
        )

    @get("/verify_credentials", guards=[scope("read", user=False)])
    async def verify(
        self, svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> AppCredentials:
        async with svc.pool.connection() as conn:
            app = await oauth.app_by_id(conn, user.app_id)
        if app is None:
            raise ApiError(401, "The access token is invalid")
        return AppCredentials(
            name=app["name"],
            website=app["website"],
            scopes=app["scopes"],
            redirect_uris=app["redirect_uris"],
            redirect_uri="\n".join(app["redirect_uris"]),
        )


async def _client(
    svc: Services,
    request: Request[Any, Any, Any],
    client_id: str | None,
    client_secret: str | None,
) -> dict[str, Any]:
    """The app whose id and secret were presented, in the body or (RFC 6749 2.3.1, the
    default of generic OAuth libraries) as HTTP Basic; a mismatch is a 401 ``invalid_client``."""
    if not client_id and client_secret is None:
        client_id, client_secret = _basic_credentials(request)
    if not client_id or client_secret is None:
        raise ApiError(401, "invalid_client: client_id and client_secret are required")
    async with svc.pool.connection() as conn:
        app = await oauth.app_by_client_id(conn, client_id)
    if app is None or not hmac.compare_digest(app["client_secret_digest"], digest(client_secret)):
        raise ApiError(401, "invalid_client: unknown client or wrong secret")
    return app


def _basic_credentials(request: Request[Any, Any, Any]) -> tuple[str | None, str | None]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None, None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None, None
    client_id, found, client_secret = decoded.partition(":")
    if not found:
        return None, None
    return unquote_plus(client_id), unquote_plus(client_secret)


async def _authenticate(svc: Services, login: str, password: str) -> str | None:
    """The account id if the password is right; the same answer for unknown and wrong."""
    async with svc.pool.connection() as conn:
        row = await accounts.credentials_of(conn, login)
    if row is None or row["deactivated"]:
        await svc.verify_password(_DUMMY_HASH, password)  # same cost: no username probing
        return None
    ok = await svc.verify_password(row["password_hash"], password)
    return str(row["account_id"]) if ok else None


_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
)


class OAuthController(Controller):
    path = "/oauth"

    @post("/token", guards=[rate_limited("login")], status_code=200, response_headers=NO_STORE)
    async def token(self, request: Request[Any, Any, Any], svc: NamedDependency[Services]) -> Token:
        payload = await params(request, TokenIn)
        app = await _client(svc, request, payload.client_id, payload.client_secret)
        grant = payload.grant_type
        if grant == "client_credentials":
            return await grant_token(
                svc, app["id"], None, _scopes(payload.scope, app["scopes"]), grant
            )
        if grant == "password":
            if not payload.username or payload.password is None:
                raise ApiError(400, "username and password are required")
            account_id = await _authenticate(svc, payload.username, payload.password)
            if account_id is None:
                raise ApiError(400, "Invalid credentials")
            return await grant_token(
                svc, app["id"], account_id, _scopes(payload.scope, app["scopes"]), grant
            )
        if grant == "authorization_code":
            return await self._redeem(svc, app, payload)
        if grant == "refresh_token":
            return await self._refresh(svc, app, payload)
        raise ApiError(400, f"unsupported_grant_type: {grant}")

    async def _redeem(self, svc: Services, app: dict[str, Any], payload: TokenIn) -> Token:
        if not payload.code:
            raise ApiError(400, "code is required")
        code_digest = digest(payload.code)
        async with svc.pool.connection() as conn:
            issued = await oauth.code(conn, code_digest)
        if issued is None or issued["app_id"] != app["id"]:
            raise ApiError(400, "invalid_grant: invalid or expired authorization code")
        if payload.redirect_uri and payload.redirect_uri != issued["redirect_uri"]:
            raise ApiError(400, "invalid_grant: redirect_uri does not match")
        try:
            return await grant_token(
                svc,
                app["id"],
                issued["account_id"],
                issued["scopes"],
                "authorization_code",
                code_digest=code_digest,
            )
        except Invalid as error:  # redeemed twice or expired: decided by the code's stream
            raise ApiError(400, f"invalid_grant: {error}") from None

    async def _refresh(self, svc: Services, app: dict[str, Any], payload: TokenIn) -> Token:
        if not payload.refresh_token:
            raise ApiError(400, "refresh_token is required")
        async with svc.pool.connection() as conn:
            old = await oauth.token_by_refresh(conn, digest(payload.refresh_token))
        if old is None or old["app_id"] != app["id"]:
            raise ApiError(400, "invalid_grant: unknown refresh token")
        try:
            return await grant_token(
                svc,
                app["id"],
                old["account_id"],
                list(old["scopes"]),
                "refresh_token",
                replaces_token_id=old["id"],
            )
        except (Invalid, NotFound) as error:  # used twice at once: the token's stream decided
            raise ApiError(400, f"invalid_grant: {error}") from None

    @post("/revoke", status_code=200)
    async def revoke(
        self, request: Request[Any, Any, Any], svc: NamedDependency[Services]
    ) -> dict[str, Any]:
        """RFC 7009: an unknown token is not an error, so callers learn nothing from it."""
        payload = await params(request, RevokeIn)
        app = await _client(svc, request, payload.client_id, payload.client_secret)
        async with svc.pool.connection() as conn:
            found = await oauth.token(conn, digest(payload.token))
        if found is not None and found["app_id"] == app["id"]:
            await svc.execute(RevokeToken(token_id=found["id"]))
        return {}

    @get("/authorize", media_type=MediaType.HTML)
    async def authorize_form(
        self, request: Request[Any, Any, Any], svc: NamedDependency[Services]
    ) -> Response[str]:
        payload = await params(request, AuthorizeIn)
        app, redirect_uri, scopes = await _authorization(svc, payload)
        return Response(
            _login_page(svc, app, payload, redirect_uri, scopes, error=None),
            media_type=MediaType.HTML,
            headers=_PAGE_HEADERS,
        )

    @post("/authorize", guards=[rate_limited("login")], media_type=MediaType.HTML, status_code=200)
    async def authorize(
        self, request: Request[Any, Any, Any], svc: NamedDependency[Services]
    ) -> Response[str] | Redirect:
        values = dict(await _flat_authorization(request))
        payload = msgspec.convert(values, LoginIn, strict=False)
        app, redirect_uri, scopes = await _authorization(svc, payload)
        account_id = await _authenticate(svc, payload.username, payload.password)
        if account_id is None:
            return Response(
                _login_page(
                    svc, app, payload, redirect_uri, scopes, error="Invalid username or password"
                ),
                media_type=MediaType.HTML,
                status_code=401,
                headers=_PAGE_HEADERS,
            )
        code = secrets.token_urlsafe(32)
        await svc.execute(
            IssueCode(
                code_digest=digest(code),
                app_id=app["id"],
                account_id=account_id,
                scopes=scopes,
                redirect_uri=redirect_uri,
                expires_at=datetime.now(UTC) + CODE_LIFETIME,
            )
        )
        if redirect_uri == OOB:
            return Response(
                _code_page(code), media_type=MediaType.HTML, headers=_PAGE_HEADERS | NO_STORE
            )
        query = {"code": code} | ({"state": payload.state} if payload.state else {})
        separator = "&" if "?" in redirect_uri else "?"
        return Redirect(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)


async def _flat_authorization(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Pleroma's form nests its fields under ``authorization[...]``; ours are flat."""
    values = await raw_params(request)
    nested = values.pop("authorization", None)
    if isinstance(nested, dict):
        values.update(nested)
    return {k: v for k, v in values.items() if isinstance(v, str)}


async def _authorization(
    svc: Services, payload: AuthorizeIn
) -> tuple[dict[str, Any], str, list[str]]:
    if payload.response_type != "code":
        raise ApiError(400, "unsupported_response_type: only code is supported")
    async with svc.pool.connection() as conn:
        app = await oauth.app_by_client_id(conn, payload.client_id)
    if app is None:
        raise ApiError(401, "invalid_client: unknown client")
    redirect_uri = payload.redirect_uri or app["redirect_uris"][0]
    if redirect_uri not in app["redirect_uris"]:
        raise ApiError(400, "invalid_request: redirect_uri is not registered for this app")
    return app, redirect_uri, _scopes(payload.scope, app["scopes"])


def _login_page(
    svc: Services,
    app: dict[str, Any],
    payload: AuthorizeIn,
    redirect_uri: str,
    scopes: list[str],
    error: str | None,
) -> str:
    e = html.escape
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(v)}">'
        for k, v in (
            ("client_id", payload.client_id),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", " ".join(scopes)),
            ("state", payload.state or ""),
        )
    )
    problem = f'<p class="error" role="alert">{e(error)}</p>' if error else ""
    return _PAGE.format(
        title=e(svc.settings.instance_name),
        body=f"""
<h1>Sign in to {e(svc.settings.instance_name)}</h1>
<p><strong>{e(app["name"])}</strong> asks for: {e(", ".join(scopes))}</p>
{problem}
<form method="post" action="/oauth/authorize">
{hidden}
<label>Username or email <input name="username" autocomplete="username" required
 value="{e(getattr(payload, "username", ""))}"></label>
<label>Password <input type="password" name="password" autocomplete="current-password"
 required></label>
<button type="submit">Authorize</button>
</form>""",
    )


def _code_page(code: str) -> str:
    return _PAGE.format(
        title="Authorization code",
        body=f"""
<h1>Authorization code</h1>
<p>Copy this code into the application:</p>
<pre id="code">{html.escape(code)}</pre>""",
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0}}input{{display:block;width:100%;padding:.4rem}}
button{{padding:.5rem 1.2rem}}.error{{color:#b00020}}</style></head>
<body>{body}</body></html>"""
