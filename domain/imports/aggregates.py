from uuid import UUID

from tidings.domain.aggregate import Aggregate
from tidings.domain.errors import Invalid
from tidings.domain.events import Event
from tidings.domain.imports import events
from tidings.domain.imports.events import Imported, ImportEntry, ImportKind, Skipped

MAX_ENTRIES = 20_000  # one job does the whole list; beyond this, split the file


def is_remote(acct: str) -> bool:
    """Whether an entry names another server's account: ``user@host`` or a profile URL
    (the request has already turned this server's own into bare usernames)."""
    name, at, host = acct.partition("@")
    return "://" in acct or (bool(at) and bool(name) and bool(host) and "@" not in host)


class Import(Aggregate):
    """One uploaded list: requested once, completed once, by whichever job run is first."""

    def __init__(self, stream: UUID) -> None:
        super().__init__(stream)
        self.account_id = ""
        self.kind: ImportKind = "follows"
        self.entries: list[ImportEntry] = []
        self.pending = False

    def request(self, account_id: str, kind: ImportKind, entries: list[ImportEntry]) -> None:
        if not entries:
            raise Invalid("The list names no account")
        if len(entries) > MAX_ENTRIES:
            raise Invalid(f"The list names more than {MAX_ENTRIES} accounts")
        self.trigger(events.ImportRequested, account_id=account_id, kind=kind, entries=entries)

    def complete(self, imported: list[Imported], skipped: list[Skipped]) -> None:
        if not self.pending:
            return  # a second run of the job, or one for a forgotten owner: nothing to say
        self.trigger(
            events.ImportCompleted,
            account_id=self.account_id,
            imported=imported,
            skipped=skipped,
        )

    def apply(self, event: Event) -> None:
        if isinstance(event, events.ImportRequested):
            self.account_id, self.kind = event.account_id, event.kind
            self.entries = event.entries or []
            self.pending = event.entries is not None  # a forgotten owner's list never runs
        elif isinstance(event, events.ImportCompleted):
            self.pending = False
