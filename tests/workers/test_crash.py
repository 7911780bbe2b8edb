"""The operator's promises on the embedded default: nothing acknowledged is lost to a
``kill -9``, a restart cleans up after the dead process, and the read models rebuilt from
the log are the live ones."""

import signal
import threading
from pathlib import Path

import httpx
import pytest

from tests.workers.server import Server, processes_using

pytestmark = pytest.mark.slow


def _sign_up(base: str, username: str) -> str:
    app = httpx.post(
        f"{base}/api/v1/apps",
        data={
            "client_name": "crash",
            "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow",
        },
    ).json()
    app_token = httpx.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read write follow",
        },
    ).json()
    created = httpx.post(
        f"{base}/api/v1/accounts",
        headers={"Authorization": f"Bearer {app_token['access_token']}"},
        data={
            "username": username,
            "email": f"{username}@example.org",
            "password": "pw",
            "agreement": "1",
        },
    )
    assert created.status_code == 200, created.text
    return str(created.json()["access_token"])


def test_kill_minus_nine_loses_no_acknowledged_write(tmp_path: Path) -> None:
    server = Server(tmp_path / "data").start()
    try:
        alice = {"Authorization": f"Bearer {_sign_up(server.base, 'alice')}"}
        bob = {"Authorization": f"Bearer {_sign_up(server.base, 'bob')}"}
        alice_id = httpx.get(
            f"{server.base}/api/v1/accounts/verify_credentials", headers=alice
        ).json()["id"]
        assert (
            httpx.post(f"{server.base}/api/v1/accounts/{alice_id}/follow", headers=bob).status_code
            == 200
        )

        acknowledged: list[str] = []
        lock = threading.Lock()
        enough = threading.Event()

        def burst(worker: int) -> None:
            with httpx.Client(timeout=10) as http:
                for n in range(10_000):
                    try:
                        response = http.post(
                            f"{server.base}/api/v1/statuses",
                            headers=alice,
                            data={"status": f"w{worker}-{n}"},
                        )
                    except httpx.HTTPError:
                        return  # the server died under us: this write was never acknowledged
                    if response.status_code == 200:
                        with lock:
                            acknowledged.append(response.json()["id"])
                            if len(acknowledged) >= 150:
                                enough.set()

        threads = [threading.Thread(target=burst, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        assert enough.wait(120), "the burst never got going"
        server.kill()
        for thread in threads:
            thread.join(30)
        assert len(acknowledged) >= 150

        server.start()  # must clean up the stale pid and the orphaned valkey by itself
        with httpx.Client(timeout=10) as http:
            missing = [
                i
                for i in acknowledged
                if http.get(f"{server.base}/api/v1/statuses/{i}", headers=bob).status_code != 200
            ]
            assert missing == []
            home = http.get(f"{server.base}/api/v1/timelines/home?limit=40", headers=bob).json()
            # Writes in flight when the server died may be there too: committed, never answered.
            assert max(acknowledged) in {s["id"] for s in home}

        verified = server.cli("projections", "verify", "--all")
        assert verified.returncode == 0, verified.stdout + verified.stderr
        assert "DIFFERS" not in verified.stdout
        rebuilt = server.cli("projections", "rebuild", "--all")
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert (
            httpx.get(f"{server.base}/api/v1/statuses/{acknowledged[-1]}", headers=bob).status_code
            == 200
        )
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0
    assert processes_using(tmp_path / "data") == []
