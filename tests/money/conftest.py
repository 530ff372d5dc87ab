"""Every test here starts with the shipped catalog in its test database. The cast (`world`),
the factories and the list of modules CI runs again on PostgreSQL are shared by every app's
folder: tests/conftest.py and tests/factories.py."""

import pytest


@pytest.fixture(autouse=True)
def _catalog(shipped_catalog: None) -> None:
    pass
