"""A stored site must always convert back to a valid site file: its page, case pages, export
and assessment all read it as one. Every write to a site's rows (contracts.services) runs inside
`keeping_site_valid`, which refuses (and rolls back) a change that adds a problem, and says
the site changed (contracts.changes) when it is kept.

The check reads the site's own rows and parties only: a write to them cannot add a problem
to its cases (cases.assessment.keeping_site_file_valid checks the whole file where a case
is written)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction

from madoguchi.contracts.changes import site_changed
from madoguchi.contracts.models import BillLine, Site
from madoguchi.contracts.records import (
    own_document,
    site_sections,
    to_record,
    with_parties,
    with_site_rows,
)
from madoguchi.directory.selectors import catalog_for
from madoguchi.engine.sitefile import Problem, document_problems


class SiteWouldBreak(ValueError):
    """A write that would leave the site unreadable as a site file; `problems` name the
    document's fields (e.g. `observations.said_no_contract[0]`), `prefix` the written row's
    place in it (e.g. `contracts[2].`) so a caller can name the field it wrote."""

    def __init__(self, problems: list[Problem], prefix: str = "") -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.prefix = prefix

    def fields(self, *prefixes: str) -> list[tuple[str, str]]:
        """(field, message) per problem, the field relative to the written row or section."""
        return [(field_of(p.path, self.prefix, *prefixes), p.message) for p in self.problems]


def site_problems(site_id: int) -> list[Problem]:
    """What is wrong with a site's own rows read as a site file (empty when valid, or when
    there is no such site: the write deleted it)."""
    site = with_site_rows(Site.objects.filter(pk=site_id)).first()
    if site is None:
        return []
    catalog = catalog_for(site.organization)
    return document_problems(own_document(site, catalog.parties), catalog)


def site_problems_with_staged(site_id: int, staging: uuid.UUID) -> list[Problem]:
    """What would be wrong with the site once the bill lines an import staged under
    `staging` are on record (madoguchi.bills checks this before the short transaction that
    makes them visible, so that transaction holds the write lock for the update alone)."""
    site = with_site_rows(Site.objects.filter(pk=site_id)).get()
    sections = site_sections(site)
    staged = BillLine.with_staged.filter(site_id=site_id, staging=staging).order_by(
        "position", "id"
    )
    sections["bills"] += [to_record(b) for b in staged]
    return document_problems(with_parties(sections, site), catalog_for(site.organization))


@contextmanager
def keeping_site_valid(
    site_id: int,
    problems: Callable[[int], list[Problem]] = site_problems,
    prefix: Callable[[], str] | None = None,
) -> Iterator[None]:
    """Run a write in a transaction and undo it if the site then has a problem. Every stored
    site is valid (the writes keep it so, and cases migration 0021 repaired older rows once),
    so the site is not read before the write: any problem after it is the write's.
    `prefix` names the written row's place in the document for the refusal (read only then,
    inside the transaction, where a new row still has its place)."""
    with transaction.atomic():
        yield
        if found := problems(site_id):
            raise SiteWouldBreak(found, prefix() if prefix else "")
        site_changed(site_id)


def field_of(path: str, *prefixes: str) -> str:
    """A document path as the field of the form or API body that wrote it: the first of
    `prefixes` it starts with (e.g. `contracts[2].`, `site.`) is taken off; other paths stay
    as they are, naming the other record that the change would break."""
    for prefix in prefixes:
        if prefix and path.startswith(prefix):
            return path[len(prefix) :]
    return path


def row_prefix(site_id: int, model: type[Any], pk: int | None, section: str) -> str:
    """`contracts[i].` for a contract (or event) row: its index in the site's document."""
    ids = list(model.objects.filter(site_id=site_id).values_list("id", flat=True))
    return f"{section}[{ids.index(pk)}]." if pk in ids else f"{section}[?]."
