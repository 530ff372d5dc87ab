"""The engine stays a leaf: it imports nothing from Django or the apps, its modules import
each other one way only, and `madoguchi assess` runs without loading Django (it must answer
in well under a second)."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "src" / "madoguchi" / "engine"
PACKAGE = "madoguchi.engine"
MODULES = sorted(p.stem for p in ENGINE.glob("*.py") if p.stem != "__init__")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "seed001-phone-stays-with-ntt.yaml"


def _imported_names(module: str) -> set[str]:
    """Every module `module` imports, at the top, inside functions or for type checking
    alike: a cycle through any of them is one a reader has to untangle."""
    tree = ast.parse((ENGINE / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                raise AssertionError(f"{module}: relative import of {node.module}")
            names.add(node.module)
            if node.module == PACKAGE:  # from madoguchi.engine import checks
                names.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
    return names


def _engine_graph() -> dict[str, set[str]]:
    return {
        module: {
            name.removeprefix(f"{PACKAGE}.")
            for name in _imported_names(module)
            if name.startswith(f"{PACKAGE}.")
        }
        for module in MODULES
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle among the modules (as a path that ends where it starts), or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for imported in sorted(graph.get(module, ())):
            if found := visit(imported, [*path, module]):
                return found
        done.add(module)
        return None

    for module in sorted(graph):
        if found := visit(module, []):
            return found
    return None


@pytest.mark.parametrize("module", MODULES)
def test_every_engine_module_imports_on_its_own(module: str) -> None:
    importlib.import_module(f"{PACKAGE}.{module}")


def test_engine_modules_import_each_other_one_way() -> None:
    assert _cycle(_engine_graph()) is None


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"model": {"hours"}, "hours": {"timezone", "model"}, "timezone": set()}) == [
        "hours",
        "model",
        "hours",
    ]


@pytest.mark.parametrize("module", MODULES)
def test_engine_imports_nothing_from_django_or_the_apps(module: str) -> None:
    outside = {
        name
        for name in _imported_names(module)
        if name.split(".")[0] == "django"
        or (name.split(".")[0] == "madoguchi" and not name.startswith(PACKAGE))
    }
    assert outside == set()


# What `madoguchi assess` of a file without links never loads, and why: every module is
# start-up time of a command that must answer within 150 ms (issue 26).
NOT_LOADED_BY_ASSESS = {
    "django": "the server's; the engine is a leaf",
    "ninja": "the API's",
    "rich": "--json prints no table",
    "shutil": "argparse asks it for the terminal's width unless told (cli._HelpFormatter)",
    "urllib": "only a link needs it (kinds.link_problem)",
}


def test_assess_does_not_load_django_or_what_it_does_not_need() -> None:
    # The first run after the catalog or its code changed builds the catalog's cache with
    # pydantic (and what pydantic loads); every later run reads it. This is about those.
    from madoguchi.engine.catalog import load_light_catalog

    assert load_light_catalog() is not None
    unwanted = sorted(NOT_LOADED_BY_ASSESS)
    code = (
        "import sys\n"
        "from madoguchi.cli import main\n"
        f"code = main(['assess', {str(EXAMPLE)!r}, '--json'])\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {unwanted}))\n"
        "sys.exit(code)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "[]"


def test_help_is_as_wide_as_the_terminal_says() -> None:
    """As argparse's own formatter: $COLUMNS (then the terminal's width) wraps the text."""
    from madoguchi.cli import build_parser

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "40")
        narrow = build_parser().format_help()
        patch.setenv("COLUMNS", "200")
        wide = build_parser().format_help()
    assert "Who to call when the fiber line, ひかり電話 or FAX dies." in wide
    assert "Who to call when the fiber line, ひかり電話 or FAX dies." not in narrow
