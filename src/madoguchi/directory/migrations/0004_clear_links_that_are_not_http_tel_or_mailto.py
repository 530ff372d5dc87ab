"""Clear party and desk links that are not http(s), tel or mailto.

Before links were checked, a site file's `parties:` could store any text as a link (e.g.
`javascript:`); the directory now refuses such a row, so it would stop every page that
reads the directory. The text is kept in the note, where it is shown as text only.
"""

import uuid

from django.db import migrations

from madoguchi.engine.model import link_problem


def clear_bad_links(apps, schema_editor):
    changed = False
    for model_name in ("Party", "Desk"):
        model = apps.get_model("directory", model_name)
        for row in model.objects.exclude(url="").only("id", "url", "note"):
            if link_problem(row.url):
                row.note = f"{row.note}\n(removed link: {row.url})".strip()
                row.url = ""
                row.save(update_fields=["url", "note"])
                changed = True
    if changed:  # every cached directory is read again from the rows
        for stamp in apps.get_model("directory", "DirectoryStamp").objects.all():
            stamp.stamp = uuid.uuid4()
            stamp.save(update_fields=["stamp"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0003_links_are_http_tel_or_mailto")]

    operations = [migrations.RunPython(clear_bad_links, migrations.RunPython.noop)]
