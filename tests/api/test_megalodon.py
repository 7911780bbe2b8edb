"""The real megalodon client (what Whalebird uses), end to end, in its Pleroma mode."""

import shutil
import subprocess
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "bench"


@pytest.fixture(scope="session")
def node() -> str:
    """Node with bench/package.json's megalodon installed (from its lockfile, once)."""
    found = shutil.which("node")
    npm = shutil.which("npm")
    if found is None or npm is None:
        pytest.skip("node and npm are not installed")
    if not (BENCH / "node_modules" / "megalodon").is_dir():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=BENCH,
            check=True,
            timeout=300,
        )
    return found


def test_megalodon_pleroma_mode_statuses_and_timelines(live_server: str, node: str) -> None:
    done = subprocess.run(
        [node, str(BENCH / "megalodon_check.mjs"), "--base", live_server],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    passed = {line.split()[1] for line in done.stdout.splitlines() if line.startswith("ok ")}
    assert {
        "detector",
        "getStatus_hidden_from_stranger",
        "getHomeTimeline_pagination",
        "favouriteStatus",
        "bookmarkStatus",
        "deleteStatus",
        "editStatus",
        "votePoll",
        "reblogStatus",
        "getStatusRebloggedBy",
        "unreblogStatus",
        "unpinStatus",
        "getAccountStatuses",
        "muteStatus",
        "unmuteStatus",
        "getTagTimeline",
    } <= passed, done.stdout
