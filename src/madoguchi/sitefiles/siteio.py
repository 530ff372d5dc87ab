"""Site files in and out of the database. An import is all-or-nothing."""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction

from madoguchi.cases.assessment import site_document, with_site_file_rows
from madoguchi.cases.services import import_case
from madoguchi.contracts.models import Customer, Site
from madoguchi.contracts.records import party_json
from madoguchi.contracts.services import store_site_file
from madoguchi.directory.selectors import catalog_for, parties_for
from madoguchi.engine import SiteFileError, parse_site
from madoguchi.engine import model as engine
from madoguchi.engine.sitefile import LoadedSite, Problem
from madoguchi.orgs.models import Organization


class PartyReplaced(Problem, frozen=True):
    """A warning: the file's party at `path` replaces the directory's `name` for its site."""

    name: str = ""


def site_own_parties(
    directory: dict[str, engine.Party], record: engine.SiteFile
) -> list[tuple[int, engine.Party, engine.Party | None]]:
    """(index, party, the directory's party it replaces or None) for each party of the file
    that the site keeps as its own. A site file never changes the organization's directory:
    its parties apply to its site only. One equal to the directory's adds nothing and is
    left out, so the site follows later changes to the directory (an export carries the
    organization's parties, and importing it again must not pin them to the site)."""
    own = []
    for i, party in enumerate(record.parties):
        known = directory.get(party.slug)
        if known is None or party_json(known) != party_json(party):
            own.append((i, party, known))
    return own


def validate_site_text(organization: Organization, text: str) -> LoadedSite:
    """Parse and validate against this organization's directory; SiteFileError if bad.

    The warnings name each party that replaces a catalog or directory party for this site.
    """
    loaded = parse_site(text, catalog_for(organization))
    replaced = [
        PartyReplaced(f"parties[{i}]", f"replaces {known.name} for this site only", known.name)
        for i, _party, known in site_own_parties(parties_for(organization), loaded.site)
        if known is not None
    ]
    return LoadedSite(site=loaded.site, warnings=[*loaded.warnings, *replaced])


# The key an export marks its site with (SITE-FILE.md allows additions; the engine leaves
# `x-` keys alone): {organization: slug, site_id: 12, customer: name}.
MARKER = "x-madoguchi"
type OnExisting = Literal["ask", "update", "new"]


class SiteExists(Exception):
    """The file is a site the organization already has; the caller must say what to do."""

    def __init__(self, site: Site) -> None:
        super().__init__(f"site {site.pk} ({site.name}) already exists")
        self.site = site


def site_marker(site: Site) -> dict[str, Any]:
    """What an export says about where it came from, so importing it again finds the site."""
    marker: dict[str, Any] = {"organization": site.organization.slug, "site_id": site.pk}
    if site.customer is not None:
        marker["customer"] = site.customer.name
    return marker


def existing_site(organization: Organization, record: engine.SiteFile) -> Site | None:
    """The organization's site this file is: the one its export marker names (from this
    organization only), else the one with the same name for the same customer."""
    marker = (record.model_extra or {}).get(MARKER)
    marker = marker if isinstance(marker, dict) else {}
    sites = Site.objects.filter(organization=organization).select_related("customer")
    site_id = marker.get("site_id")
    same_organization = marker.get("organization") == organization.slug
    if (
        same_organization
        and isinstance(site_id, int)
        and (site := sites.filter(pk=site_id).first())
    ):
        return site
    customer = marker.get("customer")
    same = sites.filter(name=record.site.name)
    if isinstance(customer, str) and customer:
        same = same.filter(customer__name=customer)
    else:
        same = same.filter(customer__isnull=True)
    return same.order_by("id").first()


@transaction.atomic
def save_site_file(
    organization: Organization,
    record: engine.SiteFile,
    *,
    site: Site | None = None,
    customer: Customer | None = None,
    keep_time: bool = False,
) -> Site:
    """Store a validated site file as a new site, or as the new contents of `site` (all its
    rows replaced, all or nothing). The file's `now:` is kept only with `keep_time`."""
    own_parties = site_own_parties(parties_for(organization), record)
    site = store_site_file(
        organization=organization,
        record=record,
        parties=[party_json(party) for _i, party, _known in own_parties],
        site=site,
        customer=customer,
        keep_time=keep_time,
    )
    for case_record in record.cases:
        # A case keeps its timeline and its promises' outcomes across re-imports: the file's
        # promises are merged in, never reset (see cases.services.import_case).
        import_case(site, case_record)
    return site


def import_site_text(
    organization: Organization,
    text: str,
    *,
    site: Site | None = None,
    keep_time: bool = False,
    existing: OnExisting = "new",
) -> tuple[Site, list[Problem]]:
    """Validate and store one site file; raises SiteFileError and stores nothing if bad.

    Without `site`, a file for a site the organization already has (`existing_site`)
    updates it (`existing="update"`), is added beside it ("new"), or raises SiteExists
    ("ask")."""
    loaded = validate_site_text(organization, text)
    if site is None and existing != "new":
        found = existing_site(organization, loaded.site)
        if found is not None and existing == "ask":
            raise SiteExists(found)
        site = found
    stored = save_site_file(organization, loaded.site, site=site, keep_time=keep_time)
    return stored, loaded.warnings


def import_many(
    organization: Organization,
    files: list[tuple[str, str]],
    *,
    warned: dict[str, list[Problem]] | None = None,
    keep_time: bool = False,
    existing: OnExisting = "new",
    found: dict[str, Site] | None = None,
) -> tuple[list[Site], dict[str, list[Problem]]]:
    """Import several files, each on its own: a bad file is reported and stored not at all.

    `warned`, if given, receives the warnings of each stored file that has any; `found`,
    with `existing="ask"`, the site each file not stored because it already exists is."""
    saved: list[Site] = []
    failed: dict[str, list[Problem]] = {}
    for name, text in files:
        try:
            site, warnings = import_site_text(
                organization, text, keep_time=keep_time, existing=existing
            )
        except SiteFileError as exc:
            failed[name] = exc.problems
        except SiteExists as exc:
            if found is not None:
                found[name] = exc.site
        else:
            saved.append(site)
            if warned is not None and warnings:
                warned[name] = warnings
    return saved, failed


def export_site_text(site: Site) -> str:
    import yaml

    if not hasattr(site, "_prefetched_objects_cache"):
        site = with_site_file_rows(Site.objects.filter(pk=site.pk)).get()
    document = site_document(site) | {MARKER: site_marker(site)}
    header = f"# Madoguchi site file: {site.name}\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
