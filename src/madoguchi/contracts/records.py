"""A site's own rows as site-file records and back: one `to_record`/`from_record` pair.

The engine's records (engine/model.py) say which fields a contract, an event or a bill line
has; the Django models store the same names. So the conversion walks the engine record's
field list and only spells out what differs: dates are ISO text in a file, an empty text
column is an absent key (None in the record), and a value equal to the record's default
(`wanted: true`, `includes_isp: false`) is left out, as a person writing the file would.

Cases and their promises are not a site's own rows: cases.assessment adds them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import Any

from django.db import models
from django.db.models import QuerySet, prefetch_related_objects

from madoguchi.contracts.models import BillLine, Contract, Event, Site
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.model import TOKYO


@dataclass(frozen=True)
class RowKind:
    """One kind of a site's rows: its table, its site-file record and its section."""

    model: type[Contract | Event | BillLine]
    record: type[engine.Record]
    section: str

    @property
    def fields(self) -> list[str]:
        """The row's own fields, in the site file's order (the engine record's)."""
        return list(self.record.model_fields)


CONTRACTS = RowKind(Contract, engine.Contract, "contracts")
EVENTS = RowKind(Event, engine.Event, "events")
BILLS = RowKind(BillLine, engine.BillLine, "bills")
ROW_KINDS = (CONTRACTS, EVENTS, BILLS)
KIND_OF = {kind.model: kind for kind in ROW_KINDS}

# What `site_sections` reads besides the site's own columns.
SITE_ROW_PREFETCHES = tuple(kind.section for kind in ROW_KINDS)
SITE_INFO_FIELDS = list(engine.SiteInfo.model_fields)
OBSERVATION_FIELDS = ("said_no_contract", "outage_notice")  # stored as columns of Site


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional fields, as a person writing the file would."""
    return {k: v for k, v in values.items() if not _empty(v)}


def file_value(value: Any) -> Any:
    """A value as a site file writes it (times in Tokyo, dates as ISO text)."""
    if isinstance(value, dt.datetime):
        return value.astimezone(TOKYO).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return dict(value)
    return value


def file_fields(
    row: Any, record: type[engine.Record], exclude: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A row's fields that `record` has, as the file writes them (empty ones left out)."""
    values = {}
    for name, info in record.model_fields.items():
        if name in exclude:
            continue
        value = getattr(row, name)
        if isinstance(value, bool) and value == info.default:
            continue
        values[name] = file_value(value)
    return _compact(values)


def _column_value(field: models.Field[Any, Any], value: Any) -> Any:
    """A record's value as the column stores it: None is "" in a text column."""
    if value is None:
        return None if field.null else field.get_default()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return dict(value)
    return value


def column_of(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The column that stores a record's field `name` (never a relation's reverse side)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def _fields_as_columns(
    record: engine.Record, model: type[models.Model], names: list[str]
) -> dict[str, Any]:
    return {name: _column_value(column_of(model, name), getattr(record, name)) for name in names}


def to_record(row: Contract | Event | BillLine) -> dict[str, Any]:
    """A contract, event or bill line as its site-file mapping."""
    return file_fields(row, KIND_OF[type(row)].record)


def from_record(kind: RowKind, record: engine.Record) -> dict[str, Any]:
    """A record of `kind` as the column values of its row (without site and position)."""
    return _fields_as_columns(record, kind.model, kind.fields)


def values_as_record(kind: RowKind, values: dict[str, Any]) -> engine.Record:
    """Column values (a form's or an API body's) as the engine record: the site file's
    per-field rules decide what a valid row is (raises pydantic.ValidationError)."""
    return kind.record.model_validate(to_record(kind.model(**values)))


# --- the site itself ----------------------------------------------------------------------


def site_values(record: engine.SiteFile) -> dict[str, Any]:
    """The columns of a Site from a site file (its parties aside: see sitefiles)."""
    observations = record.observations
    return {
        **_fields_as_columns(record.site, Site, SITE_INFO_FIELDS),
        "symptoms": [str(s) for s in record.symptoms],
        "onu": observations.onu.model_dump(mode="json", exclude_none=True),
        **{name: list(getattr(observations, name)) for name in OBSERVATION_FIELDS},
        "assess_at": record.now,
    }


def with_site_rows(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Sites with everything `site_sections` reads."""
    return queryset.select_related("organization", "customer").prefetch_related(
        *SITE_ROW_PREFETCHES
    )


def load_site_rows(site: Site) -> Site:
    prefetch_related_objects([site], *SITE_ROW_PREFETCHES)
    return site


def site_sections(site: Site) -> dict[str, Any]:
    """The site and its own rows as site-file sections, in the file's order (no cases, no
    parties: `with_parties` adds those once every section that names a party is in)."""
    document: dict[str, Any] = {"version": 1}
    if site.assess_at:
        document["now"] = file_value(site.assess_at)
    document["site"] = _compact(
        {
            name: getattr(site, name)
            for name in SITE_INFO_FIELDS
            if getattr(site, name) != engine.SiteInfo.model_fields[name].default
        }
    )
    document["contracts"] = [to_record(c) for c in site.contracts.all()]
    document["events"] = [to_record(e) for e in site.events.all()]
    document["symptoms"] = list(site.symptoms)
    document["observations"] = _compact(
        {
            "onu": _compact(dict(site.onu)),
            **{name: list(getattr(site, name)) for name in OBSERVATION_FIELDS},
        }
    )
    document["bills"] = [to_record(b) for b in site.bills.all()]
    return document


# --- parties ------------------------------------------------------------------------------


def referenced_parties(document: dict[str, Any]) -> set[str]:
    """Every party slug the document names (`.get`: a stored row may lack one)."""
    slugs = {c.get("party") for c in document.get("contracts", [])}
    slugs |= {e.get("party") for e in document.get("events", [])}
    slugs |= {b.get("party") for b in document.get("bills", [])}
    observations = document.get("observations", {})
    slugs |= set(observations.get("said_no_contract", [])) | set(
        observations.get("outage_notice", [])
    )
    slugs |= {p.get("by") for case in document.get("cases", []) for p in case.get("promises", [])}
    slugs |= {r.get("party") for case in document.get("cases", []) for r in case.get("reports", [])}
    return {slug for slug in slugs if slug and isinstance(slug, str)}


def party_document(party: engine.Party) -> dict[str, Any]:
    data = party.model_dump(mode="json", exclude_none=True)
    data["desks"] = [_compact(d) for d in data.get("desks", [])]
    return _compact(data)


def party_json(party: engine.Party) -> dict[str, Any]:
    """A party as stored on a site: its known fields only (a file's unknown keys were
    reported as ignored), so equal parties store equal JSON."""
    desk_fields = dict.fromkeys(engine.Desk.model_fields, True)
    include: dict[str, Any] = dict.fromkeys(engine.Party.model_fields, True)
    include["desks"] = {"__all__": desk_fields}
    return party.model_dump(mode="json", exclude_none=True, include=include)


def site_parties(site: Site) -> dict[str, engine.Party]:
    """The site's own parties, from its site file; they apply to this site only."""
    return {data["slug"]: engine.Party.model_validate(data) for data in site.parties}


def site_directory(
    site: Site, directory: dict[str, engine.Party] | None = None
) -> dict[str, engine.Party]:
    """The parties a site is assessed with: the catalog, replaced by the organization's own
    (`directory`, the cached `parties_for`), replaced by the site's own, slug by slug."""
    base = directory if directory is not None else parties_for(site.organization)
    own = site_parties(site)
    return {**base, **own} if own else base


def with_parties(
    document: dict[str, Any], site: Site, directory: dict[str, engine.Party] | None = None
) -> dict[str, Any]:
    """The finished document: its `parties:` added, empty sections left out.

    Parties go into the file where the site's directory differs from the shipped catalog,
    and the site's own always: the file then assesses the same anywhere, and importing it
    again gives the site the same parties."""
    own = {data["slug"] for data in site.parties}
    directory = site_directory(site, directory)
    shipped = load_catalog().parties
    wanted = (
        referenced_parties(document)
        | own
        | {slug for slug, p in directory.items() if p.kind in ("wholesaler", "public")}
    )
    document["parties"] = [
        party_document(directory[slug])
        for slug in sorted(wanted)
        if slug in directory and (slug in own or _differs(directory[slug], shipped.get(slug)))
    ]
    return _compact(document) | {"site": document["site"], "version": 1}


# Parties' `party_json`, by the party object (kept alive with it): the catalog's and the
# organizations' directories are cached per process, so each party is dumped once.
_PARTY_JSON: dict[int, tuple[engine.Party, dict[str, Any]]] = {}
PARTY_JSON_KEPT = 4096


def _differs(party: engine.Party, shipped: engine.Party | None) -> bool:
    """Does `party` say anything the shipped catalog's party of its slug does not?

    By what a site file holds of a party (`party_json`): the shipped parties are the catalog
    file's records, of a subclass with fields of the catalog's own, so a directory's party
    never compared equal to one, and every document carried every party it named in full."""
    return shipped is None or _json_of(party) != _json_of(shipped)


def _json_of(party: engine.Party) -> dict[str, Any]:
    kept = _PARTY_JSON.get(id(party))
    if kept is None or kept[0] is not party:
        if len(_PARTY_JSON) >= PARTY_JSON_KEPT:
            _PARTY_JSON.clear()
        kept = _PARTY_JSON[id(party)] = (party, party_json(party))
    return kept[1]


def own_document(site: Site, directory: dict[str, engine.Party] | None = None) -> dict[str, Any]:
    """The site file of the site's own rows (prefetch with `with_site_rows`)."""
    return with_parties(site_sections(site), site, directory)
