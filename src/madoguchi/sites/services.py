"""Every write to a site's rows (site, contracts, events, bill lines, the current trouble).

Views, the API and the site-file import (madoguchi.sitefiles) call these; each runs in one
transaction, and a write that would leave the site unreadable as a site file is refused
with SiteWouldBreak (sites.integrity) and rolled back."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from madoguchi.engine import model as engine
from madoguchi.orgs.models import Organization
from madoguchi.sites.integrity import SiteWouldBreak, keeping_site_valid, row_prefix, site_problems
from madoguchi.sites.models import BillLine, Contract, Customer, Event, Site, SiteChild
from madoguchi.sites.records import KIND_OF, ROW_KINDS, RowKind, from_record, site_values

type Row = Contract | Event | BillLine


def create_site(*, organization: Organization, values: dict[str, Any]) -> Site:
    """A new site from its columns; refused if it would not read as a site file."""
    with transaction.atomic():
        site = Site.objects.create(organization=organization, **values)
        if problems := site_problems(site.pk):
            raise SiteWouldBreak(problems)
    return site


def update_site(site: Site, *, values: dict[str, Any]) -> Site:
    """Change a site's columns, keeping it a valid site file."""
    with keeping_site_valid(site.pk):
        for name, value in values.items():
            setattr(site, name, value)
        site.save()
    return site


@transaction.atomic
def delete_site(site: Site) -> None:
    site.delete()


@transaction.atomic
def save_trouble(site: Site, *, symptoms: list[str], lamps: dict[str, str]) -> Site:
    """Set the symptoms and the lamp readings in `lamps` ("" clears one); a lamp not named
    keeps its stored reading (e.g. an imported `ppp: red` the form did not change)."""
    onu = {**site.onu, **lamps}
    site.symptoms = list(symptoms)
    site.onu = {lamp: reading for lamp, reading in onu.items() if reading}
    site.save(update_fields=["symptoms", "onu", "updated"])
    return site


def use_live_clock(site: Site) -> Site:
    """Assess the site at the current time again (a fixed time from an import is dropped)."""
    site.assess_at = None
    site.save(update_fields=["assess_at", "updated"])
    return site


def save_said_no_contract(site: Site, *, parties: list[str]) -> Site:
    """Record which companies said "there is no contract with us" (observations.
    said_no_contract), keeping the site a valid site file (each must be a known party)."""
    with keeping_site_valid(site.pk):
        site.said_no_contract = list(dict.fromkeys(parties))
        site.save(update_fields=["said_no_contract", "updated"])
    return site


def new_row(kind: RowKind, *, site: Site) -> Row:
    """An unsaved row of `kind` at the end of the site's list (what a form edits first)."""
    position = kind.model.objects.filter(site=site).count()
    return kind.model(site=site, organization=site.organization, position=position)


def save_row(row: Row, *, values: dict[str, Any]) -> Row:
    """Create or change a contract, event or bill line; refused (SiteWouldBreak, with the
    row's place in the document as `prefix`) if the site would no longer be valid."""
    section = KIND_OF[type(row)].section
    pk, prefix = row.pk, ""
    try:
        with keeping_site_valid(row.site_id):
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            prefix = row_prefix(row.site_id, type(row), row.pk, section)
    except SiteWouldBreak as exc:
        row.pk = pk  # a new row was rolled back: it has no id
        exc.prefix = prefix
        raise
    return row


def delete_row(row: SiteChild) -> None:
    """Delete a contract, event or bill line, unless other rows of the site refer to it."""
    with keeping_site_valid(row.site_id):
        row.delete()


@transaction.atomic
def store_site_file(
    *,
    organization: Organization,
    record: engine.SiteFile,
    parties: list[dict[str, Any]],
    site: Site | None = None,
    customer: Customer | None = None,
    keep_time: bool = False,
) -> Site:
    """A validated site file's own rows as a new site, or as the new contents of `site`
    (its cases are madoguchi.sitefiles's). `parties` are the site's own, as stored JSON.

    The file's `now:` fixes the site's time only with `keep_time`: otherwise the site is
    assessed at the clock, as a site should be (the file's time is for the CLI and tests)."""
    values = site_values(record) | {"parties": parties}
    if not keep_time:
        values["assess_at"] = None
    if site is None:
        site = Site.objects.create(organization=organization, customer=customer, **values)
    else:
        for name, value in values.items():
            setattr(site, name, value)
        site.save()
        for kind in ROW_KINDS:
            kind.model.objects.filter(site=site).delete()
    for kind in ROW_KINDS:
        model: type[SiteChild] = kind.model
        model.objects.bulk_create(
            model(organization=organization, site=site, position=i, **from_record(kind, r))
            for i, r in enumerate(getattr(record, kind.section))
        )
    return site
