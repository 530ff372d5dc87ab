"""Reads of channels, contacts and the delivery log, scoped to the user first."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from madoguchi.notifications.models import Channel, Delivery, SiteContact
from madoguchi.orgs.types import AnyUser


def channels_for(user: AnyUser) -> QuerySet[Channel]:
    """The organizations' channels and the user's own (never a colleague's own)."""
    if not user.is_authenticated:
        return Channel.objects.none()
    return Channel.objects.for_user(user).filter(Q(user__isnull=True) | Q(user=user))


def contacts_for(user: AnyUser) -> QuerySet[SiteContact]:
    return SiteContact.objects.for_user(user)


def deliveries_for(user: AnyUser) -> QuerySet[Delivery]:
    """The delivery log of what the user may see: their organizations' channels' and
    contacts' deliveries, and their own channels' (not a colleague's own)."""
    if not user.is_authenticated:
        return Delivery.objects.none()
    return Delivery.objects.for_user(user).filter(
        Q(channel__isnull=True) | Q(channel__user__isnull=True) | Q(channel__user=user)
    )
