"""Subcontract requests (代理サポートの依頼, seed 003): a sales agent asks the organization to do
a job at a customer's site. The request carries what the shop needs before it goes (the
contract as written, the courses, the holders, the IDs, what was promised, who pays), the
checks made when it arrived, and after acceptance the customer, site and case made for it.

Intake links let an agent send a request without logging in: only the token's hash is
stored, and a revoked link answers 404 like an unknown one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Customer, Site
from madoguchi.engine import bounds
from madoguchi.engine.model import Building
from madoguchi.orgs.models import OrgOwned
from madoguchi.receivables.models import Receivable
from madoguchi.server.bounds import validate_date, yen_validators
from madoguchi.server.choices import enum_choices


class RequestStatus(models.TextChoices):
    NEW = "new", _("awaiting a decision")
    ACCEPTED = "accepted", pgettext_lazy("subcontract", "accepted")
    DECLINED = "declined", pgettext_lazy("subcontract", "declined")


class Channel(models.TextChoices):
    INTAKE = "intake", _("sent through the intake form")
    STAFF = "staff", _("recorded by staff")


class IntakeLink(OrgOwned):
    """A secret address at which agents send requests to one organization."""

    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked = models.DateTimeField(pgettext_lazy("subcontract", "revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("intake link")
        verbose_name_plural = _("intake links")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class SubcontractRequest(OrgOwned):
    """One job an agent asks for. `holders` maps a service to a party slug ("" for none);
    `ids` maps an ID kind (as in a contract's `ids`) to its value; `checks` are the results
    of `subcontracts.checks.run_checks` at arrival (or at the last re-check)."""

    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    channel = models.CharField(
        pgettext_lazy("subcontract", "received"), max_length=10, choices=Channel.choices
    )
    intake_link = models.ForeignKey(
        IntakeLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    # The job and the customer, as written on the contract.
    job = models.TextField(_("the job asked for"), max_length=bounds.NOTE)
    customer_name = models.CharField(_("customer's name"), max_length=bounds.NAME)
    customer_address = models.CharField(_("customer's address"), max_length=bounds.ADDRESS)
    customer_phone = models.CharField(_("customer's phone"), max_length=bounds.PHONE, blank=True)
    line_product = models.CharField(_("line type"), max_length=bounds.NAME)
    course = models.CharField(_("course sold"), max_length=12, choices=enum_choices(Building))
    building = models.CharField(
        _("building actually there"), max_length=12, choices=enum_choices(Building)
    )
    holders = models.JSONField(pgettext_lazy("subcontract", "holders"), default=dict)
    includes_isp = models.BooleanField(_("the line comes with a provider"), default=False)
    ids = models.JSONField(_("IDs"), default=dict, blank=True)
    promised = models.TextField(_("promised to the customer"), max_length=bounds.NOTE)
    # The agent and the person who called.
    agent_name = models.CharField(_("agent's company"), max_length=bounds.NAME)
    agent_address = models.CharField(_("agent's address"), max_length=bounds.ADDRESS)
    agent_phone = models.CharField(_("agent's phone"), max_length=bounds.PHONE)
    agent_fax = models.CharField(_("agent's FAX"), max_length=bounds.PHONE, blank=True)
    agent_email = models.EmailField(_("agent's e-mail"), blank=True)
    caller_name = models.CharField(_("caller's full name"), max_length=bounds.PERSON)
    # Who pays the organization, how much, by when.
    payer = models.CharField(_("who pays"), max_length=bounds.NAME)
    amount_yen = models.PositiveIntegerField(_("amount (yen)"), validators=yen_validators())
    pay_by = models.DateField(_("paid by"), validators=[validate_date])
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    # Found or made for it.
    agent = models.ForeignKey(
        Agent, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    checks = models.JSONField(pgettext_lazy("subcontract", "checks"), default=list, blank=True)
    checked = models.DateTimeField(_("checked"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=bounds.NOTE, blank=True)
    decided = models.DateTimeField(pgettext_lazy("subcontract", "decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The payment the accepted job promised (services.accept makes it; a receivable's
    # `request` reads back to this).
    receivable = models.OneToOneField(
        Receivable,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
        verbose_name=_("payment promised"),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("subcontract request")
        verbose_name_plural = _("subcontract requests")
        indexes = [
            models.Index(fields=["organization", "-created"], name="subcontract_newest_idx"),
            models.Index(fields=["agent", "-created"], name="subcontract_agent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_name}: {self.customer_name}"

    @property
    def troubles(self) -> list[dict[str, object]]:
        """The checks that found something (each {code, severity, ...})."""
        return [c for c in self.checks if c.get("severity") in ("critical", "warn")]
