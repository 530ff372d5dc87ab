"""The link between an accepted request and the receivable it promised moves to the request
(`SubcontractRequest.receivable`), so that subcontracts, which makes the receivable, imports
receivables and not the other way round. Copies each receivable's `request` before
receivables 0003 drops it."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps: Any, schema_editor: Any) -> None:
    Receivable = apps.get_model("receivables", "Receivable")
    SubcontractRequest = apps.get_model("subcontracts", "SubcontractRequest")
    linked = Receivable.objects.exclude(request_id=None).order_by("-pk")
    for pk, request_id in linked.values_list("pk", "request_id"):
        SubcontractRequest.objects.filter(pk=request_id).update(receivable_id=pk)


def copy_back(apps: Any, schema_editor: Any) -> None:
    Receivable = apps.get_model("receivables", "Receivable")
    SubcontractRequest = apps.get_model("subcontracts", "SubcontractRequest")
    linked = SubcontractRequest.objects.exclude(receivable_id=None)
    for pk, receivable_id in linked.values_list("pk", "receivable_id"):
        Receivable.objects.filter(pk=receivable_id).update(request_id=pk)


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
        migrations.RunPython(copy_links, copy_back),
    ]
