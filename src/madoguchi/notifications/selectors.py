"""Reads of channels, contacts and the delivery log, scoped to the user first."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from madoguchi.notifications.models import Channel, Delivery, LineAccount, SiteContact
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


def own_and_organization_channels(user: AnyUser) -> tuple[list[Channel], list[Channel]]:
    """The user's own channels and their organizations' (one query, with the organization)."""
    rows = list(channels_for(user).select_related("organization").order_by("created", "id"))
    return [c for c in rows if c.user_id is not None], [c for c in rows if c.user_id is None]


def line_accounts_for(user: AnyUser) -> dict[int, LineAccount]:
    """{organization id: its LINE account} of the user's organizations."""
    return {a.organization_id: a for a in LineAccount.objects.for_user(user)}


def delivery_log(user: AnyUser) -> QuerySet[Delivery]:
    """The delivery log with each row's channel or contact (and the contact's site)."""
    return (
        deliveries_for(user).select_related("channel", "contact__site").order_by("-created", "-id")
    )


def site_contacts(user: AnyUser, site_id: int) -> QuerySet[SiteContact]:
    return contacts_for(user).filter(site_id=site_id).order_by("name", "id")
