"""Trigram indexes for substring search on PostgreSQL (no-op on SQLite).

Django's icontains on PostgreSQL compares UPPER(column) LIKE UPPER(pattern); a GIN index
with gin_trgm_ops on the same expression answers it without reading every case.
"""

from django.db import migrations

INDEXES = [
    ("cases_case_title_trgm", "cases_case", "title"),
    ("sites_site_name_trgm", "sites_site", "name"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        expression = f'(UPPER("{column}"::text)) gin_trgm_ops'
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_observations"),
        ("sites", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
