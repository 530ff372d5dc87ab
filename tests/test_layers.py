"""Imports run one way, down the list of layers below: a module of an app imports only apps
listed before its own (and itself). An app is the first package under madoguchi; each
module directly in madoguchi (the URL conf, the command line) is its own, at the top.

The graph is computed from the code with `ast` (nothing is imported), so a forbidden import
fails here even when it sits inside a function or under TYPE_CHECKING, and an app that is not
in the list fails until it is given its place. The CLI's assess path must not import Django
(a fast start).

Templates follow the same layers, computed from the files too: a template belongs to the app
of its folder (`<app>/templates/...`, or `templates/<app>/...`; the shared top-level ones and
folders that name no app belong to `server`), a tag library to the app whose `templatetags`
package defines it. A template may `{% load %}` only libraries of its own or lower apps, and
`{% include %}` or `{% extends %}` only templates of its own or lower apps: a higher app's
panel is its own fragment, which the lower page loads after it by URL name."""

from __future__ import annotations

import ast
import re
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


# --- templates ---------------------------------------------------------------------------

TEMPLATE_TAG = re.compile(r"{%\s*(load|include|extends)\s+(.*?)\s*%}", re.S)


def _is_app(package: Path, name: str) -> bool:
    return (package / name).is_dir() or (package / f"{name}.py").is_file()


def _template_dirs(package: Path) -> list[tuple[Path, str | None]]:
    """The template folders in Django's order (the project's DIRS, then each app's), each with
    its app (None: the app is the first folder under it)."""
    found: list[tuple[Path, str | None]] = []
    if (package / "templates").is_dir():
        found.append((package / "templates", None))
    for app_dir in sorted(package.iterdir()):
        if (app_dir / "templates").is_dir() and app_dir.name != "templates":
            found.append((app_dir / "templates", app_dir.name))
    return found


def _templates(package: Path) -> list[tuple[str, Path, str]]:
    """Every template file in Django's order, with its name and its app."""
    found = []
    for folder, app in _template_dirs(package):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            parts = path.relative_to(folder).parts
            owner = app or (parts[0] if len(parts) > 1 and _is_app(package, parts[0]) else "server")
            found.append(("/".join(parts), path, owner))
    return found


def _libraries(package: Path) -> dict[str, str]:
    """Every tag library by its name, with the app whose templatetags package defines it."""
    return {
        path.stem: path.relative_to(package).parts[0]
        for path in sorted(package.glob("*/templatetags/*.py"))
        if path.name != "__init__.py"
    }


def template_back_edges(package: Path, layers: tuple[str, ...] = LAYERS) -> list[str]:
    """Each `{% load %}`, `{% include %}` or `{% extends %}` that reaches an app above the
    template's own, as `file:line: app -> app (what)`. Django's own libraries and templates
    (i18n, static, admin/…) are no app's here and always allowed."""
    rank = {app: i for i, app in enumerate(layers)}
    files = _templates(package)
    templates: dict[str, str] = {}  # a name's app: the first found, as Django's loaders
    for name, _path, app in files:
        templates.setdefault(name, app)
    libraries = _libraries(package)
    found = []
    for _name, path, app in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in TEMPLATE_TAG.finditer(text):
            tag, args = match.group(1), match.group(2).split()
            if tag == "load":
                names = args[args.index("from") + 1 :] if "from" in args else args
                reached = [(f"load {lib}", libraries[lib]) for lib in names if lib in libraries]
            else:
                target = args[0].strip("\"'") if args else ""
                reached = [(f"{tag} {target}", templates[target])] if target in templates else []
            for what, other in reached:
                if rank.get(app, -1) < rank.get(other, len(layers)):
                    line = text.count("\n", 0, match.start()) + 1
                    where = path.relative_to(package)
                    found.append(f"{where}:{line}: {app} -> {other} ({what})")
    return found


def test_no_template_reaches_an_app_above_it() -> None:
    assert template_back_edges(PACKAGE) == []


def test_the_template_check_finds_a_back_edge(tmp_path: Path) -> None:
    """The check on a fake tree: a lower app's template that loads a higher app's library,
    includes its template and extends another, both template layouts, and what is allowed."""
    package = tmp_path / "madoguchi"
    files = {
        "cases/__init__.py": "",
        "incidents/templatetags/incidents.py": "",
        "sites/templatetags/shared.py": "",
        "templates/base.html": "{% load i18n static %}",
        "templates/cases/dashboard.html": (
            '{% extends "base.html" %}{% load i18n shared %}\n'
            "<p>…</p>\n"
            "{% load incidents %}{% load x from incidents %}\n"
            '{% include "incidents/_panel.html" with a=1 %}'
        ),
        "incidents/templates/incidents/_panel.html": (
            '{% load shared %}{% include "cases/x.html" %}'
        ),
        "cases/templates/cases/x.html": '{% extends "incidents/_panel.html" %}',
        "templates/registration/login.html": '{% extends "base.html" %}',
    }
    for name, text in files.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text, encoding="utf-8")
    layers = ("server", "sites", "cases", "incidents")
    assert template_back_edges(package, layers) == [
        "templates/cases/dashboard.html:3: cases -> incidents (load incidents)",
        "templates/cases/dashboard.html:3: cases -> incidents (load incidents)",
        "templates/cases/dashboard.html:4: cases -> incidents (include incidents/_panel.html)",
        "cases/templates/cases/x.html:1: cases -> incidents (extends incidents/_panel.html)",
    ]
    # With incidents below cases, those edges run down, and the panel's include of a cases
    # template is the one that runs up.
    assert template_back_edges(package, ("server", "sites", "incidents", "cases")) == [
        "incidents/templates/incidents/_panel.html:1: incidents -> cases (include cases/x.html)",
    ]
