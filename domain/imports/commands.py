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
