"""Trigram full-text tables for substring search on SQLite (FTS5; no-op elsewhere).

Each is an external-content FTS5 table over one column, kept in step by triggers, so a
substring of 3 or more characters is found without reading every case. An SQLite built
without FTS5 or older than 3.34 (no trigram tokenizer) simply goes without: the search then
walks the newest cases as before.
"""

from django.db import migrations

TABLES = [
    ("cases_case_fts", "cases_case", "title"),
    ("sites_site_fts", "sites_site", "name"),
]


def _statements(fts: str, table: str, column: str) -> list[str]:
    delete = f"INSERT INTO {fts}({fts}, rowid, {column}) VALUES('delete', old.id, old.{column});"
    insert = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        f"content_rowid='id', tokenize='trigram')",
        f"INSERT INTO {fts}({fts}) VALUES('rebuild')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN {delete} {insert} END",
    ]


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        try:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.madoguchi_probe USING fts5(x, tokenize='trigram')"
            )
            cursor.execute("DROP TABLE temp.madoguchi_probe")
        except Exception:  # no FTS5 or no trigram tokenizer in this SQLite build
            return
    for fts, table, column in TABLES:
        for statement in _statements(fts, table, column):
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for fts, _table, _column in TABLES:
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {fts}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_trigram_search_postgresql")]

    operations = [migrations.RunPython(create, drop)]
