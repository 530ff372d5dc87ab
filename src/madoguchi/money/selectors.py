"""Reads of the money summaries: the ranking of an organization's sites."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from madoguchi.contracts.models import Site
from madoguchi.money.models import SiteMoney
from madoguchi.orgs.types import AnyUser


def ranked_sites(user: AnyUser) -> QuerySet[SiteMoney]:
    """The user's organizations' sites where the checks found money, the most per year
    first (then the most to claim back), with the site and its customer in the same query."""
    return (
        SiteMoney.objects.for_user(user)
        .filter(Q(yearly_yen__gt=0) | Q(owed_yen__gt=0))
        .select_related("site", "site__customer")
        .order_by("-yearly_yen", "-owed_yen", "site_id")
    )


def unsummarized_count(user: AnyUser) -> int:
    """How many of the user's sites have no summary yet (never changed since installing)."""
    return Site.objects.for_user(user).filter(money__isnull=True).count()
