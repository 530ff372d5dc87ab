"""A stored site must always convert back to a valid site file: its page, case pages, export
and assessment all read it as one. Every web and API write to a site's rows runs inside
`keeping_site_valid`, which refuses (and rolls back) a change that adds a problem."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from madoguchi.directory.selectors import catalog_for
from madoguchi.engine.sitefile import Problem, document_problems
from madoguchi.sites.adapter import site_document, with_site_file_rows
from madoguchi.sites.models import Site


class SiteWouldBreak(ValueError):
    """A write that would leave the site unreadable as a site file; `problems` name the
    document's fields (e.g. `observations.said_no_contract[0]`)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def site_problems(site_id: int) -> list[Problem]:
    """What is wrong with a stored site read as a site file (empty when it is valid)."""
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).get()
    return document_problems(site_document(site), catalog_for(site.organization))


@contextmanager
def keeping_site_valid(site_id: int) -> Iterator[None]:
    """Run a write in a transaction and undo it if the site then has a problem it did not
    have before (problems it already had do not block a repair of another field)."""
    before = set(site_problems(site_id))
    with transaction.atomic():
        yield
        if not Site.objects.filter(pk=site_id).exists():
            return
        added = [p for p in site_problems(site_id) if p not in before]
        if added:
            raise SiteWouldBreak(added)


def field_of(path: str, *prefixes: str) -> str:
    """A document path as the field of the form or API body that wrote it: the first of
    `prefixes` it starts with (e.g. `contracts[2].`, `site.`) is taken off; other paths stay
    as they are, naming the other record that the change would break."""
    for prefix in prefixes:
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def row_prefix(site_id: int, model: type, pk: int | None, section: str) -> str:
    """`contracts[i].` for a contract (or event) row: its index in the site's document."""
    ids = list(model.objects.filter(site_id=site_id).values_list("id", flat=True))
    return f"{section}[{ids.index(pk)}]." if pk in ids else f"{section}[?]."


def sites_naming(party: Any) -> list[int]:
    """Ids of the sites of the party's organization that name its slug (contracts, events,
    bills, observations, open promises), unless the shipped catalog also defines the slug
    (those sites then fall back to the catalog's party)."""
    from madoguchi.cases.models import Promise
    from madoguchi.engine import load_catalog
    from madoguchi.sites.models import BillLine, Contract, Event

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
