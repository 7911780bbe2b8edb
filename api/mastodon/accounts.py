"""Mastodon's accounts endpoints with Pleroma's extras."""

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from psycopg import AsyncConnection

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.entities.account import Account, Relationship, Source, render_account
from tidings.api.entities.oauth import Token
from tidings.api.errors import ApiError, not_found
from tidings.api.params import params
from tidings.api.services import Services
from tidings.api.settings import Settings
from tidings.api.text import check_length
from tidings.api.tokens import NO_STORE, grant_token
from tidings.domain.accounts.aggregates import USERNAME
from tidings.domain.accounts.commands import RegisterAccount, UpdateCredentials
from tidings.domain.graph.commands import FollowAccount, UnfollowAccount
from tidings.domain.ids import is_flake, new_id
from tidings.projections import accounts, blocks, conversations
from tidings.projections import notifications as notification_queries
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


class SourceIn(msgspec.Struct, kw_only=True):
    privacy: str | None = None
    sensitive: bool | None = None
    language: str | None = None


class CredentialsIn(msgspec.Struct, kw_only=True):
    """Mastodon's parameters and every Pleroma extra of the differences document."""

    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    bot: bool | None = None
    discoverable: bool | None = None
    # JSON clients send a list; forms send fields_attributes[0][name]=..., a map by index.
    fields_attributes: dict[str, FieldIn] | list[FieldIn] | None = None
    source: SourceIn | None = None
    no_rich_text: bool | None = None
    hide_followers: bool | None = None
    hide_follows: bool | None = None
    hide_followers_count: bool | None = None
    hide_follows_count: bool | None = None
    hide_favorites: bool | None = None
    show_role: bool | None = None
    default_scope: str | None = None
    # An object; multipart clients may send it as a JSON string.
    pleroma_settings_store: dict[str, Any] | str | None = None
    skip_thread_containment: bool | None = None
    allow_following_move: bool | None = None
    also_known_as: list[str] | None = None
    actor_type: str | None = None
    accepts_chat_messages: bool | None = None
    language: str | None = None
    # Images: a file, or "" to reset to the default (uploads arrive with media support).
    avatar: Any = None
    header: Any = None
    pleroma_background_image: Any = None


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
_ACTOR_TYPES = ("Person", "Service", "Group")  # what Pleroma lets a local account be
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8}){0,4}$")
_MAX_ALIASES = 20
_MAX_SETTINGS_BYTES = 512 * 1024
_FIELD_NAME_CHARS = 255
_FIELD_VALUE_CHARS = 2047


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
    """One query per source of facts for the whole batch, however many ids: each source
    fills its fields in (see ``RELATIONSHIP_SOURCES``)."""
    found = {other: Relationship(id=other) for other in others}
    if found:
        for source in RELATIONSHIP_SOURCES:
            await source(conn, viewer_id, list(found.values()))
    return [found[other] for other in others]


async def _add_follows(
    conn: AsyncConnection[Any], viewer_id: str, result: list[Relationship]
) -> None:
    others = [r.id for r in result]
    edges = await graph.between(conn, viewer_id, others)
    requests = await graph.requests_between(conn, viewer_id, others)
    for rel in result:
        out = edges.get((viewer_id, rel.id))
        asked = requests.get((viewer_id, rel.id))
        rel.following = out is not None
        rel.followed_by = (rel.id, viewer_id) in edges
        rel.requested = asked is not None
        rel.requested_by = (rel.id, viewer_id) in requests
        # A request keeps the options it was sent with; they apply once it is accepted.
        options = out or asked
        rel.showing_reblogs = options["reblogs"] if options else True
        rel.notifying = rel.subscribing = options["notify"] if options else False


async def _add_endorsements(
    conn: AsyncConnection[Any], viewer_id: str, result: list[Relationship]
) -> None:
    endorsed = await graph.endorsed_among(conn, viewer_id, [r.id for r in result])
    for rel in result:
        rel.endorsed = rel.id in endorsed


async def _add_notes(
    conn: AsyncConnection[Any], viewer_id: str, result: list[Relationship]
) -> None:
    notes = await graph.notes_on(conn, viewer_id, [r.id for r in result])
    for rel in result:
        rel.note = notes.get(rel.id, "")  # the viewer's own note: nobody else ever reads it


async def _add_blocks_and_mutes(
    conn: AsyncConnection[Any], viewer_id: str, result: list[Relationship]
) -> None:
    """blocking, blocked_by, muting and muting_notifications, from one query. Every
    account here is on this server's domain, which no one may block, so
    ``domain_blocking`` stays false."""
    found = await blocks.relations(conn, viewer_id, [r.id for r in result])
    for rel in result:
        rel.blocking = rel.id in found.blocking
        rel.blocked_by = rel.id in found.blocked_by
        rel.muting = rel.id in found.muting
        rel.muting_notifications = found.muting.get(rel.id, False)


RelationshipSource = Callable[[AsyncConnection[Any], str, list[Relationship]], Awaitable[None]]
# Each fills its fields of the viewer's relationships (one per account, ids unique) with one
# query for the whole batch.
RELATIONSHIP_SOURCES: list[RelationshipSource] = [
    _add_follows,
    _add_endorsements,
    _add_notes,
    _add_blocks_and_mutes,
]


def _credentials_changes(payload: CredentialsIn, settings: Settings) -> dict[str, Any]:
    """The profile changes of an update_credentials request, checked before anything is
    written: a wrong value is a 422 and the whole request is refused."""
    _refuse_uploads(payload)
    check_length("display_name", payload.display_name, settings.max_name_chars)
    check_length("note", payload.note, settings.max_bio_chars)
    changes: dict[str, Any] = {
        name: getattr(payload, name)
        for name in (
            "display_name",
            "note",
            "locked",
            "discoverable",
            "no_rich_text",
            "hide_followers",
            "hide_follows",
            "hide_followers_count",
            "hide_follows_count",
            "hide_favorites",
            "show_role",
            "skip_thread_containment",
            "allow_following_move",
            "accepts_chat_messages",
        )
        if getattr(payload, name) is not None
    }
    source = payload.source or SourceIn()
    privacy = payload.default_scope if payload.default_scope is not None else source.privacy
    if privacy is not None:
        if privacy not in _SCOPES:
            raise ApiError(422, f"Validation failed: privacy must be one of {', '.join(_SCOPES)}")
        changes["default_scope"] = privacy
    if source.sensitive is not None:
        changes["default_sensitive"] = source.sensitive
    language = payload.language if payload.language is not None else source.language
    if language is not None:
        if not _LANGUAGE.match(language):
            raise ApiError(422, "Validation failed: language must be a language tag like en-GB")
        changes["language"] = language
    # Pleroma keeps bot and actor_type as one fact: a Service is a bot.
    if payload.actor_type is not None:
        if payload.actor_type not in _ACTOR_TYPES:
            raise ApiError(
                422, f"Validation failed: actor_type must be one of {', '.join(_ACTOR_TYPES)}"
            )
        changes["actor_type"] = payload.actor_type
        changes["bot"] = payload.actor_type == "Service"
    elif payload.bot is not None:
        changes["bot"] = payload.bot
        changes["actor_type"] = "Service" if payload.bot else "Person"
    if payload.fields_attributes is not None:
        changes["fields"] = _fields(payload.fields_attributes, settings.max_fields)
    if payload.also_known_as is not None:
        changes["also_known_as"] = _aliases(payload.also_known_as)
    if payload.pleroma_settings_store is not None:
        changes["settings_store"] = _settings_store(payload.pleroma_settings_store)
    return changes


def _refuse_uploads(payload: CredentialsIn) -> None:
    for name in ("avatar", "header", "pleroma_background_image"):
        value = getattr(payload, name)
        if value is None or value == "":  # "" resets to the default, which is all there is
            continue
        if isinstance(value, UploadFile):
            raise ApiError(422, f"Validation failed: {name} uploads are not supported yet")
        raise ApiError(422, f"Validation failed: {name} must be an image file or an empty string")


def _fields(attributes: dict[str, FieldIn] | list[FieldIn], most: int) -> list[dict[str, str]]:
    if isinstance(attributes, dict):
        try:  # fields_attributes[10] comes after fields_attributes[9]
            items = [attributes[k] for k in sorted(attributes, key=int)]
        except ValueError:
            raise ApiError(
                422, "Validation failed: fields_attributes keys must be indexes"
            ) from None
    else:
        items = attributes
    if len(items) > most:
        raise ApiError(422, f"Validation failed: at most {most} profile fields")
    for item in items:
        check_length("field name", item.name, _FIELD_NAME_CHARS)
        check_length("field value", item.value, _FIELD_VALUE_CHARS)
    # Mastodon drops a row left blank in its form.
    return [{"name": i.name, "value": i.value} for i in items if i.name or i.value]


def _aliases(aliases: list[str]) -> list[str]:
    if len(aliases) > _MAX_ALIASES:
        raise ApiError(422, f"Validation failed: at most {_MAX_ALIASES} also_known_as entries")
    for alias in aliases:
        parts = urlsplit(alias)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(alias) > 2048:
            raise ApiError(422, f"Validation failed: also_known_as has an invalid URL: {alias}")
    return list(dict.fromkeys(aliases))


def _settings_store(value: dict[str, Any] | str) -> dict[str, Any]:
    """``{frontend: {...}}``; each frontend's value replaces only that frontend's."""
    if isinstance(value, str):
        try:
            value = msgspec.json.decode(value)
        except msgspec.DecodeError:
            raise ApiError(
                422, "Validation failed: pleroma_settings_store must be a JSON object"
            ) from None
        if not isinstance(value, dict):
            raise ApiError(422, "Validation failed: pleroma_settings_store must be a JSON object")
    if len(msgspec.json.encode(value)) > _MAX_SETTINGS_BYTES:
        raise ApiError(422, "Validation failed: pleroma_settings_store is too large")
    return value


class AccountsController(Controller):
    path = "/api/v1/accounts"

    @post(
        "/",
        guards=[scope("write:accounts", user=False), rate_limited("register")],
        status_code=200,
        response_headers=NO_STORE,
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Token:
        """Registration with an app token answers with the new account's own token."""
        _registrations_open(svc)
        payload = await params(request, RegistrationIn)
        if not payload.agreement:
            raise ApiError(422, "Validation failed: agreement must be accepted")
        # language, else the locale clients send; an unusable hint is dropped, not refused
        language = next(
            (x for x in (payload.language, payload.locale) if x and _LANGUAGE.match(x)), None
        )
        account_id = await _register(
            svc,
            payload.username,
            payload.password,
            payload.email,
            payload.fullname,
            payload.bio,
            language,
            user.app_id,
        )
        return await grant_token(svc, user.app_id, account_id, user.scopes, "password")

    @get("/verify_credentials", guards=[scope("read:accounts", "profile")])
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
        changes = _credentials_changes(await params(request, CredentialsIn), svc.settings)
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
        username, _, domain = payload.acct.strip().removeprefix("@").partition("@")
        if domain and domain.lower() != svc.settings.domain.lower():
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
        query, _, domain = payload.q.strip().removeprefix("@").partition("@")
        if not query or (domain and domain.lower() != svc.settings.domain.lower()):
            return []  # no federation yet: only local accounts can match
        followed_by = None
        if payload.following:
            if viewer is None or viewer.account_id is None:
                raise ApiError(401, "following=true needs a signed-in user")
            followed_by = viewer.account_id
        async with svc.pool.connection() as conn:
            rows = await accounts.search(
                conn,
                query,
                max(1, min(payload.limit, 80)),
                max(0, payload.offset),
                followed_by=followed_by,
            )
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
        if viewer is not None and viewer.account_id == row["id"]:
            # One's own account reads the same wherever it is asked for, counts included.
            rendered = await own_account(svc, row["id"])
            if rel is not None:
                rendered.pleroma.relationship = msgspec.to_builtins(rel)
            return rendered
        return render_account(row, svc.settings, relationship=rel)

    @post(
        "/{account_id:str}/follow",
        guards=[scope("write:follows", "follow"), rate_limited("write")],
        status_code=200,
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
        guards=[scope("write:follows", "follow"), rate_limited("write")],
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
        unread = await conversations.unread_count(conn, account_id)
        requests = await graph.request_count(conn, account_id)
        unread_notifications = await notification_queries.unread_count(conn, account_id)
        notification_settings = await notification_queries.settings_of(conn, account_id)
    rendered = render_account(row, svc.settings, own=True)
    rendered.pleroma.unread_conversation_count = unread
    rendered.pleroma.unread_notifications_count = unread_notifications
    rendered.pleroma.notification_settings = notification_settings
    # Mastodon's source.follow_requests_count; Pleroma's at the top of the account
    rendered.follow_requests_count = requests
    if isinstance(rendered.source, Source):
        rendered.source.follow_requests_count = requests
    return rendered


def _registrations_open(svc: Services) -> None:
    if not svc.settings.registrations_open:
        raise ApiError(403, "Registrations are closed on this instance")


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
        _registrations_open(svc)
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
