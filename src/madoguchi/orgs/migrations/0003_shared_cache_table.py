"""The table of the `shared` cache (settings.py: the login wait's counts when there is no
Redis). Django makes a database cache's table with `createcachetable`, not with a migration;
running it here means `migrate` (run.sh, a deploy) is the only step. It makes only what is
missing, so it is safe to run again."""

from typing import Any

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps: Any, schema_editor: Any) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_calendar_feed")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
