"""Settings from the environment, read once; every ``TIDINGS_*`` variable is listed here."""

import os
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class RateLimit:
    requests: int
    seconds: int


DEFAULT_RATE_LIMITS = {
    "register": RateLimit(5, 1800),  # per address, as Mastodon limits sign-ups
    "login": RateLimit(30, 300),
    "write": RateLimit(300, 300),
}


def parse_rate_limits(text: str | None) -> dict[str, RateLimit]:
    """``off`` disables every limit; ``name=N/SECONDS,...`` overrides the defaults."""
    if text is not None and text.strip().lower() == "off":
        return {}
    limits = dict(DEFAULT_RATE_LIMITS)
    for item in (text or "").split(","):
        if not item.strip():
            continue
        name, _, spec = item.partition("=")
        count, _, seconds = spec.partition("/")
        limits[name.strip()] = RateLimit(int(count), int(seconds))
    return limits


@dataclass(frozen=True)
class Settings:
    database_url: str | None = None
    redis_url: str | None = None
    data_dir: Path = Path(".tidings")
    host: str = "127.0.0.1"
    port: int = 4000
    domain: str = "localhost:4000"
    base_url: str = "http://localhost:4000"
    instance_name: str = "Tidings"
    instance_description: str = "A Tidings server"
    admin_email: str = ""
    registrations_open: bool = True
    max_toot_chars: int = 5000
    max_bio_chars: int = 5000
    max_name_chars: int = 100
    max_fields: int = 10
    max_field_name_chars: int = 255
    max_field_value_chars: int = 2047
    max_pinned_statuses: int = 5  # as Mastodon
    # Limits clients read from /api/v1/instance (Pleroma's defaults); bytes, characters, seconds.
    upload_limit: int = 16_000_000
    avatar_upload_limit: int = 2_000_000
    background_upload_limit: int = 4_000_000
    banner_upload_limit: int = 4_000_000
    max_media_attachments: int = 1000
    description_limit: int = 5000
    chat_limit: int = 5000
    poll_max_options: int = 20
    poll_max_option_chars: int = 200
    poll_min_expiration: int = 0
    poll_max_expiration: int = 365 * 24 * 3600
    rate_limits: dict[str, RateLimit] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    secret_key: bytes | None = None  # wraps per-account keys; generated into data_dir if unset
    password_hash_profile: str = "default"  # "cheapest" only for test suites
    workers: int = 1  # HTTP worker processes of `tidings serve`
    job_poll_interval: float = 1.0  # seconds between the job scheduler's looks at due jobs
    job_lease: float = 300.0  # seconds a sent job is left alone before it is sent again

    @property
    def job_namespace(self) -> str:
        """dramatiq's Redis key prefix: one per database, so databases sharing a Redis (test
        databases, several instances) never take each other's jobs."""
        name = conninfo_to_dict(self.database_url or "").get("dbname") or "tidings"
        return f"tidings.{name}"

    @classmethod
    def from_env(cls, **overrides: object) -> "Settings":
        env = os.environ
        port = int(env.get("TIDINGS_PORT", "4000"))
        host = env.get("TIDINGS_HOST", "127.0.0.1")
        domain = env.get("TIDINGS_DOMAIN") or f"localhost:{overrides.get('port', port)}"
        secret = env.get("TIDINGS_SECRET_KEY")
        values: dict[str, object] = {
            "database_url": env.get("DATABASE_URL") or None,
            "redis_url": env.get("REDIS_URL") or None,
            "data_dir": Path(env.get("TIDINGS_DATA_DIR", ".tidings")),
            "host": host,
            "port": port,
            "domain": domain,
            "base_url": env.get("TIDINGS_BASE_URL") or f"http://{domain}",
            "instance_name": env.get("TIDINGS_INSTANCE_NAME", "Tidings"),
            "instance_description": env.get("TIDINGS_INSTANCE_DESCRIPTION", "A Tidings server"),
            "admin_email": env.get("TIDINGS_ADMIN_EMAIL", ""),
            "registrations_open": _flag(env.get("TIDINGS_REGISTRATIONS_OPEN"), True),
            "max_toot_chars": int(env.get("TIDINGS_MAX_TOOT_CHARS", "5000")),
            "max_pinned_statuses": int(env.get("TIDINGS_MAX_PINNED_STATUSES", "5")),
            "rate_limits": parse_rate_limits(env.get("TIDINGS_RATE_LIMITS")),
            "secret_key": bytes.fromhex(secret) if secret else None,
            "password_hash_profile": env.get("TIDINGS_PASSWORD_HASH_PROFILE", "default"),
            "workers": int(env.get("TIDINGS_WORKERS") or os.cpu_count() or 1),
            "job_poll_interval": float(env.get("TIDINGS_JOB_POLL_INTERVAL", "1.0")),
            "job_lease": float(env.get("TIDINGS_JOB_LEASE", "300")),
        }
        values.update(overrides)
        if "domain" not in overrides and "port" in overrides and not env.get("TIDINGS_DOMAIN"):
            values["domain"] = f"localhost:{values['port']}"
            if not env.get("TIDINGS_BASE_URL"):
                values["base_url"] = f"http://{values['domain']}"
        return cls(**values)  # type: ignore[arg-type]  # keys match the fields above
