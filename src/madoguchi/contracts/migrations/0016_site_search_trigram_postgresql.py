"""Trigram indexes for the site search on PostgreSQL (no-op on SQLite): customers' names and
contracts' IDs, beside the sites' names (cases.0009).

The site search is a union of one lookup per kind of match (contracts.selectors._ids_found);
Django's icontains compares UPPER(column::text) LIKE UPPER(pattern), and a GIN index with
gin_trgm_ops on the same expression answers each part without reading every row of the
organization (issue 26: the search read 10⁴ contracts' IDs for every page, 8 ms at 10⁶ cases).
"""

from django.db import migrations

INDEXES = [
    ("sites_customer_name_trgm", "sites_customer", "name"),
    ("sites_contract_ids_trgm", "sites_contract", "ids"),
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
        ("sites", "0015_site_picker_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
