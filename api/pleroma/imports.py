"""Pleroma's imports: ``/api/pleroma/follow_import``, ``blocks_import``, ``mutes_import``.

``list`` is a string or an uploaded file: accounts separated by whitespace or newlines, or
a Mastodon export (following_accounts.csv, blocked_accounts.csv, muted_accounts.csv). The
request records the parsed list and answers at once; a job acts on it and records what it
imported and what it skipped, and why (Pleroma skips such accounts silently).
"""

import csv
import re
from typing import Any
from urllib.parse import urlsplit

import msgspec
from litestar import Controller, MediaType, Request, Response, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency

from tidings.api.auth import Viewer, rate_limited, scope
from tidings.api.errors import ApiError
from tidings.api.params import raw_params
from tidings.api.services import Services
from tidings.domain.accounts.aggregates import USERNAME
from tidings.domain.ids import new_id
from tidings.domain.imports.aggregates import MAX_ENTRIES, is_remote
from tidings.domain.imports.commands import RequestImport
from tidings.domain.imports.events import ImportEntry, ImportKind

MAX_BYTES = 1024 * 1024
# Pleroma's answer while one job did the whole list, as a JSON string (Litestar would send
# a returned str as text, so it leaves encoded).
STARTED = msgspec.json.encode("job started")

# A Mastodon export's header row, per kind, in Mastodon's column order.
ADDRESS = "Account address"
COLUMNS: dict[ImportKind, tuple[str, ...]] = {
    "follows": (ADDRESS, "Show boosts", "Notify on new posts", "Languages"),
    "blocks": (ADDRESS,),
    "mutes": (ADDRESS, "Hide notifications"),
}
_FLAGS = {"true": True, "false": False}
# Control characters other than whitespace: no text file has them, every binary one does.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _acct(token: str, domain: str, base_url: str) -> str:
    """``alice``, ``@alice``, ``alice@ourdomain``, ``@alice@ourdomain`` and this server's
    profile URLs name the local ``alice``; anything else is kept as written, for the job
    to skip and report."""
    token = token.strip().removeprefix("@")
    if token.startswith(("https://", "http://")):
        ours = urlsplit(base_url).netloc.lower()
        url = urlsplit(token)
        path = url.path.rstrip("/")
        for prefix in ("/users/", "/@"):
            if url.netloc.lower() == ours and path.startswith(prefix):
                return path.removeprefix(prefix)
        return token
    name, at, host = token.partition("@")
    if at and host.lower() == domain.lower():
        return name
    return token


def _text(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise ApiError(413, f"The list is larger than {MAX_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, "The list must be UTF-8 text") from None
    if _BINARY.search(text):
        raise ApiError(422, "The list must be a text file, not binary data")
    return text


def _flag(value: str, column: str, row: int) -> bool | None:
    value = value.strip().lower()
    if not value:
        return None
    if value not in _FLAGS:
        raise ApiError(422, f"Row {row}: {column} must be true or false")
    return _FLAGS[value]


def _csv_entries(lines: list[str], kind: ImportKind) -> list[tuple[str, dict[str, bool | None]]]:
    expected = COLUMNS[kind]
    rows = list(csv.reader(lines))
    first = [cell.strip() for cell in rows[0]]
    if first and first[0].lower() == ADDRESS.lower():
        known = {c.lower(): c for c in expected}
        unknown = [cell for cell in first if cell.lower() not in known]
        if unknown:
            raise ApiError(
                422,
                f"A {kind} list has no column {unknown[0]!r}; its columns are "
                + ", ".join(expected),
            )
        header = [known[cell.lower()] for cell in first]
        rows, first_row = rows[1:], 2
    elif len(first) > len(expected) or (first and " " in first[0]):
        raise ApiError(
            422, f"Unexpected columns: a {kind} list's columns are " + ", ".join(expected)
        )
    else:
        header, first_row = list(expected), 1  # Mastodon's column order, no header row
    out = []
    for number, row in enumerate(rows, start=first_row):
        if len(row) > len(header):
            raise ApiError(422, f"Row {number} has {len(row)} columns, more than the header")
        cells = dict(zip(header, (cell.strip() for cell in row), strict=False))
        address = cells.get(ADDRESS, "")
        if not address:
            raise ApiError(422, f"Row {number} has no account address")
        options = {
            "reblogs": _flag(cells.get("Show boosts", ""), "Show boosts", number),
            "notify": _flag(cells.get("Notify on new posts", ""), "Notify on new posts", number),
            "notifications": _flag(
                cells.get("Hide notifications", ""), "Hide notifications", number
            ),
        }
        out.append((address, options))
    return out


def parse_list(text: str, kind: ImportKind, domain: str, base_url: str) -> list[ImportEntry]:
    """The entries of a list, first mention of each account kept; a 4xx for anything that
    is not such a list."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise ApiError(422, "The list names no account")
    if any("," in line for line in lines):
        found = _csv_entries(lines, kind)
    else:
        if lines[0].lower() == ADDRESS.lower():  # a one-column export with its header
            lines = lines[1:]
        found = [(token, {}) for line in lines for token in line.split()]
    entries: dict[str, ImportEntry] = {}
    for address, options in found:
        acct = _acct(address, domain, base_url)
        if acct and acct.lower() not in entries:
            entries[acct.lower()] = ImportEntry(acct=acct, **options)
            if len(entries) > MAX_ENTRIES:
                raise ApiError(422, f"The list names more than {MAX_ENTRIES} accounts")
    if not any(_plausible(e.acct) for e in entries.values()):
        raise ApiError(422, "The list names no account")
    return list(entries.values())


def _plausible(acct: str) -> bool:
    return bool(USERNAME.match(acct)) or is_remote(acct)


async def _list_text(request: Request[Any, Any, Any]) -> str:
    value = (await raw_params(request)).get("list")
    if isinstance(value, UploadFile):
        return _text(await value.read())
    if isinstance(value, str):
        return _text(value.encode())
    if value is None:
        raise ApiError(422, "Validation failed: list is required")
    raise ApiError(422, "Validation failed: list must be a string or a file")


async def _start(
    request: Request[Any, Any, Any], svc: Services, user: Viewer, kind: ImportKind
) -> Response[bytes]:
    entries = parse_list(
        await _list_text(request), kind, svc.settings.domain, svc.settings.base_url
    )
    await svc.execute(
        RequestImport(import_id=new_id(), account_id=user.user_id, kind=kind, entries=entries)
    )
    return Response(STARTED, media_type=MediaType.JSON)


class ImportsController(Controller):
    """Pleroma accepts the old ``follow`` scope for all three."""

    path = "/api/pleroma"

    @post(
        "/follow_import",
        guards=[scope("write:follows", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def follow_import(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[bytes]:
        return await _start(request, svc, user, "follows")

    @post(
        "/blocks_import",
        guards=[scope("write:blocks", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def blocks_import(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[bytes]:
        return await _start(request, svc, user, "blocks")

    @post(
        "/mutes_import",
        guards=[scope("write:mutes", "follow"), rate_limited("write")],
        status_code=200,
    )
    async def mutes_import(
        self,
        request: Request[Any, Any, Any],
        svc: NamedDependency[Services],
        user: NamedDependency[Viewer],
    ) -> Response[bytes]:
        return await _start(request, svc, user, "mutes")
