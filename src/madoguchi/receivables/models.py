"""What sales agents promised to pay an installer, and what came in (seed 003: payments
came late, short — the bank fee deducted — or never).

A receivable is "for which job" by an optional site and/or case and a description in words
(and, made from an accepted subcontract request, by that request's `receivable`).
What is received, deducted and when it was last paid are never stored on the receivable:
`selectors.with_sums` reads them from the payments in the database, and `standing` says
what that means (paid on time, late, short, unpaid past due, not yet due).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.models import OrgOwned
from madoguchi.server.bounds import validate_date, yen_validators


class Receivable(OrgOwned):
    agent = models.ForeignKey(
        Agent, on_delete=models.PROTECT, related_name="receivables", verbose_name=_("sales agent")
    )
    description = models.CharField(_("what for"), max_length=bounds.DESCRIPTION)
    site = models.ForeignKey(
        Site,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("site"),
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("case"),
    )
    amount_yen = models.PositiveIntegerField(
        _("amount promised"), validators=[MinValueValidator(1), *yen_validators()[1:]]
    )
    due = models.DateField(_("due date"), validators=[validate_date])
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("receivable")
        verbose_name_plural = _("receivables")
        indexes = [
            models.Index(fields=["organization", "due"]),
            models.Index(fields=["agent", "due"]),
        ]

    def __str__(self) -> str:
        return self.description


class Payment(OrgOwned):
    """Money that came in for a receivable: what reached the account, on which day."""

    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="payments")
    paid_on = models.DateField(_("paid on"), validators=[validate_date])
    amount_yen = models.PositiveIntegerField(_("amount received"), validators=yen_validators())
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return f"{self.receivable}: {self.amount_yen} ({self.paid_on})"


class DeductionKind(models.TextChoices):
    BANK_FEE = "bank-fee", _("bank transfer fee")
    OTHER = "other", _("other deduction")


class Deduction(OrgOwned):
    """What the payer kept back from a payment, and why (振込手数料, or something else)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="deductions")
    kind = models.CharField(_("kind"), max_length=10, choices=DeductionKind.choices)
    amount_yen = models.PositiveIntegerField(
        _("amount deducted"), validators=[MinValueValidator(1), *yen_validators()[1:]]
    )
    what = models.CharField(_("what for"), max_length=bounds.ITEM, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("deduction")
        verbose_name_plural = _("deductions")

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_yen}"


class ReceivableReminder(OrgOwned):
    """One reminder mail of one receivable in one state (unpaid or short past its due date)
    to one user: claimed before sending (a unique row), marked sent once the mail server took
    it, removed when it was refused so the next run tries again."""

    receivable = models.ForeignKey(Receivable, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10)
    due = models.DateField()
    lease = models.DateTimeField(null=True, blank=True)
    sent = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["receivable", "user", "state", "due"], name="receivable_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receivable_id} {self.state} {self.due}"
