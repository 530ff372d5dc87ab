"""The list of modules CI runs again on PostgreSQL names modules that exist."""

from pathlib import Path

from tests.conftest import ENGINE_SENSITIVE


def test_every_listed_module_exists() -> None:
    here = Path(__file__).parent
    assert sorted(n for n in ENGINE_SENSITIVE if not (here / f"{n}.py").exists()) == []
