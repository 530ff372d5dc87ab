"""Parties (companies and public bodies) and their desks.

Rows without an organization are the shipped catalog, kept in sync with the engine's YAML
by `manage.py sync_catalog`; rows with an organization are that organization's own (its
installer desk, a local reseller) and replace a catalog party with the same slug for it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import bounds
from madoguchi.engine.model import (
    Answers,
    Charge,
    PartyKind,
    PartyStatus,
    PhoneFrom,
    Purpose,
    Region,
    Service,
    link_problem,
)
from madoguchi.orgs.models import Organization, OrgScopedQuerySet
from madoguchi.server.bounds import validate_date
from madoguchi.server.choices import enum_choices


def validate_link(value: str) -> None:
    """A party's or desk's link: http(s), tel or mailto only, as in a site file, so that
    what a page shows as a link can never run a script (javascript:) when clicked."""
    if _is_web_link(value):
        URLValidator(schemes=["http", "https"])(value)
    elif link_problem(value):
        raise ValidationError(
            _("Only http, https, tel and mailto links are allowed."), code="link_scheme"
        )


def _is_web_link(value: str) -> bool:
    return value.strip().lower().startswith(("http:", "https:"))


def link_field() -> models.CharField:
    return models.CharField(_("URL"), max_length=bounds.URL, blank=True, validators=[validate_link])


class PartyQuerySet(OrgScopedQuerySet):
    def visible_to(self, organization: Organization) -> PartyQuerySet:
        """The catalog and the organization's own parties."""
        return self.filter(Q(organization__isnull=True) | Q(organization=organization))


class Party(models.Model):
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parties",
        help_text=_("Empty for the shipped catalog."),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=bounds.NAME)
    name_en = models.CharField(_("English name"), max_length=bounds.NAME, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=enum_choices(PartyKind))
    status = models.CharField(
        _("status"), max_length=10, choices=enum_choices(PartyStatus), default=PartyStatus.ACTIVE
    )
    region = models.CharField(_("region"), max_length=5, choices=enum_choices(Region), blank=True)
    url = link_field()
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    source = models.URLField(_("source"), max_length=bounds.URL, blank=True)
    source_note = models.TextField(_("source note"), max_length=bounds.NOTE, blank=True)
    checked = models.DateField(_("checked"), null=True, blank=True, validators=[validate_date])
    verified = models.BooleanField(_("verified"), default=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="party_slug_unique_per_org"
            ),
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(organization__isnull=True),
                name="catalog_party_slug_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_catalog(self) -> bool:
        return self.organization_id is None


class Desk(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="desks")
    # The party's organization, copied here so that the database itself keeps an
    # organization's desk slugs unique across all its own parties: a site file names its
    # local desks by slug alone, so two own parties with one desk slug made every export of
    # that organization an invalid file. None for the catalog (unique per party there).
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=bounds.NAME, blank=True)
    name_en = models.CharField(_("English name"), max_length=bounds.NAME, blank=True)
    purposes = models.JSONField(_("purposes"), default=list)
    # The services this desk handles (engine Service values); empty: every service.
    services = models.JSONField(_("services"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=bounds.PHONE, blank=True)
    # The phones `phone` reaches the desk from (engine PhoneFrom values); empty: any phone.
    phone_from = models.JSONField(_("reached from"), default=list, blank=True)
    hours = models.CharField(
        _("hours"),
        max_length=bounds.HOURS,
        blank=True,
        help_text=_("OpenStreetMap opening_hours, e.g. Mo-Fr 09:00-18:00; PH off"),
    )
    url = link_field()
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    # How a call is taken and what it costs (engine Desk; engine/calls.py words them).
    answers = models.CharField(
        _("answered by"), max_length=10, choices=enum_choices(Answers), blank=True
    )
    repair_hours = models.CharField(
        _("repair hours"),
        max_length=bounds.HOURS,
        blank=True,
        help_text=_("When repairs happen, if not when calls are taken (opening_hours)."),
    )
    charge = models.CharField(
        _("call charge"),
        max_length=10,
        choices=enum_choices(Charge),
        blank=True,
        help_text=_("As the source states it; empty: read from the number."),
    )
    mobiles = models.BooleanField(_("works from mobiles"), null=True, blank=True)
    ip_phones = models.BooleanField(_("works from IP phones"), null=True, blank=True)
    mobile_phone = models.CharField(_("number from mobiles"), max_length=bounds.PHONE, blank=True)
    ip_phone = models.CharField(_("number from IP phones"), max_length=bounds.PHONE, blank=True)
    third_party_number = models.BooleanField(
        _("number seen only on third-party pages"), default=False
    )
    source = models.URLField(_("source"), max_length=bounds.URL, blank=True)
    source_note = models.TextField(_("source note"), max_length=bounds.NOTE, blank=True)
    checked = models.DateField(_("checked"), null=True, blank=True, validators=[validate_date])
    verified = models.BooleanField(_("verified"), default=True)

    class Meta:
        ordering = ["party", "position", "id"]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")
        constraints = [
            models.UniqueConstraint(fields=["party", "slug"], name="desk_slug_unique_per_party"),
            models.UniqueConstraint(
                fields=["organization", "slug"],
                condition=Q(organization__isnull=False),
                name="desk_slug_unique_per_org",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party.slug}/{self.slug}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.organization_id = self.party.organization_id
        super().save(*args, **kwargs)

    @property
    def purpose_values(self) -> list[str]:
        return [p for p in self.purposes if p in Purpose._value2member_map_]

    @property
    def service_values(self) -> list[str]:
        return [s for s in self.services if s in Service._value2member_map_]

    @property
    def phone_from_values(self) -> list[str]:
        return [p for p in self.phone_from or [] if p in PhoneFrom._value2member_map_]


class DirectoryStamp(models.Model):
    """A value replaced on every change to the parties and desks of one scope: the catalog
    (no organization) or one organization's own.

    The cached directory of an organization is keyed by its stamp and the catalog's, so a
    page reads this one small row instead of every party and desk, and a change is seen on
    the next read. It is a table of its own so that saving an Organization loaded earlier
    can never write an old stamp back.
    """

    organization = models.OneToOneField(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stamp = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [
            # One row per scope, the catalog's included: a unique index lets NULLs repeat, so
            # the catalog's scope is indexed as 0 (no organization has that id).
            models.UniqueConstraint(
                Coalesce("organization", Value(0)), name="one_directory_stamp_per_scope"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id or 'catalog'}: {self.stamp}"


class FactConfirmation(models.Model):
    """An organization's own confirmation of a catalog fact that no official page confirms
    (a desk's number, a party): its own source and date. For that organization only, the
    fact then counts as confirmed and no longer says 要確認.

    `key` names the fact as engine.catalog.Fact does (`desk:<party>/<desk>`, `party:<slug>`).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="fact_confirmations"
    )
    key = models.CharField(_("fact"), max_length=200)
    source = models.URLField(_("source"), max_length=500)
    checked = models.DateField(_("checked"))
    note = models.TextField(_("note"), max_length=bounds.NOTE, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["key"]
        verbose_name = _("fact confirmation")
        verbose_name_plural = _("fact confirmations")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "key"], name="one_confirmation_per_fact_and_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.key}"


class DeskOverride(models.Model):
    """An organization's own correction of a catalog desk: its number, its number from
    mobiles, its hours or the phones its number works from, with who changed it, when and
    why. For that organization only, the directory applies it (so every output of the
    organization uses it), and pages show it as the organization's own fact.

    A blank field (phone_from: None) keeps the catalog's value, so a later correction of
    the catalog still reaches the fields the organization did not change.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="desk_overrides"
    )
    party = models.SlugField(_("company"), max_length=80)
    desk = models.SlugField(_("desk"), max_length=80)
    phone = models.CharField(_("phone"), max_length=bounds.PHONE, blank=True)
    mobile_phone = models.CharField(_("number from mobiles"), max_length=bounds.PHONE, blank=True)
    hours = models.CharField(_("hours"), max_length=bounds.HOURS, blank=True)
    phone_from = models.JSONField(_("reached from"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=bounds.NOTE)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed = models.DateTimeField(_("changed"))

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        ordering = ["party", "desk"]
        verbose_name = _("desk correction")
        verbose_name_plural = _("desk corrections")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "party", "desk"], name="one_override_per_desk_and_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.party}/{self.desk}"

    @property
    def phone_from_values(self) -> list[str] | None:
        if self.phone_from is None:
            return None
        return [p for p in self.phone_from if p in PhoneFrom._value2member_map_]
