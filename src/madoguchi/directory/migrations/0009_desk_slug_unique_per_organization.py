"""Desk slugs unique across an organization's own parties.

Before this, two own parties could each have a desk `support`; every site file the
organization exported then named `support` twice and was refused on import. The desk gets its
party's organization (so the database can hold the rule), and existing duplicates are
repaired first: the oldest desk keeps the slug, each later one becomes `<slug>-<party slug>`
(with a number if that is taken too), and the timeline entries that named it through that
party follow the rename.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

SLUG_MAX = 80


def _fill_and_repair(apps: Any, schema_editor: Any) -> None:
    Desk = apps.get_model("directory", "Desk")
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    own = Desk.objects.filter(party__organization__isnull=False).select_related("party")
    taken: dict[int, set[str]] = {}
    for desk in own.order_by("party__organization_id", "id").iterator():
        organization_id = desk.party.organization_id
        slugs = taken.setdefault(organization_id, set())
        slug = desk.slug
        if slug in slugs:
            base = f"{desk.slug}-{desk.party.slug}"[:SLUG_MAX]
            slug, number = base, 2
            while slug in slugs:
                suffix = f"-{number}"
                slug, number = base[: SLUG_MAX - len(suffix)] + suffix, number + 1
            TimelineEntry.objects.filter(
                organization_id=organization_id, party=desk.party.slug, desk=desk.slug
            ).update(desk=slug)
        slugs.add(slug)
        Desk.objects.filter(pk=desk.pk).update(organization_id=organization_id, slug=slug)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_desk_phone_from"),
        ("orgs", "0001_initial"),
        ("cases", "0018_desk_party_age_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="desk",
            name="organization",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="orgs.organization",
            ),
        ),
        migrations.RunPython(_fill_and_repair, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="desk",
            constraint=models.UniqueConstraint(
                condition=models.Q(("organization__isnull", False)),
                fields=("organization", "slug"),
                name="desk_slug_unique_per_org",
            ),
        ),
    ]
