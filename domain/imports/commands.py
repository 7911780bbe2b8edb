import importlib
from types import ModuleType

import msgspec

from tidings.domain.imports.events import Imported, ImportEntry, ImportKind, Skipped


class RequestImport(msgspec.Struct, kw_only=True, frozen=True):
    import_id: str
    account_id: str
    kind: ImportKind
    entries: list[ImportEntry]


class CompleteImport(msgspec.Struct, kw_only=True, frozen=True):
    """From the import job, once every entry was acted on or skipped."""

    import_id: str
    imported: list[Imported]
    skipped: list[Skipped]


def blocks_commands() -> ModuleType | None:
    """The blocks commands (BlockAccount, MuteAccount), looked up at run time while that
    package is being built, so follow imports work without it.
    TODO(integrator): import them directly once tidings.domain.blocks lands on main."""
    try:
        return importlib.import_module("tidings.domain.blocks.commands")
    except ModuleNotFoundError:
        return None
