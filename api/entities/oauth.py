import msgspec


class Token(msgspec.Struct, kw_only=True, omit_defaults=True):
    access_token: str
    token_type: str
    scope: str
    created_at: int
    id: str
    me: str | None = None  # the owner's ActivityPub id; Pleroma adds it for user tokens
    refresh_token: str | None = None
    expires_in: int | None = None


class Application(msgspec.Struct, kw_only=True):
    """What POST /api/v1/apps answers: the secret is shown this once, then only its digest
    is kept."""

    id: str
    name: str
    website: str | None
    redirect_uri: str
    redirect_uris: list[str]
    scopes: list[str]
    client_id: str
    client_secret: str
    vapid_key: str = ""
    client_secret_expires_at: int = 0
