"""Reads of sites that more than one caller uses: the site search (the web list and
GET /api/v1/sites find a site with the same words) and a user's site by id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from madoguchi.contracts.models import Contract, Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import directories_of, party_slugs_named
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.model import PartyStatus
from madoguchi.orgs.types import AnyUser
from madoguchi.server.expressions import AmongIds
from madoguchi.server.prepared import planned_for_its_values


def searched_sites(user: AnyUser, *, q: str = "", organization: str = "") -> QuerySet[Site]:
    """The user's sites whose name, customer, prefecture or a contract ID contains `q`, or
    with a contract held by a party `q` names (ドコモ, So-net 光, a local shop's name: see
    directory.selectors.find_parties), in `organization` (a slug) when given; by name.

    With `q`, the ids of the sites it finds are read first (`_ids_found`, planned for this
    word: `planned_for_its_values`), and the page and its count look them up by id. The
    organizations come in a read of their own: joined to a few thousand sites found by id,
    PostgreSQL expected one row and read the organizations' table again for each site (12 ms
    at 10⁶ cases)."""
    sites = Site.objects.for_user(user).select_related("customer").prefetch_related("organization")
    if query := q.strip():
        sites = sites.filter(AmongIds("pk", planned_for_its_values(_ids_found(user, query))))
    if organization:
        sites = sites.filter(organization__slug=organization)
    return sites.order_by("name", "id")


def _ids_found(user: AnyUser, query: str) -> QuerySet[Any]:
    """The ids of the user's sites `query` finds, as one UNION with a part per kind of match,
    each read through its own index: the trigram indexes of sites' and customers' names and
    of contracts' IDs on PostgreSQL (sites.0016), the contracts' party index.

    Why a union: with the matches OR'ed in one WHERE, the database tests every site of the
    organization and reads every contract's IDs before it can count a page (20 ms of SQL at
    10⁶ cases on PostgreSQL, issue 26); each part now reads only what it finds. A party's
    name is turned into slugs first, so its contracts are found by the indexed `party` column,
    never by reading names row by row. Prefectures are a known list: they are searched only
    when `query` is part of one's name (a site's prefecture is one of them or blank)."""
    mine = Site.objects.for_user(user).order_by()
    contracts = Contract.objects.for_user(user).order_by()
    parts = [
        mine.filter(name__icontains=query).values_list("pk", flat=True),
        mine.filter(customer__name__icontains=query).values_list("pk", flat=True),
        contracts.filter(ids__icontains=query).values_list("site_id", flat=True),
    ]
    folded = query.casefold()
    if any(folded in name.casefold() for name in load_catalog().prefecture_names()):
        parts.append(mine.filter(prefecture__icontains=query).values_list("pk", flat=True))
    if slugs := party_slugs_named(directories_of(user).values(), query):
        held = contracts.filter(party__in=sorted(slugs))
        parts.append(held.values_list("site_id", flat=True))
    first, *rest = parts
    return first.union(*rest)


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
