"""Organizations, who belongs to them, and with which role.

Every row of customer data carries an organization; `OrgScopedQuerySet.for_user` is the one
way views, the API and commands read it, so a query cannot forget the scope.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.db.models.fields import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from madoguchi.engine import bounds

if TYPE_CHECKING:
    from madoguchi.orgs.types import AnyUser


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


WRITE_ROLES = (Role.OWNER, Role.STAFF)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=bounds.NAME)
    slug = models.SlugField(_("slug"), unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


class OrgScopedQuerySet(models.QuerySet):
    def for_user(self, user: AnyUser) -> Self:
        """Rows of the organizations the user belongs to (none for anonymous users)."""
        from madoguchi.orgs.selectors import organization_ids  # selectors read these models

        ids = organization_ids(user)
        if not ids:
            return self.none()
        if len(ids) == 1:
            return self.filter(organization_id=ids[0])
        return self.filter(organization_id__in=ids)

    def writable_by(self, user: AnyUser) -> Self:
        """Rows the user may change: owner or staff of their organization."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            organization__memberships__user=user,
            organization__memberships__role__in=WRITE_ROLES,
        )


class OrgOwned(models.Model):
    """Base for every row of customer data."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    objects = OrgScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: Field[Any, Any]) -> str:
        """`get_<field>_display()`, with the field's labels looked up in `choice_labels`.

        Why: Django rebuilds a dict of every choice on each call, hashing each lazy label
        (a translation apiece): 23 µs for a timeline entry's kind, 7 calls on a case page."""
        value = getattr(self, field.attname)
        label = choice_labels(field).get(make_hashable(value), value)
        return force_str(label, strings_only=True)


@cache
def choice_labels(field: Field[Any, Any]) -> dict[Any, Any]:
    """A field's choices as {value: label}, the labels still lazy (translated when shown, in
    the language then active). A field's choices are fixed when its model is defined."""
    return dict(make_hashable(field.flatchoices))


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, default="default")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(token: str) -> str:
        """What is stored and looked up for a token (issued by orgs.services.issue_token)."""
        return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A user's private calendar address (Google Calendar, iPhone, Outlook subscribe to it).
    Only the token's hash is stored; revoking deletes the row, and the old address then
    answers 404. One per user: making a new one replaces the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
