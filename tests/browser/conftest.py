from typing import Any

import pytest

from madoguchi.directory.services import sync_catalog


@pytest.fixture(autouse=True)
def _catalog(transactional_db: Any) -> None:
    sync_catalog()
