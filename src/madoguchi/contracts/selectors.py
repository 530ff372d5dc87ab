"""Reads of sites that more than one caller uses: the site search (the web list and
GET /api/v1/sites find a site with the same words) and a user's site by id."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from madoguchi.contracts.models import Contract, Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import directories_of, party_slugs_named
from madoguchi.engine import model as engine
from madoguchi.engine.model import PartyStatus
from madoguchi.orgs.types import AnyUser

# What a search word is looked up in: a site is found by any of them.
# The site's own columns (the customer is one per site); contracts are matched by subquery.
SEARCHED_FIELDS = ("name", "customer__name", "prefecture")


def searched_sites(user: AnyUser, *, q: str = "", organization: str = "") -> QuerySet[Site]:
    """The user's sites whose name, customer, prefecture or a contract ID contains `q`, or
    with a contract held by a party `q` names (ドコモ, So-net 光, a local shop's name: see
    directory.selectors.find_parties), in `organization` (a slug) when given; by name.

    The party's name is turned into slugs first, so contracts are then found by their
    indexed `party` column, never by reading names row by row. Contracts are matched by
    subqueries of site ids, not joined: a site is then one row however many contracts match,
    without a DISTINCT over every column (which, with the page's count, was most of the
    search's time at 10⁶ cases: 28 ms of SQL)."""
    sites = Site.objects.for_user(user).select_related("customer", "organization")
    if query := q.strip():
        match = Q()
        for field in SEARCHED_FIELDS:
            match |= Q(**{f"{field}__icontains": query})
        contracts = Contract.objects.for_user(user)
        match |= Q(pk__in=contracts.filter(ids__icontains=query).values("site_id"))
        if slugs := party_slugs_named(directories_of(user).values(), query):
            held = contracts.filter(party__in=sorted(slugs))
            match |= Q(pk__in=held.values("site_id"))
        sites = sites.filter(match)
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


def ceased_holders(site: Site, directory: dict[str, engine.Party] | None = None) -> list[str]:
    """The site's holders (by slug) that went bankrupt or closed, as the site is assessed:
    its own copy of a party, else the organization's, else the catalog's. `directory` is the
    organization's (`parties_for`), when the caller has read it already."""
    directory = site_directory(site, directory)
    holders = dict.fromkeys(contract.party for contract in site.contracts.all())
    return [
        slug
        for slug in holders
        if slug in directory and directory[slug].status == PartyStatus.CEASED
    ]
