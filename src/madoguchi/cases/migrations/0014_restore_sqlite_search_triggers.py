"""Put back the SQLite search triggers that adding columns dropped (no-op elsewhere).

On SQLite, Django adds a column with a default by rebuilding the table, and a rebuilt table
loses its triggers: the trigram tables of 0010 would stop following new and renamed cases
and sites. This recreates the triggers (and rebuilds the index) wherever 0010 made them.
Run it again after any migration that rebuilds cases_case or sites_site on SQLite.
"""

import importlib

from django.db import migrations

trigram = importlib.import_module("madoguchi.cases.migrations.0010_trigram_search_sqlite")


def restore(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    for fts, table, column in trigram.TABLES:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=%s", [fts])
            if cursor.fetchone() is None:  # this SQLite has no trigram search
                continue
        for suffix in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        # 0010's statements without the CREATE VIRTUAL TABLE: the rebuild, then the triggers.
        for statement in trigram._statements(fts, table, column)[1:]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_case_services_and_reports"),
        ("sites", "0003_site_holder_and_cancellation_fee"),
    ]

    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
