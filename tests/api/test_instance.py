"""The instance-level endpoints through HTTP, as Pleroma-FE, Mastodon.py and megalodon use
them: instance v1/v2, nodeinfo, custom emoji, the healthcheck, and the documented stubs."""

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
from litestar.testing import TestClient
from mastodon import Mastodon

from tests.helpers import Client
from tidings.api.settings import Settings
from tidings.domain.accounts.commands import RegisterAccount
from tidings.domain.ids import new_id
from tidings.domain.statuses.commands import PostStatus
from tidings.projections.registry import NAMES
from tidings.workers.app import build_app

BASE = "http://testserver.local"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24  # the files are served as they are, never decoded
GIF = b"GIF89a" + b"\x00" * 16
# Every metadata key Pleroma-FE 2.8 reads from nodeinfo (a missing one aborts its setup).
FE_NODEINFO_KEYS = {
    "nodeName",
    "features",
    "pollLimits",
    "uploadLimits",
    "fieldsLimits",
    "restrictedNicknames",
    "postFormats",
    "suggestions",
    "private",
    "federation",
    "accountActivationRequired",
    "staffAccounts",
    "mailerEnabled",
}


@contextmanager
def serve(settings: Settings) -> Iterator[Client]:
    with TestClient(app=build_app(settings), base_url=BASE) as http:
        yield Client(http)


def execute(client: Client, command: object) -> None:
    """Writes what the API cannot yet do (staff accounts), through the app's own services."""
    svc = client.http.app.state.services
    client.http.blocking_portal.call(svc.execute, command)


def add_account(
    client: Client, username: str, is_admin: bool = False, is_moderator: bool = False
) -> str:
    account_id = new_id()
    execute(
        client,
        RegisterAccount(
            account_id=account_id,
            username=username,
            email=f"{username}@example.org",
            password_hash="not used to sign in",
            is_admin=is_admin,
            is_moderator=is_moderator,
            by_operator=True,  # staff accounts come from `tidings user create`
        ),
    )
    return account_id


def post(client: Client, account_id: str, text: str) -> None:
    execute(
        client,
        PostStatus(
            status_id=new_id(),
            account_id=account_id,
            content=f"<p>{text}</p>",
            source=text,
            visibility="public",
        ),
    )


def get_json(client: Client, path: str, status: int = 200) -> Any:
    response = client.get(path)
    assert response.status_code == status, response.text
    return response.json()


def test_instance_v1_describes_the_instance_to_mastodon_and_pleroma_clients(
    client: Client, settings: Settings
) -> None:
    alice = client.register("alice")
    add_account(client, "root", is_admin=True)
    post(client, alice.id, "hello")

    instance = get_json(client, "/api/v1/instance")
    assert get_json(client, "/api/v1/instance/") == instance  # Mastodon.py's path

    assert instance["version"].startswith("4.7.0 (compatible; Pleroma 2.7.0; Tidings ")
    assert instance["uri"] == "testserver.local"
    assert instance["title"] == settings.instance_name
    assert instance["urls"] == {"streaming_api": "ws://testserver.local"}
    assert instance["stats"] == {"user_count": 2, "status_count": 1, "domain_count": 0}
    assert instance["registrations"] is True
    assert instance["approval_required"] is False
    assert instance["contact_account"]["username"] == "root"
    assert instance["rules"] == []
    assert instance["configuration"]["statuses"]["max_characters"] == settings.max_toot_chars
    assert instance["configuration"]["polls"]["max_options"] == settings.poll_max_options
    # Pleroma's extras, as its differences document lists them:
    assert instance["max_toot_chars"] == settings.max_toot_chars
    assert instance["poll_limits"] == {
        "max_options": 20,
        "max_option_chars": 200,
        "min_expiration": 0,
        "max_expiration": 365 * 24 * 3600,
    }
    for limit in ("upload_limit", "avatar_upload_limit", "background_upload_limit"):
        assert instance[limit] == getattr(settings, limit)
    for extra in ("max_media_attachments", "chat_limit", "description_limit", "shout_limit"):
        assert isinstance(instance[extra], int)
    assert instance["background_image"].startswith(BASE)
    pleroma = instance["pleroma"]
    assert pleroma["vapid_public_key"] is None  # no Web Push: Pleroma-FE skips it
    assert pleroma["stats"] == {"mau": 2}
    metadata = pleroma["metadata"]
    assert metadata["birthday_required"] is False
    assert metadata["birthday_min_age"] == 0
    assert metadata["account_activation_required"] is False
    assert metadata["post_formats"] == ["text/plain", "text/markdown", "text/html"]
    assert metadata["fields_limits"]["name_length"] == 255
    assert metadata["federation"]["enabled"] is False
    assert {"pleroma_api", "mastodon_api"} <= set(metadata["features"])
    assert "pleroma_emoji_reactions" not in metadata["features"]  # not built yet


def test_instance_v2_has_mastodon_shape_with_pleroma_extras_in_their_own_object(
    settings: Settings,
) -> None:
    with serve(dataclasses.replace(settings, registrations_open=False)) as client:
        instance = get_json(client, "/api/v2/instance/")
        assert get_json(client, "/api/v2/instance") == instance
        nodeinfo = get_json(client, "/nodeinfo/2.1.json")

    assert instance["domain"] == "testserver.local"
    assert instance["version"].startswith("4.7.0 (compatible; Pleroma ")
    assert instance["api_versions"] == {"mastodon": 2}
    assert instance["usage"] == {"users": {"active_month": 0}}
    assert instance["thumbnail"]["url"] == f"{BASE}/images/banner.png"
    assert instance["registrations"]["enabled"] is False
    assert instance["contact"] == {"email": settings.admin_email, "account": None}
    configuration = instance["configuration"]
    assert configuration["urls"]["streaming"] == "ws://testserver.local"
    assert configuration["translation"] == {"enabled": False}
    assert configuration["statuses"]["characters_reserved_per_url"] == 0
    assert "max_toot_chars" not in instance and "poll_limits" not in instance
    metadata = instance["pleroma"]["metadata"]
    assert metadata["avatar_upload_limit"] == settings.avatar_upload_limit
    assert metadata["chat_limit"] == settings.chat_limit
    assert nodeinfo["openRegistrations"] is False


def test_nodeinfo_holds_every_key_pleroma_fe_and_megalodon_read(client: Client) -> None:
    client.register("alice")
    add_account(client, "root", is_admin=True)
    add_account(client, "mod", is_moderator=True)

    links = get_json(client, "/.well-known/nodeinfo")["links"]
    assert {(link["rel"], link["href"]) for link in links} == {
        ("http://nodeinfo.diaspora.software/ns/schema/2.0", f"{BASE}/nodeinfo/2.0.json"),
        ("http://nodeinfo.diaspora.software/ns/schema/2.1", f"{BASE}/nodeinfo/2.1.json"),
    }
    for version in ("2.0", "2.1"):
        nodeinfo = get_json(client, f"/nodeinfo/{version}.json")
        assert nodeinfo["version"] == version
        # megalodon picks its Pleroma mode, and Pleroma-FE its Pleroma features, by this name.
        assert nodeinfo["software"]["name"] == "pleroma"
        assert "tidings" in nodeinfo["software"]["version"]
        assert nodeinfo["openRegistrations"] is True
        assert nodeinfo["usage"] == {
            "users": {"total": 3, "activeMonth": 3, "activeHalfyear": 3},
            "localPosts": 0,
        }
        metadata = nodeinfo["metadata"]
        assert set(metadata) >= FE_NODEINFO_KEYS
        assert set(metadata["uploadLimits"]) == {"general", "avatar", "background", "banner"}
        assert metadata["suggestions"] == {"enabled": False}
        assert metadata["staffAccounts"] == [f"{BASE}/users/root", f"{BASE}/users/mod"]
        assert metadata["pollLimits"]["max_options"] == 20
        assert metadata["fieldsLimits"]["maxFields"] == 10
    assert "repository" not in get_json(client, "/nodeinfo/2.0.json")["software"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder with an emoji pack, files that are not emoji, and a secret beside it."""
    folder = tmp_path / "data"
    pack = folder / "emoji" / "blobs"
    pack.mkdir(parents=True)
    (pack / "blobcat.png").write_bytes(PNG)
    (pack / "blobfox.gif").write_bytes(GIF)
    (pack / "notes.txt").write_text("not an image")
    (pack / ".hidden.png").write_bytes(PNG)
    (pack / "has space.png").write_bytes(PNG)
    (folder / "emoji" / "loose.png").write_bytes(PNG)  # outside any pack: ignored
    (folder / "secret.key").write_text("TOP SECRET")
    (folder / "instance").mkdir()
    (folder / "instance" / "panel.html").write_text("<p>Our own panel</p>")
    return folder


@pytest.fixture
def custom(settings: Settings, data_dir: Path) -> Iterator[Client]:
    with serve(dataclasses.replace(settings, data_dir=data_dir)) as client:
        yield client


def test_custom_emoji_are_read_from_pack_folders_and_served(custom: Client) -> None:
    emoji = {e["shortcode"]: e for e in get_json(custom, "/api/v1/custom_emojis")}
    assert set(emoji) == {"blobcat", "blobfox", "tidings_heart", "tidings_smile"}
    assert emoji["blobcat"] == {
        "shortcode": "blobcat",
        "url": f"{BASE}/emoji/blobs/blobcat.png",
        "static_url": f"{BASE}/emoji/blobs/blobcat.png",
        "visible_in_picker": True,
        "category": "blobs",
        "tags": ["pack:blobs"],
    }
    assert emoji["tidings_heart"]["category"] == "tidings"  # the pack Tidings ships

    pleroma = get_json(custom, "/api/pleroma/emoji.json")
    assert get_json(custom, "/api/pleroma/emoji") == pleroma
    assert get_json(custom, "/api/v1/pleroma/emoji") == pleroma
    assert pleroma["blobfox"] == {"image_url": "/emoji/blobs/blobfox.gif", "tags": ["pack:blobs"]}

    for path, body, content_type in (
        ("/emoji/blobs/blobcat.png", PNG, "image/png"),
        ("/emoji/blobs/blobfox.gif", GIF, "image/gif"),
    ):
        image = custom.get(path)
        assert image.status_code == 200
        assert image.headers["content-type"] == content_type
        assert image.content == body
    bundled = custom.get(pleroma["tidings_heart"]["image_url"])
    assert bundled.status_code == 200 and bundled.content.startswith(b"\x89PNG")


def test_emoji_files_never_leave_the_packs(custom: Client) -> None:
    for path in (
        "/emoji/../secret.key",
        "/emoji/%2E%2E/secret.key",
        "/emoji/blobs/..%2F..%2Fsecret.key",
        "/emoji/..%2F..%2Fdata/secret.key",
        "/emoji/blobs/notes.txt",
        "/emoji/blobs/.hidden.png",
        "/emoji/blobs/missing.png",
    ):
        response = custom.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"error": "Record not found"}


def test_pleroma_fe_finds_its_boot_files(client: Client, custom: Client) -> None:
    for path in ("/api/pleroma/frontend_configurations", "/api/v1/pleroma/frontend_configurations"):
        assert get_json(client, path) == {}
    assert get_json(client, "/static/stickers.json") == {}

    panel = client.get("/instance/panel.html")
    assert panel.headers["content-type"].startswith("text/html")
    assert "Tidings" in panel.text
    assert custom.get("/instance/panel.html").text == "<p>Our own panel</p>"
    terms = client.get("/static/terms-of-service.html")
    assert terms.status_code == 200 and terms.headers["content-type"].startswith("text/html")

    for name in ("avi.png", "banner.png"):  # the defaults every account points at
        image = client.get(f"/images/{name}")
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/png"
        assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/images/other.png").status_code == 404


def test_the_instance_panel_escapes_the_instance_name(settings: Settings) -> None:
    named = dataclasses.replace(settings, instance_name="Tea & <Cake>")
    with serve(named) as client:
        assert "Tea &amp; &lt;Cake&gt;" in client.get("/instance/panel.html").text


def test_not_implemented_endpoints_answer_as_pleroma_documents(client: Client) -> None:
    for path in ("/api/v1/suggestions", "/api/v1/trends", "/api/v1/identity_proofs"):
        assert get_json(client, path) == []
    assert get_json(client, "/api/v1/featured_tags", status=404) == {"error": "Record not found"}
    assert get_json(client, "/api/v1/announcements") == []
    assert get_json(client, "/api/v1/instance/rules") == []


def test_healthcheck_reports_pool_memory_job_queues_and_projection_lag(
    client: Client, redis_url: str, settings: Settings
) -> None:
    client.register("alice")  # returns once every projection has applied it
    queue = f"tests-{uuid.uuid4().hex[:8]}"
    jobs = redis.Redis.from_url(redis_url)
    # The queues of this database's namespace, the one its job workers consume.
    ns = settings.job_namespace
    jobs.rpush(f"{ns}:{queue}", "m1", "m2")
    jobs.hset(f"{ns}:{queue}.msgs", mapping={"m1": "{}", "m2": "{}", "m3": "{}"})
    jobs.rpush(f"dramatiq:{queue}-other", "m1")  # another namespace's queue is not ours
    jobs.hset(f"dramatiq:{queue}-other.msgs", mapping={"m1": "{}"})
    try:
        health = get_json(client, "/api/pleroma/healthcheck")
    finally:
        jobs.delete(f"{ns}:{queue}", f"{ns}:{queue}.msgs")
        jobs.delete(f"dramatiq:{queue}-other", f"dramatiq:{queue}-other.msgs")
        jobs.close()

    assert health["healthy"] is True
    assert health["pool_size"] >= 2  # the read pool keeps two connections at least
    assert health["active"] + health["idle"] == health["pool_size"]
    assert health["memory_used"] > 1.0
    queues = health["job_queue_stats"]["queues"]
    assert queues[queue] == {"enqueued": 2, "delayed": 0, "in_progress": 1, "failed": 0}
    assert f"{queue}-other" not in queues
    assert set(queues["default"]) == {"enqueued", "delayed", "in_progress", "failed"}
    projections = health["projections"]
    assert projections["head"] > 0
    assert projections["lag"] == dict.fromkeys(NAMES, 0)
    assert get_json(client, "/api/v1/pleroma/healthcheck")["healthy"] is True
    assert client.get("/health").text == "OK"


def test_healthcheck_answers_503_when_redis_does_not(settings: Settings) -> None:
    with serve(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")) as client:
        health = get_json(client, "/api/pleroma/healthcheck", status=503)
        assert client.get("/health").status_code == 503
    assert health["healthy"] is False
    assert health["job_queue_stats"] is None
    assert health["projections"] is not None  # the database still answers


def test_healthcheck_answers_503_when_the_database_does_not(client: Client) -> None:
    svc = client.http.app.state.services
    client.http.blocking_portal.call(svc.pool.close)
    health = get_json(client, "/api/pleroma/healthcheck", status=503)
    assert health["healthy"] is False
    assert health["projections"] is None
    assert health["job_queue_stats"] is not None


def test_mastodon_py_reads_the_instance_with_version_checks_on(live_server: str) -> None:
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment may carry this traffic
    api = Mastodon(api_base_url=live_server, version_check_mode="created", session=session)

    assert api.retrieve_mastodon_version() == "4.7.0"
    assert api.mastodon_api_version == 2
    assert api.instance().domain == live_server.removeprefix("http://")  # v2 from 4.0 on
    v1 = api.instance_v1()
    assert v1.pleroma.metadata.features == ["pleroma_api", "mastodon_api"]
    assert v1.poll_limits.max_options == 20
    assert api.instance_nodeinfo().software.name == "pleroma"
    assert "tidings_heart" in {e.shortcode for e in api.custom_emojis()}
    assert api.instance_health() is True
