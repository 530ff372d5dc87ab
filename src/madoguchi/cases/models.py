"""Cases and the promises made in them (site file: cases).

This is the part of a case that the assessment reads; the timeline, statuses and the desk
dashboard build on it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.orgs.models import OrgOwned
from madoguchi.sites.models import Site


class Case(OrgOwned):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="cases")
    ref = models.CharField(_("ref"), max_length=80)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["site", "ref"], name="case_ref_unique_per_site")
        ]

    def __str__(self) -> str:
        return self.ref


class Promise(OrgOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="promises")
    by = models.SlugField(_("promised by"), max_length=80)
    what = models.CharField(_("what"), max_length=200)
    due = models.DateTimeField(_("due"))
    kept = models.DateTimeField(_("kept"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("promise")
        verbose_name_plural = _("promises")
        indexes = [models.Index(fields=["organization", "kept", "due"])]

    def __str__(self) -> str:
        return f"{self.by}: {self.what} by {self.due:%Y-%m-%d %H:%M}"
