"""compose.yaml is valid Compose and wires up the services a deployment needs.

No Docker here: the file is checked against the Compose specification's JSON schema that
check-jsonschema ships (so this runs offline), then its wiring is checked directly.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

COMPOSE = Path(__file__).resolve().parent.parent / "compose.yaml"
SERVICES = {"postgres", "redis", "minio", "api", "worker"}
APP_SERVICES = ("api", "worker")


def schema_errors(path: Path) -> str | None:
    """Validation output if `path` breaks the Compose spec, else None."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.compose-spec",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return None if proc.returncode == 0 else proc.stdout + proc.stderr


def fixed_host_port(port: object) -> bool:
    """Whether a ports entry names a host port (long form, or short [IP:][HOST:]CONTAINER)."""
    if isinstance(port, dict):
        return bool(port.get("published"))
    parts = str(port).partition("/")[0].split(":")
    return len(parts) >= 2 and parts[-2] != ""


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    # The safe loader resolves the x-* anchors and "<<" merges as Compose does.
    data = YAML(typ="safe").load(COMPOSE)
    assert isinstance(data, dict), "compose.yaml is not a mapping"
    found = data.get("services")
    assert isinstance(found, dict), "compose.yaml has no services mapping"
    return found


def test_matches_compose_spec_schema() -> None:
    errors = schema_errors(COMPOSE)
    assert errors is None, f"compose.yaml breaks the Compose spec:\n{errors}"


def test_service_set(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == SERVICES


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_has_a_healthcheck(services: dict[str, dict[str, Any]], name: str) -> None:
    check = services[name].get("healthcheck")
    assert isinstance(check, dict), f"{name} has no healthcheck"
    assert not check.get("disable", False), f"{name} disables its healthcheck"
    test = check.get("test")
    assert test, f"{name} healthcheck has no test"
    if isinstance(test, list):
        assert test[0] in ("CMD", "CMD-SHELL") and len(test) > 1, f"{name}: bad test {test}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_waits_for_healthy_backends(services: dict[str, dict[str, Any]], name: str) -> None:
    depends = services[name].get("depends_on")
    # The list form cannot carry a condition, so only the long form can pass.
    assert isinstance(depends, dict), f"{name}: depends_on must use the long form"
    for backend in ("postgres", "redis"):
        condition = depends.get(backend, {}).get("condition")
        assert condition == "service_healthy", f"{name} -> {backend}: {condition!r}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_is_built_here_and_replicated(services: dict[str, dict[str, Any]], name: str) -> None:
    service = services[name]
    assert service.get("build") is not None, f"{name} is not built from the project"
    assert "image" not in service, f"{name} sets both build and image"
    replicas = service.get("deploy", {}).get("replicas", 1)
    assert int(replicas) >= 2, f"{name} runs {replicas} replica(s)"
    # A fixed host port can be bound by one replica only; the rest would fail to start.
    for port in service.get("ports", []):
        assert not fixed_host_port(port), f"{name} publishes fixed host port {port!r}"
