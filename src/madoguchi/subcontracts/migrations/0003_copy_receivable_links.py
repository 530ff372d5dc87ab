"""Each receivable's `request` copied to the request's `receivable`, before receivables 0003
drops it (a migration of its own: on PostgreSQL the rows it updates cannot be altered in the
same transaction)."""

from typing import Any

from django.db import migrations


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
    dependencies = [("subcontracts", "0002_request_receivable")]

    operations = [migrations.RunPython(copy_links, copy_back)]
