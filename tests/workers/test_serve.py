"""``tidings serve`` on the embedded default, as someone on a fresh machine runs it."""

import signal
from pathlib import Path

import httpx
import pytest

from tests.workers.server import Server, processes_using

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_keeps_data_across_a_clean_restart(tmp_path: Path, stop_signal: int) -> None:
    data = tmp_path / "data"
    server = Server(data).start()
    app = httpx.post(
        f"{server.base}/api/v1/apps",
        data={"client_name": "restart", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
    )
    assert app.status_code == 200
    assert server.stop(stop_signal) == 0
    assert processes_using(data) == [], "embedded PostgreSQL or Redis outlived the server"

    created = server.cli("user", "create", "carol", "--password", "secret", "--admin")
    assert created.returncode == 0, created.stderr

    server.start()
    try:
        found = httpx.get(f"{server.base}/api/v1/accounts/lookup?acct=carol")
        assert found.status_code == 200
        assert found.json()["pleroma"]["is_admin"] is True
        token = httpx.post(
            f"{server.base}/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": app.json()["client_id"],
                "client_secret": app.json()["client_secret"],
            },
        )
        assert token.status_code == 200, "the app registered before the restart is gone"
        status = server.cli("projections", "status")
        assert status.returncode == 0
        assert "home_timeline" in status.stdout
    finally:
        assert server.stop() == 0
    assert processes_using(data) == []
