"""Trigram indexes for substring search on PostgreSQL, as a migration's operation.

Django's icontains on PostgreSQL compares UPPER(column::text) LIKE UPPER(pattern); a GIN
index with gin_trgm_ops on the same expression answers it without reading every row. SQLite
has its own (FTS5 tables, cases' migrations) and nothing is done there.

Migrations run this code as it is when they run: what it creates must never change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import migrations


def trigram_indexes(indexes: Sequence[tuple[str, str, str]]) -> migrations.RunPython:
    """Create (and, backwards, drop) each (index name, table, column) on PostgreSQL."""

    def create(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in indexes:
            expression = f'(UPPER("{column}"::text)) gin_trgm_ops'
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
            )

    def drop(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name, _table, _column in indexes:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")

    return migrations.RunPython(create, drop)
