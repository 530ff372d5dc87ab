"""Trigram indexes for substring search on PostgreSQL (no-op on SQLite): cases' titles and
sites' names (`madoguchi.server.trigram` says how)."""

from django.db import migrations

from madoguchi.server.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_case_observations"),
        ("sites", "0001_initial"),
    ]

    operations = [
        trigram_indexes(
            [
                ("cases_case_title_trgm", "cases_case", "title"),
                ("sites_site_name_trgm", "sites_site", "name"),
            ]
        )
    ]
