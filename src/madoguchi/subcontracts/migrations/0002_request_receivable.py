"""The link between an accepted request and the receivable it promised moves to the request
(`SubcontractRequest.receivable`), so that subcontracts, which makes the receivable, imports
receivables and not the other way round (0003 copies the links over)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("receivables", "0002_receivable_request"),
        ("subcontracts", "0001_requests_and_intake_links"),
    ]

    operations = [
        migrations.AddField(
            model_name="subcontractrequest",
            name="receivable",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="request",
                to="receivables.receivable",
                verbose_name="payment promised",
            ),
        ),
    ]
