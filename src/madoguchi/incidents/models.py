"""Incidents: one outage of one holder's service in one area, felt at several sites.

An installer's five customers on the same operator in the same prefecture are one outage,
not five unrelated cases. An incident links those cases (each keeps its own timeline, its
own outage times and what its customer is owed); the desk suggests one from open cases and a
person confirms or dismisses it. Rows are written only through `incidents.services`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import ClassVar, Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.cases.models import Case
from madoguchi.engine import bounds
from madoguchi.engine.model import Service
from madoguchi.orgs.models import OrgOwned, OrgScopedQuerySet
from madoguchi.server.choices import enum_choices


class State(models.TextChoices):
    OPEN = "open", _("ongoing")
    ENDED = "ended", _("restored")
    # A suggestion a person said was not one outage: its cases are not suggested together again.
    DISMISSED = "dismissed", _("not one outage")


class IncidentQuerySet(OrgScopedQuerySet):
    def shown(self) -> Self:
        """Incidents a person works with (a dismissed suggestion is kept only as a memory)."""
        return self.exclude(state=State.DISMISSED)


IncidentManager = models.Manager.from_queryset(IncidentQuerySet)


class Incident(OrgOwned):
    party = models.SlugField(_("holder"), max_length=80)
    service = models.CharField(_("service"), max_length=10, choices=enum_choices(Service))
    prefecture = models.CharField(_("prefecture"), max_length=bounds.PREFECTURE, blank=True)
    city = models.CharField(_("city"), max_length=bounds.CITY, blank=True)
    started = models.DateTimeField(_("started"))
    ended = models.DateTimeField(_("ended"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    # When the customers' status page promises its next word (set with each update).
    next_update_due = models.DateTimeField(_("next update due"), null=True, blank=True)
    # The customers' status page: a random seed per link, the address being an HMAC of it
    # under the server's secret (the database alone does not give the address away); only the
    # digest of the address is looked up. Empty: no link (never issued, or revoked).
    status_seed = models.CharField(max_length=64, blank=True, default="")
    status_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    objects: ClassVar[IncidentManager] = IncidentManager()

    class Meta:
        ordering = ["-started", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["organization", "state", "started"], name="incident_state_idx"),
            models.Index(
                fields=["organization", "party", "prefecture"], name="incident_party_area_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.service} {self.prefecture}{self.city}"

    def length(self, now: dt.datetime | None = None) -> dt.timedelta:
        return (self.ended or now or timezone.now()) - self.started

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class IncidentCase(OrgOwned):
    """A case linked to an incident. A case belongs to at most one incident (a dismissed
    suggestion included, so that it is not suggested again)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="links")
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="incident_link")
    linked = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["linked", "id"]
        verbose_name = _("linked case")
        verbose_name_plural = _("linked cases")

    def __str__(self) -> str:
        return f"{self.incident_id} ← {self.case_id}"


class IncidentUpdate(OrgOwned):
    """What the holder's desk said about the incident, once, for every linked case (each
    case's timeline gets its own call entry through cases.services)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField(_("when"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party = models.SlugField(_("party"), max_length=80, blank=True)
    reference = models.CharField(_("reference number"), max_length=bounds.REFERENCE, blank=True)
    said = models.TextField(_("what was said"), max_length=bounds.NOTE, blank=True)
    promise_what = models.CharField(_("what was promised"), max_length=bounds.PROMISE, blank=True)
    promise_due = models.DateTimeField(_("promised by"), null=True, blank=True)
    # Shown to customers on the status page (an internal note is not).
    public = models.BooleanField(_("show on the customers' page"), default=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        indexes = [models.Index(fields=["incident", "at"], name="incident_update_at_idx")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.at:%Y-%m-%d %H:%M}"
