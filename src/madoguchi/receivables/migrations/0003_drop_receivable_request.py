"""A receivable's request is now the request's `receivable` (subcontracts 0002 copied it)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0002_receivable_request"),
        ("subcontracts", "0002_request_receivable"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="receivable",
            name="request",
        ),
    ]
