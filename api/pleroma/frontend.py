"""What Pleroma-FE fetches before anyone signs in, besides the instance and nodeinfo: its
backend-provided configuration, the instance panel, the terms of service, the sticker list,
and the default avatar and banner images accounts point at.

An operator customises the panel and the terms by placing ``instance/panel.html`` and
``static/terms-of-service.html`` in the data folder, the files Pleroma reads from its own
instance folder."""

import html
from pathlib import Path
from typing import Any

import anyio
from litestar import Controller, MediaType, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File

from tidings.api.errors import not_found
from tidings.api.services import Services
from tidings.api.settings import Settings

IMAGES = Path(__file__).resolve().parent.parent / "static" / "images"
DEFAULT_IMAGES = ("avi.png", "banner.png")


async def _custom(settings: Settings, relative: str) -> str | None:
    path = anyio.Path(settings.data_dir / relative)
    if not await path.is_file():
        return None
    return await path.read_text(encoding="utf-8")


def default_panel(settings: Settings) -> str:
    return (
        f"<p><strong>{html.escape(settings.instance_name)}</strong></p>\n"
        f"<p>{html.escape(settings.instance_description)}</p>\n"
    )


def default_terms(settings: Settings) -> str:
    contact = (
        f' Questions go to <a href="mailto:{html.escape(settings.admin_email, quote=True)}">'
        f"{html.escape(settings.admin_email)}</a>."
        if settings.admin_email
        else ""
    )
    return (
        "<h4>Terms of service</h4>\n"
        f"<p>The administrators of {html.escape(settings.instance_name)} have not published"
        f" terms of service yet. Be kind, and post nothing unlawful.{contact}</p>\n"
    )


class FrontendController(Controller):
    @get(
        ["/api/pleroma/frontend_configurations", "/api/v1/pleroma/frontend_configurations"],
        sync_to_thread=False,
    )
    def frontend_configurations(self) -> dict[str, Any]:
        """No front end is configured from the backend: Pleroma's documented empty answer."""
        return {}

    @get("/instance/panel.html", media_type=MediaType.HTML)
    async def panel(self, svc: NamedDependency[Services]) -> str:
        custom = await _custom(svc.settings, "instance/panel.html")
        return custom if custom is not None else default_panel(svc.settings)

    @get("/static/terms-of-service.html", media_type=MediaType.HTML)
    async def terms(self, svc: NamedDependency[Services]) -> str:
        custom = await _custom(svc.settings, "static/terms-of-service.html")
        return custom if custom is not None else default_terms(svc.settings)

    @get("/static/stickers.json", sync_to_thread=False)
    def stickers(self) -> dict[str, str]:
        return {}  # no sticker packs exist; Pleroma-FE maps pack names to their folders

    @get("/images/{name:str}", sync_to_thread=False)
    def image(self, name: FromPath[str]) -> File:
        """The default avatar and banner every account shows until it uploads its own."""
        if name not in DEFAULT_IMAGES:
            raise not_found()
        return File(
            path=IMAGES / name,
            media_type="image/png",
            content_disposition_type="inline",
            headers={"Cache-Control": "public, max-age=86400"},
        )
