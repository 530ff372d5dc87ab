"""Writes to organizations, memberships and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from madoguchi.orgs.models import ApiToken, CalendarFeed, Membership, Organization, Role
from madoguchi.orgs.types import AnyUser


@transaction.atomic
def ensure_organization(*, slug: str, name: str) -> Organization:
    """The organization with this slug, created with `name` if there is none yet (so a
    command that sets one up can run twice)."""
    organization, _created = Organization.objects.get_or_create(slug=slug, defaults={"name": name})
    return organization


@transaction.atomic
def add_member(organization: Organization, user: User, *, role: Role = Role.STAFF) -> Membership:
    """Make the person a member. Someone already a member keeps the role they have."""
    membership, _created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    return membership


@transaction.atomic
def remove_member(membership: Membership, *, by: AnyUser | None = None) -> None:
    """End a membership. In the same transaction the person's open cases of the organization
    are unassigned, each with a timeline entry by `by` (cases/receivers.py hears
    the membership's deletion)."""
    membership.removed_by = by  # type: ignore[attr-defined]  # read by the post_delete receiver
    membership.delete()


@transaction.atomic
def issue_token(user: User, *, name: str = "default") -> tuple[ApiToken, str]:
    """A new personal API token: (its row, the token). Only the token's hash is stored, so
    the token can be shown this once and never again."""
    token = "mdg_" + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name, digest=ApiToken.hash(token), prefix=token[:8]
    )
    return row, token


# How stale a token's `last_used` may get: a read must not write (on SQLite every write
# waits for the one writer), so a token in steady use is stamped at most once a minute.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


def record_token_use(row: ApiToken) -> None:
    """Record that the token was used, unless it was recorded less than a minute ago.
    One conditional UPDATE (no transaction of its own), so two requests that both find it
    stale write once."""
    now = timezone.now()
    stale = now - LAST_USED_GRANULARITY
    if row.last_used is not None and row.last_used >= stale:
        return
    ApiToken.objects.filter(pk=row.pk).filter(
        Q(last_used__isnull=True) | Q(last_used__lt=stale)
    ).update(last_used=now)


@transaction.atomic
def issue_calendar_feed(user: User) -> tuple[CalendarFeed, str]:
    """A new private calendar address for the user: (its row, the token). The old address,
    if any, stops working. Only the token's hash is stored."""
    CalendarFeed.objects.filter(user=user).delete()
    token = "cal_" + secrets.token_urlsafe(32)
    row = CalendarFeed.objects.create(user=user, digest=CalendarFeed.hash(token), prefix=token[:8])
    return row, token


def revoke_calendar_feed(user: User) -> bool:
    """Stop the user's calendar address; True when there was one."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return deleted > 0
