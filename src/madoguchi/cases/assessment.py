"""One adapter between the database and the engine: a site as a whole site-file document.

The page, the API and the export all go through `site_document`, and the server's
assessment is `madoguchi assess` run on that document with the shipped catalog. The site's
own rows convert in contracts.records; this module adds its open cases and their promises.
Parties resolve catalog → the organization's own → the site's own (its file's `parties:`),
and the document carries every one that differs from the shipped catalog. So exporting
a site and assessing the file gives the same answer as the site page, by construction.
The writes to a site's cases keep it a valid site file with `keeping_site_file_valid`
(those to its own rows with contracts.integrity.keeping_site_valid).
"""

from __future__ import annotations

import datetime as dt
import pickle
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db.models import Prefetch, QuerySet
from pydantic import ValidationError

from madoguchi.cases.models import (
    ACTIVE_STATUSES,
    CASE_SNAPSHOT_FIELDS,
    Case,
    EntryKind,
    Promise,
    StoredRecord,
    TimelineEntry,
)
from madoguchi.contracts import integrity
from madoguchi.contracts import records as contracts_records
from madoguchi.contracts.models import BillLine, Contract, Event, Site
from madoguchi.contracts.records import (
    ROW_KINDS,
    SITE_ROW_PREFETCHES,
    file_fields,
    file_value,
    referenced_parties,
    site_directory,
    site_sections,
    with_parties,
)
from madoguchi.directory.selectors import Directory, catalog_for, directory_with_key
from madoguchi.engine import Assessment, assess, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.catalog import catalog_key
from madoguchi.engine.sitefile import Problem, document_problems
from madoguchi.server.prepared import keep_prefetched, prepared_or_built

# Timeline entries that tell a party of the trouble: a call to it, or from it (a party cannot
# call about a trouble it does not know of).
CALL_KINDS = (EntryKind.CALL_OUT, EntryKind.CALL_IN)


def _calls(entries: QuerySet[TimelineEntry]) -> QuerySet[TimelineEntry]:
    """The calls among `entries` (a call with a party tells it of the trouble: its first one
    is a report), as `case_reports` reads them."""
    return (
        entries.filter(kind__in=CALL_KINDS)
        .exclude(party="")
        .only("id", "case_id", "party", "at")
        .order_by("at", "id")
    )


def _awaited(promises: QuerySet[Promise]) -> QuerySet[Promise]:
    """The promises among `promises` still awaited (a broken one is not), by due time."""
    return promises.filter(broken__isnull=True).order_by("due", "id")


# What `site_document` reads besides the site's own columns; a fixed number of queries.
SITE_FILE_PREFETCHES: tuple[str | Prefetch, ...] = (
    *SITE_ROW_PREFETCHES,
    # A site file speaks of open cases only, and a broken promise is no longer awaited.
    Prefetch(
        "cases",
        queryset=Case.objects.active()
        .defer(*CASE_SNAPSHOT_FIELDS)
        .prefetch_related(
            Prefetch("promises", queryset=_awaited(Promise.objects.all())),
            Prefetch("entries", queryset=_calls(TimelineEntry.objects.all()), to_attr="calls"),
        ),
    ),
)


def with_site_file_rows(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Sites with everything `site_document` reads."""
    return queryset.select_related("organization", "customer").prefetch_related(
        *SITE_FILE_PREFETCHES
    )


def load_site_file_rows(site: Site) -> Site:
    """Fetch what `site_document` reads for a site already in hand, kept as
    `with_site_file_rows` keeps it: its own rows, its open cases, their awaited promises and
    their calls (`calls`).

    Six reads from statements compiled once (`server.prepared.prepared_or_built`), each
    scoped by the site; three when its own rows are prefetched already (the site page lists
    them: reading them again was half of a first look's reads). Why: a site's first look in
    a worker reads them (the case page and the site page assess the site), and building the
    same six queries through the ORM's prefetches cost about 4 ms of CPU, more than the
    reads and the validation together (issue 26: the case page side by side with
    django-helpdesk's ticket page). The rows are the prefetches'
    (tests/cases/test_site_file_rows.py compares the documents)."""
    prefetched = getattr(site, "_prefetched_objects_cache", {})
    if "cases" in prefetched:
        return site  # read with `with_site_file_rows` already
    if all(section in prefetched for section in SITE_ROW_PREFETCHES):
        cases, promises, calls = prepared_or_built(
            ("site file cases",), _site_case_reads, {"site": site.pk}, scope="site"
        )
    else:
        *own, cases, promises, calls = prepared_or_built(
            ("site file rows",), _site_file_reads, {"site": site.pk}, scope="site"
        )
        for section, rows in zip(SITE_ROW_PREFETCHES, own, strict=True):
            keep_prefetched(site, section, rows)
    keep_prefetched(site, "cases", cases)
    awaited, told = _by_case(promises), _by_case(calls)
    for case in cases:
        keep_prefetched(case, "promises", awaited.get(case.pk, []))
        calls_of_case = told.get(case.pk, [])
        for entry in calls_of_case:
            TimelineEntry.case.field.set_cached_value(entry, case)
        case.calls = calls_of_case  # as the prefetch's to_attr
    return site


def _site_file_reads(ph: Mapping[str, Any]) -> list[QuerySet[Any]]:
    """`SITE_FILE_PREFETCHES` as one read each, by the site: its rows (each kind's own
    order), then `_site_case_reads`."""
    site = ph["site"]
    return [
        *(kind.model._default_manager.filter(site_id=site) for kind in ROW_KINDS),
        *_site_case_reads(ph),
    ]


def _site_case_reads(ph: Mapping[str, Any]) -> list[QuerySet[Any]]:
    """A site's open cases, their awaited promises and their calls, by the site."""
    site = ph["site"]
    open_cases = {"case__site_id": site, "case__status__in": ACTIVE_STATUSES}
    return [
        Case.objects.active().defer(*CASE_SNAPSHOT_FIELDS).filter(site_id=site),
        _awaited(Promise.objects.filter(**open_cases)),
        _calls(TimelineEntry.objects.filter(**open_cases)),
    ]


def _by_case(rows: list[Any]) -> dict[int, list[Any]]:
    """Rows grouped by their case, each group in the rows' order."""
    grouped: dict[int, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.case_id, []).append(row)
    return grouped


def case_reports(case: Case, calls: list[TimelineEntry] | None = None) -> list[dict[str, str]]:
    """When each party was first told of the case's trouble: the reports stored on the case
    (from an imported file) and the first call with each party in its timeline (`calls`, or
    as prefetched in `calls`, or read here), the earliest per party winning; in the order
    they were told."""
    first: dict[str, dt.datetime] = {}
    told = [(r.get("party"), r.get("at")) for r in case.reports if isinstance(r, dict)]
    if calls is None:
        calls = getattr(case, "calls", None)  # prefetched by SITE_FILE_PREFETCHES
    if calls is None:
        calls = list(_calls(case.entries.all()))
    told += [(entry.party, entry.at) for entry in calls]
    for party, at in told:
        when = _time(at)
        if not isinstance(party, str) or not party or when is None:
            continue
        if party not in first or when < first[party]:
            first[party] = when
    ordered = sorted(first.items(), key=lambda item: (item[1], item[0]))
    return [{"party": party, "at": file_value(at)} for party, at in ordered]


def _time(value: Any) -> dt.datetime | None:
    """A stored report's time (ISO text in JSON, or a datetime); None when unreadable."""
    if isinstance(value, dt.datetime):
        return value
    try:
        parsed = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=engine.TOKYO)


def case_sections(site: Site) -> list[dict[str, Any]]:
    """The site's open cases with their awaited promises, as the file's `cases:`."""
    sections = []
    for case in site.cases.all():
        section = file_fields(case, engine.Case, exclude=("reports", "promises"))
        if reports := case_reports(case):
            section["reports"] = reports
        if promises := [file_fields(p, engine.Promise) for p in case.promises.all()]:
            section["promises"] = promises
        sections.append(section)
    return sections


def site_document(site: Site, directory: dict[str, engine.Party] | None = None) -> dict[str, Any]:
    """The site as a site-file mapping (prefetch with `with_site_file_rows`).

    `directory` is the organization's (`parties_for`); the site's own parties go on top.
    """
    document = site_sections(site)
    document["cases"] = case_sections(site)
    return with_parties(document, site, directory)


def case_section(case: Case) -> dict[str, Any]:
    """One case as the file's `cases:` item, with its reports and awaited promises (two
    reads compiled once, by the case: `load_site_file_rows` says why)."""
    promises, calls = prepared_or_built(
        ("case file rows",), _case_file_reads, {"case": case.pk}, scope="case"
    )
    section = file_fields(case, engine.Case, exclude=("reports", "promises"))
    if reports := case_reports(case, calls):
        section["reports"] = reports
    if promises := [file_fields(p, engine.Promise) for p in promises]:
        section["promises"] = promises
    return section


def _case_file_reads(ph: Mapping[str, Any]) -> list[QuerySet[Any]]:
    """A case's awaited promises and its calls, as `_site_file_reads` reads an open case's."""
    return [
        _awaited(Promise.objects.filter(case_id=ph["case"])),
        _calls(TimelineEntry.objects.filter(case_id=ph["case"])),
    ]


class StoredSiteInvalid(ValueError):
    """A stored site that does not read as a valid site file. The writes keep every site
    valid and a migration repaired the older rows once, so this is rare (e.g. a row naming a
    party removed since); the site's pages name the `problems` instead of failing."""

    def __init__(self, site: Site, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.site = site
        self.problems = problems


def site_record(
    site: Site, directory: dict[str, engine.Party] | None = None, case: Case | None = None
) -> engine.SiteFile:
    """The site as the engine's record, validated once (raises StoredSiteInvalid).

    With `case`, that case is in the record even when it is resolved or closed (`with_case`)."""
    record = _validated(site, site_document(site, directory))
    return record if case is None else with_case(site, record, case, directory)


def _validated(site: Site, document: dict[str, Any]) -> engine.SiteFile:
    """`document` as the engine's record, or StoredSiteInvalid naming its problems."""
    # The engine assesses with the shipped catalog and the file's own parties: every party
    # the site names must be one of them (no query: the directory is cached).
    known = set(load_catalog().parties) | {p["slug"] for p in document.get("parties", [])}
    try:
        record = engine.SiteFile.model_validate(document)
    except ValidationError:
        record = None
    if record is None or not referenced_parties(document) <= known:
        catalog = catalog_for(site.organization)
        raise StoredSiteInvalid(site, document_problems(document, catalog))
    return record


def with_case(
    site: Site,
    record: engine.SiteFile,
    case: Case,
    directory: dict[str, engine.Party] | None = None,
) -> engine.SiteFile:
    """`record` (the site's, with its open cases) with `case` in it even when it is resolved
    or closed, as the file's last case: a site file speaks of open cases only, and its page
    and letter still say what it is owed. Raises StoredSiteInvalid as `site_record` does.

    The case alone is validated, as it would be within the whole document: the site file's
    model checks nothing across its sections (`sitefile.document_problems` does, and names
    them when the case is refused), and the parties it may name are the record's own and
    the shipped catalog's, as for the whole document. So a record read once (or kept by the
    task queue: `stored_site`) serves every closed case of the site."""
    if any(c.ref == case.ref for c in record.cases):
        return record
    section = case_section(case)
    known = set(load_catalog().parties) | {p.slug for p in record.parties}
    try:
        added = engine.Case.model_validate(section)
    except ValidationError:
        added = None
    if added is None or not referenced_parties({"cases": [section]}) <= known:
        document = site_document(load_site_file_rows(site), directory)
        document.setdefault("cases", []).append(section)
        raise StoredSiteInvalid(site, document_problems(document, catalog_for(site.organization)))
    return record.model_copy(update={"cases": [*record.cases, added]})


def assess_site(
    site: Site,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    directory: dict[str, engine.Party] | None = None,
    case: Case | None = None,
) -> Assessment:
    """The assessment of a stored site: the engine on its document, with the shipped catalog
    (with `case`: that case included even when it is no longer open)."""
    record = site_record(site, directory, case)
    return assess(record, now=now, lang=lang, catalog=load_catalog())


# How many stored sites' records a worker keeps (a few kilobytes each); past that it starts
# again. Their keys change with every write (the site's version) and directory change, so
# the bound is for memory only.
STORED_SITES = 2048
_STORED: dict[str, engine.SiteFile] = {}


@dataclass(frozen=True)
class StoredSite:
    """A stored site as its pages assess it: the engine's record and the directory its
    parties resolve in (the organization's, with the site's own on top)."""

    record: engine.SiteFile
    directory: dict[str, engine.Party]


def stored_site(
    site: Site, case: Case | None = None, *, directory: tuple[Directory, str] | None = None
) -> StoredSite:
    """`site_record` and `site_directory` of a site as read with its version (and `case`,
    as for `site_record`), without reading the site's rows when its record is kept.

    Why: the case page and the site page assess the site on every request, and reading its
    rows (six reads) and validating them as a site file cost about a third of the case
    page's CPU, while a site changes far less often than it is looked at (issue 26: the
    team server's pages per second, the case page side by side with django-helpdesk's).
    The record of the site with its open cases is taken, in this order, from:
    - the process (`_STORED`): the records are frozen and shared as they are;
    - on a team server, the cache its workers share (`_shared_records`), so a worker that
      has not seen the site yet takes another's record (unpickling one costs 0.3 ms);
    - the row the task queue keeps (`kept_record`, cases.stored_records): one read, so a
      site's first look after a restart or on a laptop is as cheap as a second;
    - the site's rows, read and validated here (a site changed since the task queue's last
      sweep, or never swept).
    A resolved or closed case is added to that record (`with_case`), kept in the process.

    Why it is never stale: each key holds the site's `version`, which every write raises in
    its own transaction (`contracts.changes.bump_version` says why a record kept under a
    version is never older than it), the directory's key (`directory_with_key`), which
    every change to a party or desk replaces, and `record_format`. `site` must be read in
    this request (its `version` with it), after any write of the request.

    `directory`: the organization's directory and its key, when the caller has read them
    (`directory_with_key`); otherwise they are read here.

    Raises StoredSiteInvalid as `site_record` does (never cached)."""
    if directory is None:
        organization_directory, _corrections, directory_key = directory_with_key(site.organization)
    else:
        organization_directory, directory_key = directory
    made_with = record_made_with(directory_key)
    record = _open_cases_record(site, organization_directory, made_with)
    if case is not None and not case.is_active:
        key = f"madoguchi:stored-site:v2:{site.pk}:{site.version}:{case.pk}:{made_with}"
        with_closed = _STORED.get(key)
        if with_closed is None:
            with_closed = _keep(key, with_case(site, record, case, organization_directory))
        record = with_closed
    # From the site's row (its own parties are a column): only the record is cached, the
    # directory being most of the catalog, already cached once per organization.
    return StoredSite(record, site_directory(site, organization_directory))


def _open_cases_record(site: Site, directory: Directory, made_with: str) -> engine.SiteFile:
    """The record of the site with its open cases, from the first of `stored_site`'s
    places that holds it."""
    key = f"madoguchi:stored-site:v2:{site.pk}:{site.version}::{made_with}"
    record = _STORED.get(key)
    if record is not None:
        return record
    shared = _shared_records()
    record = shared.get(key) if shared is not None else None
    if record is None:
        record = kept_record(site, made_with)
        if record is None:
            record = site_record(load_site_file_rows(site), directory)
        if shared is not None:
            shared.set(key, record)
    return _keep(key, record)


def _keep(key: str, record: engine.SiteFile) -> engine.SiteFile:
    if len(_STORED) >= STORED_SITES:
        _STORED.clear()
    _STORED[key] = record
    return record


def record_made_with(directory_key: str) -> str:
    """What a record made now with the directory of `directory_key` is made with
    (StoredRecord.made_with): the pages and the task queue's sweep name it alike."""
    return f"{directory_key}:{record_format()}"


@cache
def record_format() -> str:
    """What a site's record depends on besides its rows and the organization's directory:
    the shipped catalog and the engine's code that reads it and defines the records
    (`engine.catalog.catalog_key`), and the code that writes the document a record is
    validated from (this module, contracts.records). Part of every key a record is kept
    under beyond the process, so an upgrade never reads a record an older version made."""
    crc = zlib.crc32(catalog_key().encode())
    for module in (__file__, contracts_records.__file__):
        crc = zlib.crc32(Path(module).read_bytes(), crc)
    return f"{crc:08x}"


def kept_record(site: Site, made_with: str) -> engine.SiteFile | None:
    """The site's record as the task queue kept it (cases.stored_records), when it was made
    at the site's current version with `made_with` (`stored_site`); else None. One read,
    from a statement compiled once."""
    (rows,) = prepared_or_built(
        ("kept record",), _kept_record_read, {"site": site.pk}, scope="site"
    )
    if not rows:
        return None
    row = rows[0]
    if row["version"] != site.version or row["made_with"] != made_with or not row["data"]:
        return None
    try:
        record = pickle.loads(row["data"])
    except Exception:  # a row no longer readable (unpickled by another version): made again
        return None
    return record if isinstance(record, engine.SiteFile) else None


def _kept_record_read(ph: Mapping[str, Any]) -> list[QuerySet[Any]]:
    return [StoredRecord.objects.filter(site_id=ph["site"]).values("version", "made_with", "data")]


def _shared_records() -> BaseCache | None:
    """The cache the server's workers share stored sites' records through (Redis on a team
    server: settings' `stored_sites`), or None (a laptop: each worker keeps its own).

    Why: a worker that has not seen a site reads its rows (ten queries, ~8 ms of CPU) and
    validates them, while another worker holding its record unpickles it in 0.3 ms; with
    several workers most first looks at a case are some worker's first (issue 26). Not
    through the database cache: that would make every first look a write."""
    return caches["stored_sites"] if "stored_sites" in settings.CACHES else None


def site_file_problems(site_id: int) -> list[Problem]:
    """What is wrong with a stored site read as a whole site file, its open cases included
    (empty when it is valid or gone); contracts.integrity.site_problems reads its own rows only."""
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).first()
    if site is None:
        return []
    catalog = catalog_for(site.organization)
    return document_problems(site_document(site, catalog.parties), catalog)


@contextmanager
def keeping_site_file_valid(site_id: int) -> Iterator[None]:
    """contracts.integrity.keeping_site_valid over the whole file: for the writes to a site's
    cases (a promise or a call names a party, which the site must know)."""
    with integrity.keeping_site_valid(site_id, site_file_problems):
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
