"""What the checks find in money per site, stored so that a page can rank many sites without
assessing them (madoguchi.money.services keeps it up to date)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.contracts.models import Site
from madoguchi.orgs.models import OrgOwned


class SiteMoney(OrgOwned):
    """One site's money findings as of `computed`: what they cost per year (one figure per
    company, its largest finding: a company's findings overlap, e.g. an NTT option left
    after 転用 and the unknown NTT charge within it), what the customer can claim back, how
    many findings say so, and the biggest one (its code and company, put in words by the
    page). `codes` lists every finding's code at the site, money or not: the agent record
    reads from it which jobs an agent brought went wrong (a course that does not fit)."""

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="money")
    yearly_yen = models.PositiveIntegerField(_("yearly cost found"), default=0)
    owed_yen = models.PositiveIntegerField(_("can be claimed"), default=0)
    findings = models.PositiveSmallIntegerField(_("money findings"), default=0)
    top_code = models.CharField(max_length=40, blank=True)
    top_party = models.SlugField(max_length=80, blank=True)
    # The company's name as the site knows it (a site's own party is in no directory).
    top_party_name = models.CharField(max_length=200, blank=True)
    top_party_name_en = models.CharField(max_length=200, blank=True)
    top_yen = models.PositiveIntegerField(default=0)
    top_owed = models.BooleanField(default=False)  # top_yen is owed back, not per year
    codes = models.JSONField(default=list, blank=True)
    computed = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("money found at a site")
        verbose_name_plural = _("money found at sites")
        indexes = [
            models.Index(
                fields=["organization", "-yearly_yen", "-owed_yen", "site"],
                name="money_rank_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.yearly_yen}/year, {self.owed_yen} owed"
