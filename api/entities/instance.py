"""What an instance says about itself: Mastodon's Instance (v1 and v2) with Pleroma's extras,
nodeinfo, custom emoji and the Pleroma healthcheck."""

from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import msgspec

from tidings.api.entities.account import Account
from tidings.api.settings import Settings
from tidings.domain.accounts.aggregates import RESERVED_USERNAMES

TIDINGS_VERSION = metadata.version("tidings")
# Mastodon.py cuts the version at the first space and compares what is left with Mastodon
# releases; Pleroma clients look for "(compatible; Pleroma ...)" after it.
MASTODON_API_LEVEL = "4.7.0"
PLEROMA_API_LEVEL = "2.7.0"
VERSION = (
    f"{MASTODON_API_LEVEL} (compatible; Pleroma {PLEROMA_API_LEVEL}; Tidings {TIDINGS_VERSION})"
)

# What clients may rely on, in Pleroma's names; an issue that builds one of Pleroma's
# features adds its name here (both /api/v1/instance and nodeinfo read this list).
FEATURES: tuple[str, ...] = ("pleroma_api", "mastodon_api")
# Status content types that are rendered; keep in step with POST /api/v1/statuses.
POST_FORMATS: tuple[str, ...] = ("text/plain", "text/markdown", "text/html")
# Upload types the media endpoints are to accept (group F enforces and may extend them).
MEDIA_TYPES: tuple[str, ...] = ("image/jpeg", "image/png", "image/gif", "image/webp")
LANGUAGES: tuple[str, ...] = ("en",)


# --- shared parts ---------------------------------------------------------------------


class Rule(msgspec.Struct, kw_only=True):
    id: str
    text: str
    hint: str = ""


class PollLimits(msgspec.Struct, kw_only=True):
    max_options: int
    max_option_chars: int
    min_expiration: int
    max_expiration: int


class FieldsLimits(msgspec.Struct, kw_only=True):
    max_fields: int
    max_remote_fields: int
    name_length: int
    value_length: int


class Federation(msgspec.Struct, kw_only=True):
    """Tidings does not federate: no policies, nothing quarantined."""

    enabled: bool = False
    exclusions: bool = False
    mrf_policies: list[str] = []
    quarantined_instances: list[str] = []


class AccountsConfiguration(msgspec.Struct, kw_only=True):
    max_featured_tags: int = 0
    max_pinned_statuses: int | msgspec.UnsetType = msgspec.UNSET


class StatusesConfiguration(msgspec.Struct, kw_only=True):
    max_characters: int
    max_media_attachments: int
    characters_reserved_per_url: int = 0  # links count as typed, as Pleroma counts them
    # glitch-soc's and Akkoma's name for the post formats; clients offer a picker by it.
    supported_mime_types: list[str] = msgspec.field(default_factory=lambda: list(POST_FORMATS))


class MediaConfiguration(msgspec.Struct, kw_only=True):
    supported_mime_types: list[str]
    image_size_limit: int
    image_matrix_limit: int
    video_size_limit: int
    video_frame_rate_limit: int
    video_matrix_limit: int


class PollsConfiguration(msgspec.Struct, kw_only=True):
    max_options: int
    max_characters_per_option: int
    min_expiration: int
    max_expiration: int


class Configuration(msgspec.Struct, kw_only=True):
    accounts: AccountsConfiguration
    statuses: StatusesConfiguration
    media_attachments: MediaConfiguration
    polls: PollsConfiguration


class PleromaMetadata(msgspec.Struct, kw_only=True):
    account_activation_required: bool
    birthday_required: bool
    birthday_min_age: int
    features: list[str]
    federation: Federation
    fields_limits: FieldsLimits
    post_formats: list[str]
    privileged_staff: bool


class PleromaMetadataV2(PleromaMetadata, kw_only=True):
    """v2 moves v1's top-level Pleroma limits in here."""

    avatar_upload_limit: int
    background_upload_limit: int
    banner_upload_limit: int
    background_image: str | None
    chat_limit: int
    description_limit: int
    shout_limit: int


class PleromaStats(msgspec.Struct, kw_only=True):
    mau: int


class InstancePleroma(msgspec.Struct, kw_only=True):
    metadata: PleromaMetadata
    stats: PleromaStats
    vapid_public_key: str | None = None  # no Web Push yet


# --- /api/v1/instance -------------------------------------------------------------------


class Urls(msgspec.Struct, kw_only=True):
    streaming_api: str


class Stats(msgspec.Struct, kw_only=True):
    user_count: int
    status_count: int
    domain_count: int


class Instance(msgspec.Struct, kw_only=True):
    uri: str
    title: str
    short_description: str
    description: str
    email: str
    version: str
    urls: Urls
    stats: Stats
    thumbnail: str
    languages: list[str]
    registrations: bool
    approval_required: bool
    invites_enabled: bool
    configuration: Configuration
    contact_account: Account | None
    rules: list[Rule]
    # Pleroma's extras:
    max_toot_chars: int
    max_media_attachments: int
    chat_limit: int
    description_limit: int
    poll_limits: PollLimits
    shout_limit: int
    upload_limit: int
    avatar_upload_limit: int
    background_upload_limit: int
    banner_upload_limit: int
    background_image: str | None
    pleroma: InstancePleroma


# --- /api/v2/instance -------------------------------------------------------------------


class UrlsV2(msgspec.Struct, kw_only=True):
    streaming: str
    status: str | None = None


class Vapid(msgspec.Struct, kw_only=True):
    public_key: str | None = None


class Translation(msgspec.Struct, kw_only=True):
    enabled: bool = False


class ConfigurationV2(Configuration, kw_only=True):
    urls: UrlsV2
    vapid: Vapid
    translation: Translation


class ActiveUsers(msgspec.Struct, kw_only=True):
    active_month: int


class Usage(msgspec.Struct, kw_only=True):
    users: ActiveUsers


class Thumbnail(msgspec.Struct, kw_only=True):
    url: str
    blurhash: str | None = None
    versions: dict[str, str] = {}


class Registrations(msgspec.Struct, kw_only=True):
    enabled: bool
    approval_required: bool
    message: str | None = None
    url: str | None = None


class Contact(msgspec.Struct, kw_only=True):
    email: str
    account: Account | None


class InstancePleromaV2(InstancePleroma, kw_only=True):
    metadata: PleromaMetadataV2


class InstanceV2(msgspec.Struct, kw_only=True):
    domain: str
    title: str
    version: str
    source_url: str
    description: str
    usage: Usage
    thumbnail: Thumbnail
    icon: list[dict[str, str]]
    languages: list[str]
    configuration: ConfigurationV2
    registrations: Registrations
    contact: Contact
    rules: list[Rule]
    api_versions: dict[str, int]
    pleroma: InstancePleromaV2


# --- nodeinfo ---------------------------------------------------------------------------


class NodeInfoLink(msgspec.Struct, kw_only=True):
    rel: str
    href: str


class NodeInfoLinks(msgspec.Struct, kw_only=True):
    links: list[NodeInfoLink]


class Software(msgspec.Struct, kw_only=True, omit_defaults=True):
    name: str
    version: str
    repository: str | None = None  # 2.1 only
    homepage: str | None = None  # 2.1 only


class Services(msgspec.Struct, kw_only=True):
    inbound: list[str] = []
    outbound: list[str] = []


class NodeInfoUsers(msgspec.Struct, kw_only=True, rename="camel"):
    total: int
    active_month: int
    active_halfyear: int


class NodeInfoUsage(msgspec.Struct, kw_only=True, rename="camel"):
    users: NodeInfoUsers
    local_posts: int


class UploadLimits(msgspec.Struct, kw_only=True):
    general: int
    avatar: int
    background: int
    banner: int


class NodeFieldsLimits(msgspec.Struct, kw_only=True, rename="camel"):
    max_fields: int
    max_remote_fields: int
    name_length: int
    value_length: int


class Suggestions(msgspec.Struct, kw_only=True):
    enabled: bool = False


class NodeMetadata(msgspec.Struct, kw_only=True, rename="camel"):
    """Every key Pleroma-FE reads: one missing key aborts the rest of its nodeinfo handling."""

    node_name: str
    node_description: str
    features: list[str]
    poll_limits: PollLimits
    upload_limits: UploadLimits
    fields_limits: NodeFieldsLimits
    restricted_nicknames: list[str]
    post_formats: list[str]
    suggestions: Suggestions
    private: bool
    federation: Federation
    account_activation_required: bool
    staff_accounts: list[str]
    mailer_enabled: bool
    invites_enabled: bool
    skip_thread_containment: bool
    local_bubble_instances: list[str]


class NodeInfo(msgspec.Struct, kw_only=True, rename="camel"):
    version: str
    software: Software
    protocols: list[str]
    services: Services
    open_registrations: bool
    usage: NodeInfoUsage
    metadata: NodeMetadata


# --- emoji and health -------------------------------------------------------------------


class CustomEmoji(msgspec.Struct, kw_only=True):
    """Mastodon's CustomEmoji; ``tags`` is Pleroma's addition (Pleroma-FE groups by it)."""

    shortcode: str
    url: str
    static_url: str
    visible_in_picker: bool = True
    category: str | None = None
    tags: list[str] = []


class PleromaEmoji(msgspec.Struct, kw_only=True):
    image_url: str
    tags: list[str]


class QueueStats(msgspec.Struct, kw_only=True):
    enqueued: int
    delayed: int
    in_progress: int
    failed: int


class JobQueueStats(msgspec.Struct, kw_only=True):
    queues: dict[str, QueueStats]


class ProjectionStats(msgspec.Struct, kw_only=True):
    head: int
    lag: dict[str, int]


class Health(msgspec.Struct, kw_only=True):
    pool_size: int
    active: int
    idle: int
    memory_used: float
    healthy: bool
    job_queue_stats: JobQueueStats | None
    projections: ProjectionStats | None


# --- rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What the read models say about the instance at the time of asking."""

    user_count: int
    status_count: int
    active_month: int
    active_half_year: int
    staff: list[dict[str, Any]] = field(default_factory=list)
    contact: Account | None = None


def streaming_url(settings: Settings) -> str:
    scheme, _, rest = settings.base_url.partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}"


def _banner(settings: Settings) -> str:
    return f"{settings.base_url}/images/banner.png"


def _poll_limits(settings: Settings) -> PollLimits:
    return PollLimits(
        max_options=settings.poll_max_options,
        max_option_chars=settings.poll_max_option_chars,
        min_expiration=settings.poll_min_expiration,
        max_expiration=settings.poll_max_expiration,
    )


def _configuration(settings: Settings) -> dict[str, Any]:
    return {
        "accounts": AccountsConfiguration(),
        "statuses": StatusesConfiguration(
            max_characters=settings.max_toot_chars,
            max_media_attachments=settings.max_media_attachments,
        ),
        "media_attachments": MediaConfiguration(
            supported_mime_types=list(MEDIA_TYPES),
            image_size_limit=settings.upload_limit,
            image_matrix_limit=4096 * 4096,
            video_size_limit=settings.upload_limit,
            video_frame_rate_limit=60,
            video_matrix_limit=2048 * 2048,
        ),
        "polls": PollsConfiguration(
            max_options=settings.poll_max_options,
            max_characters_per_option=settings.poll_max_option_chars,
            min_expiration=settings.poll_min_expiration,
            max_expiration=settings.poll_max_expiration,
        ),
    }


def _metadata(settings: Settings) -> dict[str, Any]:
    return {
        # No e-mail confirmation, birthday or approval flow exists yet.
        "account_activation_required": False,
        "birthday_required": False,
        "birthday_min_age": 0,
        "features": list(FEATURES),
        "federation": Federation(),
        "fields_limits": FieldsLimits(
            max_fields=settings.max_fields,
            max_remote_fields=settings.max_fields,
            name_length=settings.max_field_name_chars,
            value_length=settings.max_field_value_chars,
        ),
        "post_formats": list(POST_FORMATS),
        "privileged_staff": False,
    }


def render_instance(settings: Settings, figures: Figures) -> Instance:
    return Instance(
        uri=settings.domain,
        title=settings.instance_name,
        short_description=settings.instance_description,
        description=settings.instance_description,
        email=settings.admin_email,
        version=VERSION,
        urls=Urls(streaming_api=streaming_url(settings)),
        stats=Stats(
            user_count=figures.user_count,
            status_count=figures.status_count,
            domain_count=0,  # no federation: no other domain is known
        ),
        thumbnail=_banner(settings),
        languages=list(LANGUAGES),
        registrations=settings.registrations_open,
        approval_required=False,
        invites_enabled=False,
        configuration=Configuration(**_configuration(settings)),
        contact_account=figures.contact,
        rules=[],
        max_toot_chars=settings.max_toot_chars,
        max_media_attachments=settings.max_media_attachments,
        chat_limit=settings.chat_limit,
        description_limit=settings.description_limit,
        poll_limits=_poll_limits(settings),
        shout_limit=settings.chat_limit,  # Pleroma's shoutbox was its first "chat"
        upload_limit=settings.upload_limit,
        avatar_upload_limit=settings.avatar_upload_limit,
        background_upload_limit=settings.background_upload_limit,
        banner_upload_limit=settings.banner_upload_limit,
        background_image=_banner(settings),
        pleroma=InstancePleroma(
            metadata=PleromaMetadata(**_metadata(settings)),
            stats=PleromaStats(mau=figures.active_month),
        ),
    )


def render_instance_v2(settings: Settings, figures: Figures) -> InstanceV2:
    configuration = _configuration(settings)
    configuration["accounts"] = AccountsConfiguration(
        max_pinned_statuses=settings.max_pinned_statuses
    )
    return InstanceV2(
        domain=settings.domain,
        title=settings.instance_name,
        version=VERSION,
        source_url="",  # no public source repository is configured
        description=settings.instance_description,
        usage=Usage(users=ActiveUsers(active_month=figures.active_month)),
        thumbnail=Thumbnail(url=_banner(settings)),
        icon=[],
        languages=list(LANGUAGES),
        configuration=ConfigurationV2(
            **configuration,
            urls=UrlsV2(streaming=streaming_url(settings)),
            vapid=Vapid(),
            translation=Translation(),
        ),
        registrations=Registrations(enabled=settings.registrations_open, approval_required=False),
        contact=Contact(email=settings.admin_email, account=figures.contact),
        rules=[],
        api_versions={"mastodon": 2},
        pleroma=InstancePleromaV2(
            metadata=PleromaMetadataV2(
                **_metadata(settings),
                avatar_upload_limit=settings.avatar_upload_limit,
                background_upload_limit=settings.background_upload_limit,
                banner_upload_limit=settings.banner_upload_limit,
                background_image=_banner(settings),
                chat_limit=settings.chat_limit,
                description_limit=settings.description_limit,
                shout_limit=settings.chat_limit,
            ),
            stats=PleromaStats(mau=figures.active_month),
        ),
    )


NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{}"
NODEINFO_VERSIONS = ("2.0", "2.1")


def render_nodeinfo_links(settings: Settings) -> NodeInfoLinks:
    return NodeInfoLinks(
        links=[
            NodeInfoLink(
                rel=NODEINFO_SCHEMA.format(v), href=f"{settings.base_url}/nodeinfo/{v}.json"
            )
            for v in NODEINFO_VERSIONS
        ]
    )


def render_nodeinfo(settings: Settings, figures: Figures, version: str) -> NodeInfo:
    # software.name is "pleroma": megalodon's detector picks its Pleroma mode only for the
    # names "pleroma" and "akkoma" (for any other name it falls back to Mastodon mode when
    # metadata.upstream.name is "mastodon", else fails), and Pleroma-FE turns on its
    # Pleroma-only features only when software.name == "pleroma". The version names Tidings.
    software = Software(name="pleroma", version=f"{PLEROMA_API_LEVEL}-tidings-{TIDINGS_VERSION}")
    if version == "2.1":
        software.homepage = settings.base_url
    return NodeInfo(
        version=version,
        software=software,
        # The schema asks for at least one protocol; metadata.federation.enabled is false.
        protocols=["activitypub"],
        services=Services(),
        open_registrations=settings.registrations_open,
        usage=NodeInfoUsage(
            users=NodeInfoUsers(
                total=figures.user_count,
                active_month=figures.active_month,
                active_halfyear=figures.active_half_year,
            ),
            local_posts=figures.status_count,
        ),
        metadata=NodeMetadata(
            node_name=settings.instance_name,
            node_description=settings.instance_description,
            features=list(FEATURES),
            poll_limits=_poll_limits(settings),
            upload_limits=UploadLimits(
                general=settings.upload_limit,
                avatar=settings.avatar_upload_limit,
                background=settings.background_upload_limit,
                banner=settings.banner_upload_limit,
            ),
            fields_limits=NodeFieldsLimits(
                max_fields=settings.max_fields,
                max_remote_fields=settings.max_fields,
                name_length=settings.max_field_name_chars,
                value_length=settings.max_field_value_chars,
            ),
            restricted_nicknames=sorted(RESERVED_USERNAMES),
            post_formats=list(POST_FORMATS),
            suggestions=Suggestions(),
            private=False,
            federation=Federation(),
            account_activation_required=False,
            staff_accounts=[f"{settings.base_url}/users/{s['username']}" for s in figures.staff],
            mailer_enabled=False,  # no mail is sent yet
            invites_enabled=False,
            skip_thread_containment=True,  # timelines do not hide replies into unseen threads
            local_bubble_instances=[],
        ),
    )
