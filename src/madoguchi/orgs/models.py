"""Organizations, who belongs to them, and with which role.

Every row of customer data carries an organization; `OrgScopedQuerySet.for_user` is the one
way views, the API and commands read it, so a query cannot forget the scope.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Viewer")


WRITE_ROLES = (Role.OWNER, Role.STAFF)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200)
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


def _roles(user: Any) -> dict[int, str]:
    """{organization id: role} for the user, read once per request (kept on the user)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_madoguchi_roles", None)
    if cached is None:
        cached = dict(
            Membership.objects.filter(user=user).order_by().values_list("organization_id", "role")
        )
        user._madoguchi_roles = cached
    return cached


def organization_ids(user: Any) -> list[int]:
    """The user's organization ids.

    Filtering on the ids rather than joining memberships lets the database use the
    (organization, …) indexes for ordering: a sorted page instead of sorting every row.
    """
    return list(_roles(user))


def can_write(user: Any, organization_id: int) -> bool:
    """May the user change this organization's rows (owner or staff)?"""
    return _roles(user).get(organization_id) in WRITE_ROLES


class OrgScopedQuerySet(models.QuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> Self:
        """Rows of the organizations the user belongs to (none for anonymous users)."""
        ids = organization_ids(user)
        if not ids:
            return self.none()
        if len(ids) == 1:
            return self.filter(organization_id=ids[0])
        return self.filter(organization_id__in=ids)

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> Self:
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


def organizations_for(user: Any, *, write: bool = False) -> models.QuerySet[Organization]:
    if not user.is_authenticated:
        return Organization.objects.none()
    memberships = Membership.objects.filter(user=user)
    if write:
        memberships = memberships.filter(role__in=WRITE_ROLES)
    return Organization.objects.filter(id__in=memberships.values("organization_id"))


def colleagues(user: Any) -> models.QuerySet:
    """Members of the user's organizations (the user included): whom the desk can be
    filtered by."""
    return members_of(*organization_ids(user))


def members_of(*organization_ids: int) -> models.QuerySet:
    """Users of these organizations, by name: who a case can be assigned to."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.filter(organization_id__in=organization_ids)
    return (
        get_user_model()
        .objects.filter(pk__in=members.values("user"))
        .order_by("username")
        .only("id", "username", "first_name", "last_name")
    )


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
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: Any, name: str = "default") -> tuple[ApiToken, str]:
        token = "mdg_" + secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, digest=cls.hash(token), prefix=token[:8])
        return row, token
