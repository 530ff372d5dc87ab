"""The whole site file's validity (its cases' promises included), and which sites a party's
removal would break."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from madoguchi.cases.assessment import site_document, with_site_file_rows
from madoguchi.cases.models import Promise
from madoguchi.directory.selectors import catalog_for
from madoguchi.engine import load_catalog
from madoguchi.engine.sitefile import Problem, document_problems
from madoguchi.sites import integrity
from madoguchi.sites.models import BillLine, Contract, Event, Site


def site_problems(site_id: int) -> list[Problem]:
    """What is wrong with a stored site read as a whole site file (empty when it is valid)."""
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).get()
    return document_problems(site_document(site), catalog_for(site.organization))


@contextmanager
def keeping_site_valid(site_id: int) -> Iterator[None]:
    """sites.integrity.keeping_site_valid over the whole file: for writes to a site's cases
    (a promise names a party, which the site must know)."""
    with integrity.keeping_site_valid(site_id, site_problems):
        yield


def sites_naming(party: Any) -> list[int]:
    """Ids of the sites of the party's organization that name its slug (contracts, events,
    bills, observations, open promises), unless the shipped catalog also defines the slug
    (those sites then fall back to the catalog's party)."""
    slug = party.slug
    if party.organization_id is None or slug in load_catalog().parties:
        return []
    scope = {"organization_id": party.organization_id}
    found: set[int] = set()
    for model in (Contract, Event, BillLine):
        found |= set(model.objects.filter(**scope, party=slug).values_list("site_id", flat=True))
    found |= set(
        Promise.objects.filter(**scope, by=slug, broken__isnull=True).values_list(
            "case__site_id", flat=True
        )
    )
    for pk, said, notices in Site.objects.filter(**scope).values_list(
        "id", "said_no_contract", "outage_notice"
    ):
        if slug in (said or []) or slug in (notices or []):
            found.add(pk)
    return sorted(found)
