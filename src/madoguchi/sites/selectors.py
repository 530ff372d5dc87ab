"""Reads of sites that more than one caller uses: the site search (the web list and
GET /api/v1/sites find a site with the same words) and a user's site by id."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from madoguchi.orgs.types import AnyUser
from madoguchi.sites.models import Site

# What a search word is looked up in: a site is found by any of them.
SEARCHED_FIELDS = ("name", "customer__name", "prefecture", "contracts__ids")


def searched_sites(user: AnyUser, *, q: str = "", organization: str = "") -> QuerySet[Site]:
    """The user's sites whose name, customer, prefecture or a contract ID contains `q`,
    in `organization` (a slug) when given; by name."""
    sites = Site.objects.for_user(user).select_related("customer", "organization")
    if query := q.strip():
        match = Q()
        for field in SEARCHED_FIELDS:
            match |= Q(**{f"{field}__icontains": query})
        sites = sites.filter(match).distinct()
    if organization:
        sites = sites.filter(organization__slug=organization)
    return sites.order_by("name", "id")


def user_site(
    user: AnyUser,
    pk: int,
    rows: Callable[[QuerySet[Site]], QuerySet[Site]] = lambda sites: sites,
) -> Site:
    """The user's site `pk` (404 if it is none of theirs), with what `rows` prefetches."""
    return get_object_or_404(
        rows(Site.objects.for_user(user).select_related("organization")), pk=pk
    )
