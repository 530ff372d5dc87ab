"""Keeps SQLite's trigram search tables following their tables, whatever migrations do.

Migration 0010 creates an FTS5 trigram table per searched column, kept in step by triggers.
On SQLite, Django adds a column with a default by rebuilding the table, and a rebuilt table
loses its triggers, so any later migration of cases_case or sites_site would silently stop
the search from seeing new and renamed rows. Rather than remembering to repair that in each
such migration, `ensure_triggers` runs after every `migrate` (cases.apps) and puts back what
is missing, rebuilding the index from the table when it does.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

# (FTS table, table, column): the same as migration 0010.
TABLES = (
    ("cases_case_fts", "cases_case", "title"),
    ("sites_site_fts", "sites_site", "name"),
)
TRIGGER_SUFFIXES = ("ai", "ad", "au")


def trigger_statements(fts: str, table: str, column: str) -> list[str]:
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES('delete', old.id, old.{column});"
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return [
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {delete} {insert} END",
    ]


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """The FTS tables (of those that exist) whose triggers are not all there."""
    if connection.vendor != "sqlite":
        return []
    broken = []
    with connection.cursor() as cursor:
        for fts, _table, _column in TABLES:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=%s", [fts])
            if cursor.fetchone() is None:  # this SQLite has no trigram search: nothing to keep
                continue
            names = [f"{fts}_{suffix}" for suffix in TRIGGER_SUFFIXES]
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type='trigger' AND name IN (%s, %s, %s)",
                names,
            )
            if cursor.fetchone()[0] != len(names):
                broken.append(fts)
    return broken


def ensure_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Recreate the triggers of every FTS table that lost any, and rebuild its index (rows
    written meanwhile were not indexed). Returns the tables repaired."""
    broken = missing_triggers(connection)
    with connection.cursor() as cursor:
        for fts, table, column in TABLES:
            if fts not in broken:
                continue
            for suffix in TRIGGER_SUFFIXES:
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            for statement in trigger_statements(fts, table, column):
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES('rebuild')")
    return broken


def after_migrate(using: str = "default", **_kwargs: Any) -> None:
    """post_migrate receiver (connected once, in cases.apps)."""
    from django.db import connections

    ensure_triggers(connections[using])
