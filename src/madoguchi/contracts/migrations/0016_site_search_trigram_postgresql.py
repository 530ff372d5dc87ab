"""Trigram indexes for the site search on PostgreSQL (no-op on SQLite): customers' names and
contracts' IDs, beside the sites' names (cases.0009).

The site search is a union of one lookup per kind of match (contracts.selectors._ids_found);
each part is answered from its index without reading every row of the organization (issue
26: the search read 10⁴ contracts' IDs for every page, 8 ms at 10⁶ cases).
"""

from django.db import migrations

from madoguchi.server.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [
        ("sites", "0015_site_picker_index"),
    ]

    operations = [
        trigram_indexes(
            [
                ("sites_customer_name_trgm", "sites_customer", "name"),
                ("sites_contract_ids_trgm", "sites_contract", "ids"),
            ]
        )
    ]
