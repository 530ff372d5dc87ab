"""A receivable's request is now the request's `receivable` (subcontracts 0003 copied it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0002_receivable_request"),
        ("subcontracts", "0003_copy_receivable_links"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="receivable",
            name="request",
        ),
    ]
