"""The instance's custom emoji: packs are folders of images, the default pack shipped with
Tidings and those in the data folder's ``emoji`` directory. A file's stem is its shortcode,
its folder the pack; on a clash the data folder wins. Images are served under
``/emoji/<pack>/<file>``, the path Pleroma uses."""

import re
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread
from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File

from tidings.api.entities.instance import CustomEmoji, PleromaEmoji
from tidings.api.errors import not_found
from tidings.api.services import Services
from tidings.api.settings import Settings

BUNDLED = Path(__file__).resolve().parent.parent / "static" / "emoji"
IMAGE_TYPES = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# Pack and file names: no separators, no leading dot, so a name can never leave its folder.
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_SHORTCODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class LocalEmoji:
    shortcode: str
    pack: str
    filename: str

    @property
    def path(self) -> str:
        return f"/emoji/{self.pack}/{self.filename}"

    @property
    def tags(self) -> list[str]:
        return [f"pack:{self.pack}"]  # Pleroma's tag: Pleroma-FE groups its picker by it


def roots(settings: Settings) -> list[Path]:
    """Where packs live, lowest precedence first."""
    return [BUNDLED, settings.data_dir / "emoji"]


def _inside(root: Path, path: Path) -> bool:
    try:
        return path.resolve(strict=True).is_relative_to(root.resolve(strict=True))
    except OSError:
        return False


def _is_emoji_file(root: Path, path: Path) -> bool:
    return (
        _NAME.match(path.name) is not None
        and path.suffix.lower() in IMAGE_TYPES
        and _inside(root, path)
        and path.is_file()
    )


def scan(folders: list[Path]) -> list[LocalEmoji]:
    found: dict[str, LocalEmoji] = {}
    for root in folders:
        if not root.is_dir():
            continue
        for pack in sorted(root.iterdir()):
            if not (_NAME.match(pack.name) and pack.is_dir() and _inside(root, pack)):
                continue
            for file in sorted(pack.iterdir()):
                if _SHORTCODE.match(file.stem) and _is_emoji_file(root, file):
                    found[file.stem] = LocalEmoji(file.stem, pack.name, file.name)
    return sorted(found.values(), key=lambda e: (e.pack, e.shortcode))


def locate(folders: list[Path], pack: str, filename: str) -> Path | None:
    if not (_NAME.match(pack) and _NAME.match(filename)):
        return None
    for root in reversed(folders):
        candidate = root / pack / filename
        if _is_emoji_file(root, candidate):
            return candidate
    return None


async def local_emoji(settings: Settings) -> list[LocalEmoji]:
    found: list[LocalEmoji] = await anyio.to_thread.run_sync(scan, roots(settings))
    return found


def render_custom_emoji(emoji: LocalEmoji, settings: Settings) -> CustomEmoji:
    url = f"{settings.base_url}{emoji.path}"
    return CustomEmoji(
        shortcode=emoji.shortcode,
        url=url,
        static_url=url,
        category=emoji.pack,
        tags=emoji.tags,
    )


class PleromaEmojiController(Controller):
    @get(["/api/pleroma/emoji", "/api/pleroma/emoji.json", "/api/v1/pleroma/emoji"])
    async def index(self, svc: NamedDependency[Services]) -> dict[str, PleromaEmoji]:
        """Pleroma's shape of /api/v1/custom_emojis, keyed by shortcode; Pleroma-FE asks
        for ``emoji.json`` and prefixes the relative ``image_url`` with the server."""
        return {
            e.shortcode: PleromaEmoji(image_url=e.path, tags=e.tags)
            for e in await local_emoji(svc.settings)
        }


class EmojiFilesController(Controller):
    path = "/emoji"

    @get("/{pack:str}/{filename:str}")
    async def image(
        self, pack: FromPath[str], filename: FromPath[str], svc: NamedDependency[Services]
    ) -> File:
        found = await anyio.to_thread.run_sync(locate, roots(svc.settings), pack, filename)
        if found is None:
            raise not_found()
        return File(
            path=found,
            media_type=IMAGE_TYPES[found.suffix.lower()],
            content_disposition_type="inline",
            headers={"Cache-Control": "public, max-age=3600"},
        )
