"""Imports run one way, down the list of layers below: a module of an app imports only apps
listed before its own (and itself). An app is the first package under madoguchi; each
module directly in madoguchi (the URL conf, the command line) is its own, at the top.

The graph is computed from the code with `ast` (nothing is imported), so a forbidden import
fails here even when it sits inside a function or under TYPE_CHECKING, and an app that is not
in the list fails until it is given its place. The CLI's assess path must not import Django
(a fast start)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "madoguchi"

# Bottom to top: each layer may import those before it, never one after it.
LAYERS = (
    "engine",  # the rules and the site file; no Django
    "server",  # settings and the small helpers every app shares (choices, words, uploads)
    "orgs",
    "directory",
    "agents",
    "contracts",  # customers, sites, contracts, events, bill lines (Django label "sites")
    "cases",  # cases.assessment: a stored site as the engine's site file, and its assessment
    "bills",
    "money",
    "receivables",
    "subcontracts",  # accepting a job makes the receivable of its promised payment
    "sitefiles",
    "incidents",
    "notifications",
    "sites",  # every page under /sites/ (the site page reads all the apps above contracts)
    "api",
    "ops",
    "urls",
    "cli",
)


def _app(path: Path) -> str:
    """The app a module belongs to: its first package, or its own name directly in madoguchi."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imported_modules(path: Path) -> set[str]:
    """Every madoguchi module a module imports (absolute or relative, anywhere in it)."""
    package = ["madoguchi", *path.relative_to(PACKAGE).parent.parts]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "madoguchi"}


def _imported_apps(path: Path) -> set[str]:
    """The apps a module imports, its own left out."""
    names = {name.split(".")[1] for name in _imported_modules(path) if "." in name}
    apps = {n for n in names if (PACKAGE / n).is_dir() or (PACKAGE / f"{n}.py").is_file()}
    return apps - {_app(path)}


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def _edges() -> dict[tuple[str, str], list[str]]:
    """(importer, imported) app pairs, each with the importing modules."""
    edges: dict[tuple[str, str], list[str]] = {}
    for path in MODULES:
        for app in _imported_apps(path):
            edges.setdefault((_app(path), app), []).append(str(path.relative_to(PACKAGE)))
    return edges


def test_every_app_has_a_layer() -> None:
    found = {_app(p) for p in MODULES}
    assert sorted(found - set(LAYERS)) == []
    assert sorted(set(LAYERS) - found) == []


def test_no_app_imports_one_above_it() -> None:
    rank = {app: i for i, app in enumerate(LAYERS)}
    upward = {
        f"{low} -> {high}": modules
        for (low, high), modules in sorted(_edges().items())
        if rank.get(low, -1) < rank.get(high, len(LAYERS))
    }
    assert upward == {}


def test_the_app_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for low, high in _edges():
        graph.setdefault(low, set()).add(high)
    done: set[str] = set()

    def cycle_from(app: str, path: list[str]) -> list[str]:
        if app in path:
            return [*path[path.index(app) :], app]
        if app in done:
            return []
        for imported in sorted(graph.get(app, ())):
            if found := cycle_from(imported, [*path, app]):
                return found
        done.add(app)
        return []

    assert [cycle for app in sorted(graph) if (cycle := cycle_from(app, []))] == []


def test_only_the_url_conf_imports_the_api() -> None:
    importers = {app for (app, imported) in _edges() if imported == "api"}
    assert importers == {"urls"}


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
