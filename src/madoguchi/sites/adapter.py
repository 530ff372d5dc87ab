"""One adapter between the database and the engine: a site as a site-file document.

The page, the API and the export all go through `site_document`, and the server's
assessment is `madoguchi assess` run on that document with the shipped catalog. Parties
resolve catalog → the organization's own → the site's own (its file's `parties:`), and the
document carries every one that differs from the shipped catalog. So exporting
a site and assessing the file gives the same answer as the site page, by construction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from pydantic import ValidationError

from madoguchi.cases.models import CASE_SNAPSHOT_FIELDS, Case, Promise
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import Assessment, assess, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.model import TOKYO
from madoguchi.sites.models import Site

# What `site_document` reads besides the site's own columns; a fixed number of queries.
SITE_FILE_PREFETCHES = (
    "contracts",
    "events",
    "bills",
    # A site file speaks of open cases only, and a broken promise is no longer awaited.
    Prefetch(
        "cases",
        queryset=Case.objects.active()
        .defer(*CASE_SNAPSHOT_FIELDS)
        .prefetch_related(
            Prefetch(
                "promises",
                queryset=Promise.objects.filter(broken__isnull=True).order_by("due", "id"),
            )
        ),
    ),
)


def with_site_file_rows(queryset: QuerySet[Site]) -> QuerySet[Site]:
    """Sites with everything `site_document` reads."""
    return queryset.select_related("organization", "customer").prefetch_related(
        *SITE_FILE_PREFETCHES
    )


def load_site_file_rows(site: Site) -> Site:
    """Fetch what `site_document` reads for a site already in hand."""
    prefetch_related_objects([site], *SITE_FILE_PREFETCHES)
    return site


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional fields, as a person writing the file would."""
    return {k: v for k, v in values.items() if v not in (None, "", [], {})}


def _time(value: dt.datetime | None) -> str | None:
    return value.astimezone(TOKYO).isoformat() if value else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


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


def site_document(site: Site, directory: dict[str, engine.Party] | None = None) -> dict[str, Any]:
    """The site as a site-file mapping (prefetch with `with_site_file_rows`).

    `directory` is the organization's (`parties_for`); the site's own parties go on top.
    """
    document: dict[str, Any] = {"version": 1}
    if site.assess_at:
        document["now"] = _time(site.assess_at)
    document["site"] = _compact(
        {
            "name": site.name,
            "prefecture": site.prefecture,
            "region": site.region,
            "building": site.building,
        }
    )
    document["contracts"] = [
        _compact(
            {
                "ref": c.ref,
                "service": c.service,
                "party": c.party,
                "product": c.product,
                "option": c.option,
                "course": c.course,
                "includes_isp": c.includes_isp or None,
                "ids": c.ids,
                "start": _date(c.start),
                "end": _date(c.end),
                "acquired": c.acquired,
                "document_received": _date(c.document_received),
                "monthly_yen": c.monthly_yen,
                "payment": c.payment,
                "wanted": None if c.wanted else False,
                "note": c.note,
            }
        )
        for c in site.contracts.all()
    ]
    document["events"] = [
        _compact(
            {
                "date": _date(e.date),
                "kind": e.kind,
                "contract": e.contract,
                "effective": _date(e.effective),
                "party": e.party,
                "note": e.note,
            }
        )
        for e in site.events.all()
    ]
    document["symptoms"] = list(site.symptoms)
    document["observations"] = _compact(
        {
            "onu": _compact(dict(site.onu)),
            "said_no_contract": list(site.said_no_contract),
            "outage_notice": list(site.outage_notice),
        }
    )
    document["bills"] = [
        _compact(
            {
                "party": b.party,
                "month": b.month,
                "item": b.item,
                "yen": b.yen,
                "service": b.service,
                "contract": b.contract,
            }
        )
        for b in site.bills.all()
    ]
    document["cases"] = [
        _compact(
            {
                "ref": case.ref,
                "note": case.note,
                "promises": [
                    _compact(
                        {
                            "by": p.by,
                            "what": p.what,
                            "due": _time(p.due),
                            "kept": _time(p.kept),
                            "note": p.note,
                        }
                    )
                    for p in case.promises.all()
                ],
            }
        )
        for case in site.cases.all()
    ]
    # Parties go into the file where the site's directory differs from the shipped catalog,
    # and the site's own always: the file then assesses the same anywhere, and importing it
    # again gives the site the same parties.
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
        if slug in directory and (slug in own or directory[slug] != shipped.get(slug))
    ]
    return _compact(document) | {"site": document["site"], "version": 1}


def site_record(site: Site, directory: dict[str, engine.Party] | None = None) -> engine.SiteFile:
    """The site as the engine's record. Writes keep a site valid (sites.integrity); a row
    stored otherwise (an older version, the admin) is left out rather than failing every
    page of the site for good, so the site can still be seen and repaired."""
    document = site_document(site, directory)
    for _attempt in range(50):
        try:
            return engine.SiteFile.model_validate(document)
        except ValidationError as exc:
            if not _drop_invalid(document, exc):
                raise
    return engine.SiteFile.model_validate(document)


def _drop_invalid(document: dict[str, Any], exc: ValidationError) -> bool:
    """Remove what the first error it can points at: the innermost list item holding it, else
    an optional key. False when nothing could be removed."""
    for error in exc.errors():
        loc = [p for p in error["loc"] if isinstance(p, int) or not str(p).endswith("]")]
        last_index = max((i for i, p in enumerate(loc) if isinstance(p, int)), default=None)
        cut = loc[: last_index + 1] if last_index is not None else loc
        if not cut or cut[0] in ("site", "version"):
            continue
        parent: Any = document
        try:
            for part in cut[:-1]:
                parent = parent[part]
            del parent[cut[-1]]
        except (KeyError, IndexError, TypeError):
            continue
        return True
    return False


def assess_site(
    site: Site,
    *,
    now: dt.datetime | None = None,
    lang: str = "ja",
    directory: dict[str, engine.Party] | None = None,
) -> Assessment:
    """The assessment of a stored site: the engine on its document, with the shipped catalog."""
    return assess(site_record(site, directory), now=now, lang=lang, catalog=load_catalog())
