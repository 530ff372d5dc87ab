"""Imports run one way: engine ← orgs ← directory ← sites ← cases ← sitefiles ← api
(bills sits on sites, beside cases: sitefiles and api may use it, it uses neither; agents
sits on directory: the installer apps above it use it, it uses none of them; money sits on
sitefiles and hears of site changes through sites.changes, never imported from below;
incidents sits on cases and sitefiles, notifications on incidents: nothing below them imports
either, and they hear of changes by reading, not by signals).

Read with `ast` (nothing is imported), so a forbidden import fails here even when it sits
inside a function. The CLI's assess path must not import Django (a fast start)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "madoguchi"
APPS = (
    "engine",
    "orgs",
    "directory",
    "sites",
    "cases",
    "sitefiles",
    "bills",
    "money",
    "agents",
    "receivables",
    "subcontracts",
    "incidents",
    "notifications",
    "api",
    "ops",
    "server",
)

# What each part may not import (anything in madoguchi not named here is allowed).
FORBIDDEN = {
    "engine": set(APPS) - {"engine"},
    "orgs": set(APPS) - {"engine", "orgs", "server"},
    "directory": set(APPS) - {"engine", "orgs", "directory", "server"},
    "sites": {"cases", "sitefiles", "bills", "money", "api", "ops"},
    "cases": {"bills", "money"},
    "sitefiles": {"money"},
    "bills": {"cases", "sitefiles", "money", "api", "ops"},
    "money": {"agents", "subcontracts", "receivables", "api", "ops"},
    "agents": {"sites", "cases", "sitefiles", "bills", "money", "api", "ops"},
    "receivables": {"sitefiles", "bills", "money", "api", "ops"},
    "subcontracts": {"sitefiles", "bills", "api", "ops", "receivables"},
    "incidents": {"notifications", "api", "ops"},
    "notifications": {"api", "ops"},
}
# Nothing below incidents and notifications imports them.
for _lower in (
    "sites",
    "cases",
    "sitefiles",
    "bills",
    "money",
    "agents",
    "receivables",
    "subcontracts",
):
    FORBIDDEN[_lower] |= {"incidents", "notifications"}


def _part(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0]


def _imported_parts(path: Path) -> set[str]:
    """The madoguchi parts a module imports, at the top or inside a function."""
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "madoguchi":
                names = [f"madoguchi.{alias.name}" for alias in node.names]
        for name in names:
            dotted = name.split(".")
            if dotted[0] == "madoguchi" and len(dotted) > 1:
                parts.add(dotted[1])
    return parts


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if len(p.relative_to(PACKAGE).parts) > 1)


def test_the_walk_finds_the_apps() -> None:
    found = {_part(p) for p in MODULES}
    assert {"engine", "orgs", "directory", "sites", "cases", "sitefiles", "api"} <= found


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_a_lower_part_imports_no_higher_one(part: str) -> None:
    wrong = {
        str(path.relative_to(PACKAGE)): sorted(_imported_parts(path) & FORBIDDEN[part])
        for path in MODULES
        if _part(path) == part
    }
    assert {module: parts for module, parts in wrong.items() if parts} == {}


def test_only_the_url_conf_imports_the_api() -> None:
    importers = {
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if _part(path) != "api" and "api" in _imported_parts(path)
    }
    assert importers == {"server/urls.py"}


def test_assessing_a_file_imports_no_django() -> None:
    example = ROOT / "examples" / "seed001-phone-stays-with-ntt.yaml"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "madoguchi.cli", "assess", str(example)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines()]
    assert not [name for name in imported if name.split(".")[0] == "django"]
