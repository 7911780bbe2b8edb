"""The folders install under the ``tidings`` namespace; a package left out of pyproject.toml
would be missing from every wheel, so each one must be listed."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP = {
    "domain": "tidings.domain",
    "projections": "tidings.projections",
    "api": "tidings.api",
    "workers": "tidings.workers",
    "migrations": "tidings.migrations",
}


def test_every_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for folder, prefix in TOP.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((prefix, *relative)))
    assert found - listed == set()


def test_every_package_is_typed() -> None:
    for folder in TOP:
        for init in (ROOT / folder).rglob("__init__.py"):
            assert (init.parent / "py.typed").exists(), f"{init.parent} lacks py.typed"
