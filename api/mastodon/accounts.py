"""Mastodon's accounts endpoints with Pleroma's extras."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship, render_account
from tidings.api.entities.oauth import Token
from tidings.api.errors import ApiError, not_found
from tidings.api.params import params
from tidings.api.services import Services
from tidings.api.text import check_length
from tidings.api.tokens import grant_token
from tidings.domain.accounts.aggregates import USERNAME
from tidings.domain.accounts.commands import RegisterAccount, UpdateCredentials
from tidings.domain.graph.commands import FollowAccount, UnfollowAccount
from tidings.domain.ids import is_flake, new_id
from tidings.projections import accounts
from tidings.projections import relationships as graph


class RegistrationIn(msgspec.Struct, kw_only=True):
    username: str
    password: str
    email: str | None = None
    agreement: bool = False
    locale: str | None = None
    reason: str | None = None
    fullname: str | None = None
    bio: str | None = None
    language: str | None = None
    captcha_solution: str | None = None
    captcha_token: str | None = None
    captcha_answer_data: str | None = None
    token: str | None = None


class LegacyRegistrationIn(msgspec.Struct, kw_only=True):
    nickname: str
    password: str
    confirm: str | None = None
    email: str | None = None
    fullname: str | None = None
    bio: str | None = None


class FieldIn(msgspec.Struct, kw_only=True):
    name: str = ""
    value: str = ""


class CredentialsIn(msgspec.Struct, kw_only=True, omit_defaults=True):
    display_name: str | msgspec.UnsetType = msgspec.UNSET
    note: str | msgspec.UnsetType = msgspec.UNSET
    locked: bool | msgspec.UnsetType = msgspec.UNSET
    bot: bool | msgspec.UnsetType = msgspec.UNSET
    discoverable: bool | msgspec.UnsetType = msgspec.UNSET
    fields_attributes: dict[str, FieldIn] | list[FieldIn] | msgspec.UnsetType = msgspec.UNSET
    source: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    no_rich_text: bool | msgspec.UnsetType = msgspec.UNSET
    hide_followers: bool | msgspec.UnsetType = msgspec.UNSET
    hide_follows: bool | msgspec.UnsetType = msgspec.UNSET
    hide_followers_count: bool | msgspec.UnsetType = msgspec.UNSET
    hide_follows_count: bool | msgspec.UnsetType = msgspec.UNSET
    hide_favorites: bool | msgspec.UnsetType = msgspec.UNSET
    show_role: bool | msgspec.UnsetType = msgspec.UNSET
    default_scope: str | msgspec.UnsetType = msgspec.UNSET
    pleroma_settings_store: dict[str, Any] | msgspec.UnsetType = msgspec.UNSET
    skip_thread_containment: bool | msgspec.UnsetType = msgspec.UNSET
    allow_following_move: bool | msgspec.UnsetType = msgspec.UNSET
    also_known_as: list[str] | msgspec.UnsetType = msgspec.UNSET
    discoverable_: bool | msgspec.UnsetType = msgspec.UNSET
    actor_type: str | msgspec.UnsetType = msgspec.UNSET
    accepts_chat_messages: bool | msgspec.UnsetType = msgspec.UNSET
    language: str | msgspec.UnsetType = msgspec.UNSET


class SearchIn(msgspec.Struct, kw_only=True):
    q: str
    limit: int = 40
    offset: int = 0
    resolve: bool = False
    following: bool = False


class LookupIn(msgspec.Struct, kw_only=True):
    acct: str


class FollowIn(msgspec.Struct, kw_only=True):
    reblogs: bool | None = None
    notify: bool | None = None


class RelationshipsIn(msgspec.Struct, kw_only=True):
    id: list[str] | str = []


class WithRelationshipsIn(msgspec.Struct, kw_only=True):
    with_relationships: bool = False


_SCOPES = ("public", "unlisted", "private", "direct", "local")
_ACTOR_TYPES = ("Person", "Service", "Group", "Application")


async def _account_row(conn: AsyncConnection[Any], ref: str) -> dict[str, Any]:
    """By id, or by nickname where Pleroma allows it."""
    row = await accounts.by_id(conn, ref) if is_flake(ref) else None
    if row is None:
        row = await accounts.by_username(conn, ref.removeprefix("@"))
    if row is None or row["deactivated"]:
        raise not_found()
    return row


async def relationship(conn: AsyncConnection[Any], viewer_id: str, other: str) -> Relationship:
    return (await relationships_of(conn, viewer_id, [other]))[0]


async def relationships_of(
    conn: AsyncConnection[Any], viewer_id: str, others: list[str]
) -> list[Relationship]:
    edges = await graph.between(conn, viewer_id, others)
    result = []
    for other in others:
        out = edges.get((viewer_id, other))
        back = edges.get((other, viewer_id))
        result.append(
            Relationship(
                id=other,
                following=out is not None,
                followed_by=back is not None,
                showing_reblogs=out["reblogs"] if out else True,
                notifying=out["notify"] if out else False,
                subscribing=out["notify"] if out else False,
            )
        )
    return result


def _credentials_changes(payload: CredentialsIn, svc: Services) -> dict[str, Any]:
    settings = svc.settings
    changes: dict[str, Any] = {
        k: v for k, v in msgspec.structs.asdict(payload).items() if v is not msgspec.UNSET
    }
    check_length("display_name", changes.get("display_name"), settings.max_name_chars)
    check_length("note", changes.get("note"), settings.max_bio_chars)
    source = changes.pop("source", None) or {}
    if "privacy" in source:
        changes.setdefault("default_scope", source["privacy"])
    if "sensitive" in source:
        changes["default_sensitive"] = bool(source["sensitive"])
    if "language" in source:
        changes.setdefault("language", source["language"])
    if changes.get("default_scope") not in (None, *_SCOPES):
        raise ApiError(422, f"Validation failed: default_scope must be one of {', '.join(_SCOPES)}")
    if changes.get("actor_type") not in (None, *_ACTOR_TYPES):
        raise ApiError(422, "Validation failed: actor_type must be Person, Service or Group")
    if changes.get("actor_type") is not None:
        changes["bot"] = changes["actor_type"] == "Service"
    attributes = changes.pop("fields_attributes", None)
    if attributes is not None:
        items = list(attributes.values()) if isinstance(attributes, dict) else attributes
        if len(items) > settings.max_fields:
            raise ApiError(422, f"Validation failed: at most {settings.max_fields} fields")
        for item in items:
            check_length("field name", item["name"], 255)
            check_length("field value", item["value"], 2047)
        changes["fields"] = [
            {"name": i["name"], "value": i["value"]} for i in items if i["name"] or i["value"]
        ]
    store = changes.pop("pleroma_settings_store", None)
    if store is not None:
        changes["settings_store"] = store
    if "discoverable_" in changes:
        changes["discoverable"] = changes.pop("discoverable_")
    return changes


class AccountsController(Controller):
    path = "/api/v1/accounts"

    @post(
        "/", guards=[scope("write:accounts", user=False), rate_limited("register")], status_code=200
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Token:
        """Registration with an app token answers with the new account's own token."""
        payload = await params(request, RegistrationIn)
        if not payload.agreement:
            raise ApiError(422, "Validation failed: agreement must be accepted")
        account_id = await _register(
            svc,
            payload.username,
            payload.password,
            payload.email,
            payload.fullname,
            payload.bio,
            payload.language or payload.locale,
            user.app_id,
        )
        return await grant_token(svc, user.app_id, account_id, user.scopes, "password")

    @get("/verify_credentials", guards=[scope("read:accounts")])
    async def verify_credentials(
        self, svc: NamedDependency[Services], user: NamedDependency[Viewer]
    ) -> Account:
        return await own_account(svc, user.user_id)

    @patch("/update_credentials", guards=[scope("write:accounts")])
    async def update_credentials(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Account:
        changes = _credentials_changes(await params(request, CredentialsIn), svc)
        if changes:
            await svc.execute(UpdateCredentials(account_id=user.user_id, changes=changes))
        return await own_account(svc, user.user_id)

    @get("/lookup")
    async def lookup(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Account:
        payload = await params(request, LookupIn)
        username, _, domain = payload.acct.removeprefix("@").partition("@")
        if domain and domain != svc.settings.domain:
            raise not_found()
        async with svc.pool.connection() as conn:
            return render_account(await _account_row(conn, username), svc.settings)

    @get("/search")
    async def search(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> list[Account]:
        """No token needed: Pleroma opens account search to visitors."""
        payload = await params(request, SearchIn)
        query = payload.q.strip().removeprefix("@").split("@")[0]
        if not query:
            return []
        async with svc.pool.connection() as conn:
            rows = await accounts.search(
                conn, query, max(1, min(payload.limit, 80)), max(0, payload.offset)
            )
            if payload.following and viewer is not None and viewer.account_id:
                followed = await graph.following_ids(
                    conn, viewer.account_id, [r["id"] for r in rows]
                )
                rows = [r for r in rows if r["id"] in followed]
        return [render_account(row, svc.settings) for row in rows]

    @get("/relationships", guards=[scope("read:follows")])
    async def relationships(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> list[Relationship]:
        payload = await params(request, RelationshipsIn)
        ids = [payload.id] if isinstance(payload.id, str) else payload.id
        async with svc.pool.connection() as conn:
            known = await accounts.by_ids(conn, [i for i in ids if is_flake(i)])
            return await relationships_of(conn, user.user_id, [i for i in ids if i in known])

    @get("/{account_ref:str}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        account_ref: FromPath[str],
        svc: NamedDependency[Services],
        viewer: NamedDependency[Viewer | None],
    ) -> Account:
        payload = await params(request, WithRelationshipsIn)
        async with svc.pool.connection() as conn:
            row = await _account_row(conn, account_ref)
            rel = None
            if payload.with_relationships and viewer is not None and viewer.account_id:
                rel = await relationship(conn, viewer.account_id, row["id"])
        own = viewer is not None and viewer.account_id == row["id"]
        return render_account(row, svc.settings, own=own, relationship=rel)

    @post(
        "/{account_id:str}/follow", guards=[scope("follow"), rate_limited("write")], status_code=200
    )
    async def follow(
        self,
        request: Request[Any, Any, Any],
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        payload = await params(request, FollowIn)
        async with svc.pool.connection() as conn:
            target = await _account_row(conn, account_id) if is_flake(account_id) else None
        if target is None:
            raise not_found()
        await svc.execute(
            FollowAccount(
                follower_id=user.user_id,
                followed_id=target["id"],
                notify=payload.notify,
                reblogs=payload.reblogs,
            )
        )
        async with svc.pool.connection() as conn:
            return await relationship(conn, user.user_id, target["id"])

    @post(
        "/{account_id:str}/unfollow",
        guards=[scope("follow"), rate_limited("write")],
        status_code=200,
    )
    async def unfollow(
        self,
        account_id: FromPath[str],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Relationship:
        async with svc.pool.connection() as conn:
            target = await _account_row(conn, account_id) if is_flake(account_id) else None
        if target is None:
            raise not_found()
        await svc.execute(UnfollowAccount(follower_id=user.user_id, followed_id=target["id"]))
        async with svc.pool.connection() as conn:
            return await relationship(conn, user.user_id, target["id"])


async def own_account(svc: Services, account_id: str) -> Account:
    async with svc.pool.connection() as conn:
        row = await accounts.by_id(conn, account_id)
    if row is None:
        raise ApiError(401, "The access token is invalid")
    return render_account(row, svc.settings, own=True)


async def _register(
    svc: Services,
    username: str,
    password: str,
    email: str | None,
    fullname: str | None,
    bio: str | None,
    language: str | None,
    app_id: str | None,
) -> str:
    if not svc.settings.registrations_open:
        raise ApiError(403, "Registrations are closed")
    if not USERNAME.match(username):
        raise ApiError(
            422,
            "Validation failed: username may only contain letters, digits"
            " and underscores, 1 to 30 of them",
        )
    if len(password) < 1 or len(password) > 256:
        raise ApiError(422, "Validation failed: password must be 1 to 256 characters")
    if email is not None and ("@" not in email or len(email) > 320):
        raise ApiError(422, "Validation failed: email is invalid")
    check_length("fullname", fullname, svc.settings.max_name_chars)
    check_length("bio", bio, svc.settings.max_bio_chars)
    account_id = new_id()
    await svc.execute(
        RegisterAccount(
            account_id=account_id,
            username=username,
            email=email,
            password_hash=await svc.hash_password(password),
            display_name=fullname,
            note=bio,
            language=language,
            app_id=app_id,
        )
    )
    return account_id


class LegacyRegistrationController(Controller):
    path = "/api/account/register"

    @post("/", guards=[rate_limited("register")], status_code=200)
    async def register(
        self, request: Request[Any, Any, Any], svc: NamedDependency[Services]
    ) -> Account:
        """Pleroma's older form: no app token, answers with the account."""
        payload = await params(request, LegacyRegistrationIn)
        if payload.confirm is not None and payload.confirm != payload.password:
            raise ApiError(422, "Validation failed: password and confirm do not match")
        account_id = await _register(
            svc,
            payload.nickname,
            payload.password,
            payload.email,
            payload.fullname,
            payload.bio,
            None,
            None,
        )
        return await own_account(svc, account_id)
