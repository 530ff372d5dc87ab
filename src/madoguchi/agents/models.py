"""Sales agents an installer deals with (seed 003): who they are, how to recognize them when
they come back under another name, and whether to take their jobs.

An agent's names, addresses, numbers, domains and callers are `AgentDetail` rows, each with
the value as written and a `key` for matching (see `agents.keys`), so that one indexed
lookup finds an earlier agent at the same address or number whatever the spelling.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import bounds
from madoguchi.orgs.models import OrgOwned
from madoguchi.server.bounds import validate_date


class AgentStatus(models.TextChoices):
    OK = "ok", _("no concerns")
    CAUTION = "caution", _("caution")
    REFUSED = "refused", _("refused")


class Agent(OrgOwned):
    name = models.CharField(_("company name"), max_length=bounds.NAME)
    status = models.CharField(
        _("status"), max_length=10, choices=AgentStatus.choices, default=AgentStatus.OK
    )
    status_reason = models.TextField(_("reason"), max_length=bounds.NOTE, blank=True)
    status_since = models.DateField(_("since"), null=True, blank=True, validators=[validate_date])
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("sales agent")
        verbose_name_plural = _("sales agents")
        indexes = [models.Index(fields=["organization", "name"])]

    def __str__(self) -> str:
        return self.name


class DetailKind(models.TextChoices):
    FORMER_NAME = "former-name", _("former name")
    ADDRESS = "address", _("address")
    PHONE = "phone", _("phone")
    FAX = "fax", _("fax")
    DOMAIN = "domain", _("web domain")
    PERSON = "person", _("person who called")


class AgentDetail(OrgOwned):
    """One way to recognize an agent. `key` is `agents.keys.detail_key(kind, value)`: equal
    keys of the same `match_group` mean the same place, number, name or domain."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="details")
    kind = models.CharField(_("kind"), max_length=12, choices=DetailKind.choices)
    value = models.CharField(_("as written"), max_length=bounds.ADDRESS)
    match_group = models.CharField(max_length=12)
    key = models.CharField(max_length=300)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("agent detail")
        verbose_name_plural = _("agent details")
        indexes = [models.Index(fields=["organization", "match_group", "key"])]

    def __str__(self) -> str:
        return f"{self.agent}: {self.value}"
