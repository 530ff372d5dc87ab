"""One catalog stamp: the constraint meant to keep a single row without an organization was a
unique index over a NULL column, which lets NULLs repeat, so each organization's first read
of its directory added another catalog stamp and the directory's cache key took whichever
came last. The extra rows are removed (the oldest is kept: every copy was replaced together
by each catalog change, so any one of them is as good) and the scope is indexed as 0 when
it is the catalog's."""

from django.db import migrations, models
from django.db.models import Value
from django.db.models.functions import Coalesce


def keep_one_catalog_stamp(apps, schema_editor):
    stamps = apps.get_model("directory", "DirectoryStamp").objects.filter(organization__isnull=True)
    oldest = stamps.order_by("pk").values_list("pk", flat=True).first()
    if oldest is not None:
        stamps.exclude(pk=oldest).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0012_desk_override_bounds"),
    ]

    operations = [
        migrations.RunPython(keep_one_catalog_stamp, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="directorystamp",
            name="one_catalog_directory_stamp",
        ),
        migrations.AddConstraint(
            model_name="directorystamp",
            constraint=models.UniqueConstraint(
                Coalesce("organization", Value(0)), name="one_directory_stamp_per_scope"
            ),
        ),
    ]
