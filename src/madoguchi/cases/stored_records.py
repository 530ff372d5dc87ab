"""Sites' records kept by the task queue: the sweep that makes them (cases.models.StoredRecord).

A site's pages assess its record (cases.assessment.stored_site). Made in a request, it
costs reading the site's rows and validating them, on every site's first look in each
worker; kept as a row, a first look reads one row. The sweep finds the sites whose row is
missing or out of date (the site's `version` raised by a write since, a change to the
organization's directory, another version of Madoguchi) and makes their records again, a
batch at a time, on the worker (`cases.tasks.periodic_records`), never in a web request:
a page that finds no current row reads the rows itself, as before, and writes nothing.

Writes are never held back by it: a write only raises the site's version (it already did),
so this app sits above the apps that write sites and none of them has to know of it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from itertools import batched

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from madoguchi.cases.assessment import (
    StoredSiteInvalid,
    record_made_with,
    site_record,
    with_site_file_rows,
)
from madoguchi.cases.models import StoredRecord
from madoguchi.contracts.models import Site
from madoguchi.directory.selectors import Directory, directory_with_key
from madoguchi.orgs.models import Organization

# Sites read and written together: one transaction and one upsert each.
BATCH = 100


@dataclass(frozen=True)
class Sweep:
    made: int  # records made (or marked as not valid) in this run
    left: bool  # more sites were out of date than the run's limit allowed


def out_of_date(organization: Organization, made_with: str) -> QuerySet[Site]:
    """The organization's sites whose kept record is missing, or made at another version of
    the site or with another directory or format (`made_with`)."""
    return Site.objects.filter(organization=organization).filter(
        Q(stored_record__isnull=True)
        | ~Q(stored_record__version=F("version"))
        | ~Q(stored_record__made_with=made_with)
    )


def refresh_records(*, limit: int | None = None, organization_id: int | None = None) -> Sweep:
    """Make the record of every site whose kept one is out of date (`out_of_date`), at
    most `limit` of them (None: all), of one organization or of all."""
    made, room = 0, limit
    organizations = Organization.objects.order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    for organization in organizations:
        directory, _corrections, directory_key = directory_with_key(organization)
        made_with = record_made_with(directory_key)
        stale = out_of_date(organization, made_with).order_by("pk").values_list("pk", flat=True)
        ids = list(stale if room is None else stale[: room + 1])  # one more: any left?
        if room is not None and len(ids) > room:
            return Sweep(made + _make(ids[:room], organization, directory, made_with), left=True)
        made += _make(ids, organization, directory, made_with)
        room = None if room is None else room - len(ids)
    return Sweep(made, left=False)


def _make(ids: list[int], organization: Organization, directory: Directory, made_with: str) -> int:
    """Make and keep the records of the sites `ids` (the organization's), a batch at a
    time; how many (a site deleted meanwhile is not)."""
    made = 0
    for chunk in batched(ids, BATCH):
        now = timezone.now()
        rows = []
        # Read and validated outside any transaction: on SQLite a transaction takes the
        # database's write lock as it begins, which would hold every writer back while a
        # hundred sites are validated. Each site is read before its rows
        # (with_site_file_rows' prefetches), so the rows are never older than the version
        # the record is kept under (`bump_version` says why that is enough).
        sites = with_site_file_rows(Site.objects.filter(organization=organization, pk__in=chunk))
        for site in sites:
            try:
                data = pickle.dumps(site_record(site, directory), pickle.HIGHEST_PROTOCOL)
            except StoredSiteInvalid:
                data = b""  # its pages name the problems; not made again until it changes
            rows.append(
                StoredRecord(
                    site=site,
                    organization=organization,
                    version=site.version,
                    made_with=made_with,
                    data=data,
                    computed=now,
                )
            )
        with transaction.atomic():
            StoredRecord.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["site"],
                update_fields=["version", "made_with", "data", "computed"],
            )
        made += len(rows)
    return made
