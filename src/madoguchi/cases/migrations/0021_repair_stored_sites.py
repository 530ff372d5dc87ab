"""Repair stored sites once, so that every stored site reads as a valid site file and the
readers validate it once (issue 25.2: the repair loop that ran on every read is gone).

Rows written before every door went through the services (the admin, older versions) may
name a party the organization does not know, or hold an amount or a date outside the bounds.
Each is repaired keeping the customer's data where it can:
- an unknown party slug on a contract, event, bill line, observation or open promise: the
  organization gets its own placeholder party with that slug (named by the slug, marked
  unverified), so nothing that named it is lost;
- an amount or a date outside its bounds: clipped to the bound, the original kept in the
  row's note (a bill line has none: its item);
- any other invalid row: deleted, and what was deleted is logged.

Frozen here on purpose: the fields are read from the engine's records (pure Python) and the
rows through the historical models, so later changes of the apps' code do not change it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from django.db import migrations
from pydantic import ValidationError

logger = logging.getLogger("madoguchi.migrations")

ACTIVE_STATUSES = ("open", "waiting", "visit")
EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
YEN_MAX = 100_000_000
NOTE_MAX = {"note": 10_000, "item": 200}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
AMOUNTS = {"monthly_yen": 0, "cancellation_fee_yen": 0, "yen": -YEN_MAX}
PARTY_FIELDS = {"Contract": "party", "Event": "party", "BillLine": "party", "Promise": "by"}


def _file_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _document(row: Any, record: Any) -> dict[str, Any]:
    """The row as its site-file record (empty values and boolean defaults left out)."""
    values = {}
    for name, info in record.model_fields.items():
        if name in ("reports", "promises"):
            continue
        value = getattr(row, name, None)
        if isinstance(value, bool) and value == info.default:
            continue
        if value in (None, "", [], {}):
            continue
        values[name] = _file_value(value)
    return values


def _clipped(name: str, value: Any) -> Any:
    """The bound nearest to `value`, or None when `name` has no bound to clip to."""
    if name in AMOUNTS and isinstance(value, int):
        return min(max(value, AMOUNTS[name]), YEN_MAX)
    if isinstance(value, dt.datetime):
        day = min(max(value.date(), EARLIEST), LATEST)
        return value.replace(year=day.year, month=day.month, day=day.day)
    if isinstance(value, dt.date):
        return min(max(value, EARLIEST), LATEST)
    return None


class _Repair:
    def __init__(self, apps: Any) -> None:
        from madoguchi.engine import load_catalog
        from madoguchi.engine import model as engine

        self.engine = engine
        self.shipped = set(load_catalog().parties)
        self.Party = apps.get_model("directory", "Party")
        self.known: dict[int, set[str]] = {}

    def knows(self, site: Any, slug: str) -> bool:
        org = site.organization_id
        if org not in self.known:
            catalog = set(
                self.Party.objects.filter(organization__isnull=True).values_list("slug", flat=True)
            )
            own = self.Party.objects.filter(organization_id=org).values_list("slug", flat=True)
            self.known[org] = self.shipped | catalog | set(own)
        local = {p.get("slug") for p in site.parties or [] if isinstance(p, dict)}
        return slug in self.known[org] or slug in local

    def ensure_party(self, site: Any, slug: str) -> None:
        if not SLUG.match(slug) or self.knows(site, slug):
            return
        self.Party.objects.create(
            organization_id=site.organization_id,
            slug=slug,
            name=slug,
            kind="independent",
            verified=False,
            note="Added by the repair of stored sites: a stored row named this party.",
        )
        self.known[site.organization_id].add(slug)
        logger.warning("site %s: placeholder party %r added", site.pk, slug)

    def row(self, site: Any, row: Any, record: Any, note: str) -> None:
        """Repair one row: its party known, its bounds clipped, else delete it."""
        kind = type(row).__name__
        party_field = PARTY_FIELDS.get(kind)
        if party_field and isinstance(getattr(row, party_field), str):
            self.ensure_party(site, getattr(row, party_field))
        try:
            record.model_validate(_document(row, record))
            return
        except ValidationError as exc:
            errors = exc.errors()
        clipped = []
        for error in errors:
            name = error["loc"][0] if error["loc"] else None
            if not isinstance(name, str) or not hasattr(row, name):
                continue
            original = getattr(row, name)
            bound = _clipped(name, original)
            if bound is None or bound == original:
                continue
            setattr(row, name, bound)
            clipped.append(f"{name}: {_file_value(original)}")
        if clipped:
            kept = f"(stored before the repair: {', '.join(clipped)})"
            setattr(row, note, f"{getattr(row, note)} {kept}".strip()[: NOTE_MAX[note]])
        try:
            record.model_validate(_document(row, record))
        except ValidationError as exc:
            logger.warning(
                "site %s: %s %s deleted (%s): %r",
                site.pk,
                kind,
                row.pk,
                "; ".join(f"{e['loc']}: {e['msg']}" for e in exc.errors()),
                _document(row, record),
            )
            row.delete()
            return
        if clipped:
            row.save()


def repair_stored_sites(apps: Any, schema_editor: Any) -> None:
    Site = apps.get_model("sites", "Site")
    Contract = apps.get_model("sites", "Contract")
    Event = apps.get_model("sites", "Event")
    BillLine = apps.get_model("sites", "BillLine")
    Promise = apps.get_model("cases", "Promise")
    repair = _Repair(apps)
    engine = repair.engine
    for site in Site.objects.order_by("pk").iterator():
        for name in ("said_no_contract", "outage_notice"):
            slugs = list(getattr(site, name) or [])
            kept = [s for s in slugs if isinstance(s, str) and SLUG.match(s)]
            if kept != slugs:  # no party could have such a slug: nothing to keep
                logger.warning("site %s: %s %r deleted", site.pk, name, slugs)
                setattr(site, name, kept)
                site.save(update_fields=[name])
            for slug in kept:
                repair.ensure_party(site, slug)
        for contract in Contract.objects.filter(site=site).order_by("position", "id"):
            repair.row(site, contract, engine.Contract, "note")
        for event in Event.objects.filter(site=site).order_by("position", "id"):
            repair.row(site, event, engine.Event, "note")
        bills = BillLine.objects.filter(site=site, staging__isnull=True)
        for bill in bills.order_by("position", "id"):
            repair.row(site, bill, engine.BillLine, "item")
        promises = Promise.objects.filter(
            case__site=site, case__status__in=ACTIVE_STATUSES, broken__isnull=True
        )
        for promise in promises.order_by("due", "id"):
            repair.row(site, promise, engine.Promise, "note")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0020_field_bounds"),
        ("sites", "0013_field_bounds"),
        ("directory", "0001_initial"),
    ]

    operations = [migrations.RunPython(repair_stored_sites, migrations.RunPython.noop)]
