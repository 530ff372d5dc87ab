"""The API's operation ids are published: clients generate code from them (a method per
id), so moving a router between modules must not rename one. `operation_ids.txt` lists them;
a new operation is added there on purpose, and a renamed one fails here first."""

from __future__ import annotations

from pathlib import Path

from madoguchi.api.api import api

PUBLISHED = Path(__file__).with_name("operation_ids.txt")


def _operation_ids() -> list[str]:
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    return [operation["operationId"] for item in paths.values() for operation in item.values()]


def test_every_operation_keeps_its_published_id() -> None:
    published = PUBLISHED.read_text(encoding="utf-8").split()
    assert sorted(_operation_ids()) == published


def test_no_two_operations_share_an_id() -> None:
    ids = _operation_ids()
    assert len(ids) == len(set(ids))
