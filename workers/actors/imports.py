"""Pleroma's follow, block and mute imports: one job per uploaded list.

The job acts on each entry with its own command (FollowAccount, BlockAccount, MuteAccount),
each a write of its own, so no transaction spans the list. Those commands record nothing
when the relationship already holds, so a run that crashed halfway and is run again (or
a message delivered twice) acts on nobody twice; the completion is recorded once, by the
import's own stream.
"""

import logging
from collections import Counter
from typing import Any

from tidings.domain.accounts.aggregates import USERNAME, Claim, username_stream
from tidings.domain.blocks.commands import BlockAccount, MuteAccount
from tidings.domain.errors import Forbidden, Invalid, NotFound
from tidings.domain.graph.commands import FollowAccount
from tidings.domain.ids import stream_id
from tidings.domain.imports.aggregates import Import, is_remote
from tidings.domain.imports.commands import CompleteImport
from tidings.domain.imports.events import Imported, ImportEntry, Skipped
from tidings.workers.actors.context import JobContext

log = logging.getLogger("tidings.jobs.imports")

# Short, as a 20,000-line list may repeat one 20,000 times in its ImportCompleted.
REMOTE = "remote account: this server does not federate yet"
UNKNOWN = "no such account here"
NOT_AN_ADDRESS = "not an account address"
YOURSELF = "your own account"


def _target(ctx: JobContext, owner: str, acct: str) -> tuple[str | None, str]:
    """The local account an entry names, or None and why not. Names resolve through the
    write side's own username claims, so an account registered a moment ago is found."""
    if is_remote(acct):
        return None, REMOTE
    if not USERNAME.match(acct):
        return None, NOT_AN_ADDRESS
    claim = ctx.tidings.load(Claim, username_stream(acct))
    if claim is None or claim.account_id is None:
        return None, UNKNOWN
    if claim.account_id == owner:
        return None, YOURSELF
    return claim.account_id, ""


def _command(kind: str, owner: str, target: str, entry: ImportEntry) -> object:
    if kind == "follows":
        return FollowAccount(
            follower_id=owner, followed_id=target, notify=entry.notify, reblogs=entry.reblogs
        )
    if kind == "blocks":
        return BlockAccount(account_id=owner, target_id=target)
    notifications = True if entry.notifications is None else entry.notifications
    return MuteAccount(account_id=owner, target_id=target, notifications=notifications)


def run_import(ctx: JobContext, payload: dict[str, Any]) -> None:
    import_id = payload["import_id"]
    job = ctx.tidings.load(Import, stream_id(import_id))
    if job is None or not job.pending:
        return  # completed by an earlier run, or its owner forgotten
    imported: list[Imported] = []
    skipped: list[Skipped] = []
    for entry in job.entries:
        target, reason = _target(ctx, job.account_id, entry.acct)
        if target is None:
            skipped.append(Skipped(acct=entry.acct, reason=reason))
            continue
        try:
            ctx.tidings.handle(_command(job.kind, job.account_id, target, entry))
        except (Invalid, Forbidden, NotFound) as refused:
            # The domain said no (a block between the two, a rule of the target's): Pleroma
            # skips such an account and goes on with the list, and so do we, saying why.
            skipped.append(Skipped(acct=entry.acct, reason=str(refused)))
            continue
        imported.append(Imported(acct=entry.acct, account_id=target))
    ctx.tidings.handle(CompleteImport(import_id=import_id, imported=imported, skipped=skipped))
    # Counts and reasons only: who was followed stays in the log, encrypted with the owner's
    # key (`tidings audit history` shows it), not in plain-text logs that outlive a forget.
    reasons = Counter(s.reason for s in skipped)
    log.info(
        "import %s (%s) of account %s: %d imported, %d skipped%s",
        import_id,
        job.kind,
        job.account_id,
        len(imported),
        len(skipped),
        "".join(f"; {n} {why}" for why, n in reasons.most_common()),
    )
