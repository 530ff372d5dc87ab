"""What an organization answered about statement payees (the rest of an import is BillLine
rows on sites.models)."""

from __future__ import annotations

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
