"""What an organization answered about statement payees (the rest of an import is BillLine
rows on contracts.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.orgs.models import OrgOwned


class PayeeChoice(OrgOwned):
    """A payee name several parties bill under (NTTファイナンス bills for NTT東日本, NTT西日本
    and ドコモ光), answered once for the organization: which party it is, or `party` empty
    for "not a telecom charge" (its lines are skipped)."""

    payee = models.CharField(_("name on the statement"), max_length=200)
    party = models.SlugField(_("party"), max_length=80, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("payee answer")
        verbose_name_plural = _("payee answers")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "payee"], name="payee_choice_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.payee} → {self.party or '-'}"


class ColumnMapping(OrgOwned):
    """Which column is what in a bank's or card's statement that no preset knows, answered
    once per organization for files with that header (`signature`: parsing.header_signature),
    so the next file from the same bank imports directly. Column values are the file's own
    header texts."""

    signature = models.CharField(max_length=40)
    header = models.JSONField(default=list)  # the header as the file wrote it
    date = models.CharField(_("date"), max_length=200)
    payee = models.CharField(_("payee"), max_length=200)
    amount = models.CharField(_("amount"), max_length=200)
    expenses_negative = models.BooleanField(_("spending is negative"), default=False)
    item = models.CharField(_("item"), max_length=200, blank=True)
    month = models.CharField(_("month"), max_length=200, blank=True)
    service = models.CharField(_("service"), max_length=200, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "signature"], name="column_mapping_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signature[:8]}: {self.date}, {self.payee}, {self.amount}"


class BillImport(OrgOwned):
    """A long import (or preview) run as a task on the queue (bills.tasks): who started it,
    for which site (none: the organization's sheet), how far it got and how it ended.

    Everything the progress page shows is committed with the rows it describes: each batch
    of staged bill lines commits together with `lines` and `bytes_read`, and the import's
    end (its lines made visible) commits together with `state` and `result`. `staging`
    marks the job's lines until then (BillLine.staging: readers skip them), so a worker
    killed half way leaves nothing visible, and the next attempt discards the staged lines
    and starts again: every line ends imported exactly once. `worker` and `heartbeat` say
    who runs it now, so a restarted worker knows a dead one's job (bills.jobs.recover)."""

    class State(models.TextChoices):
        RUNNING = "running", _("importing")
        DONE = "done", _("imported")
        REFUSED = "refused", _("not imported")
        FAILED = "failed", _("did not finish")

    site = models.ForeignKey(
        "sites.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)  # the uploaded file's name
    token = models.CharField(max_length=40)  # the waiting upload (bills.views.upload_dir)
    # Only reading the file for its preview (result: what the preview page shows), not saving.
    preview = models.BooleanField(default=False)
    size = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)  # lines the preview read
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    result = models.JSONField(default=dict, blank=True)  # counts, or the problems' texts
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Progress, committed with the staged lines it counts.
    lines = models.PositiveIntegerField(default=0)  # lines read so far
    bytes_read = models.PositiveBigIntegerField(default=0)
    staging = models.UUIDField(null=True, blank=True, editable=False)  # its staged lines' mark
    attempts = models.PositiveSmallIntegerField(default=0)  # runs started (retries included)
    worker = models.CharField(max_length=120, blank=True)  # host:pid of the run going on
    heartbeat = models.DateTimeField(null=True, blank=True)  # the run's latest sign of life
    task_id = models.CharField(max_length=64, blank=True)  # the queued task's result id
    error = models.CharField(max_length=200, blank=True)  # why the latest attempt stopped
    columns = models.TextField(blank=True)  # the column mapping read through (ColumnMap.text)

    class Meta:
        verbose_name = _("bill import")
        verbose_name_plural = _("bill imports")

    def __str__(self) -> str:
        return f"{self.name} ({self.state})"
