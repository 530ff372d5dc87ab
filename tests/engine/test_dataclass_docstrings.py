"""Every dataclass of the engine says what it is.

Why beyond documentation: `dataclass()` computes a signature with `inspect` for a class without a
docstring, to write one; about 0.3 ms a class as `madoguchi assess` starts (issue 26, item 3:
the CLI's time is mostly imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import madoguchi.engine

ENGINE = Path(madoguchi.engine.__file__).parent


def _dataclasses_without_docstring() -> list[str]:
    missing = []
    for path in sorted(ENGINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            decorated = any("dataclass" in ast.unparse(d) for d in node.decorator_list)
            if decorated and not ast.get_docstring(node):
                missing.append(f"{path.name}: {node.name}")
    return missing


def test_every_engine_dataclass_has_a_docstring() -> None:
    assert _dataclasses_without_docstring() == []
