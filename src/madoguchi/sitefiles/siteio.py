"""Site files in and out of the database. An import is all-or-nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from madoguchi.cases.services import import_case
from madoguchi.directory.selectors import catalog_for, parties_for
from madoguchi.engine import SiteFileError, parse_site
from madoguchi.engine import model as engine
from madoguchi.engine.sitefile import LoadedSite, Problem
from madoguchi.orgs.models import Organization
from madoguchi.sitefiles.adapter import site_document, with_site_file_rows
from madoguchi.sites.models import Customer, Site
from madoguchi.sites.records import party_json
from madoguchi.sites.services import store_site_file


@dataclass(frozen=True, slots=True)
class PartyReplaced(Problem):
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


@transaction.atomic
def save_site_file(
    organization: Organization,
    record: engine.SiteFile,
    *,
    site: Site | None = None,
    customer: Customer | None = None,
) -> Site:
    """Store a validated site file as a new site, or as the new contents of `site`."""
    own_parties = site_own_parties(parties_for(organization), record)
    site = store_site_file(
        organization=organization,
        record=record,
        parties=[party_json(party) for _i, party, _known in own_parties],
        site=site,
        customer=customer,
    )
    for case_record in record.cases:
        # A case keeps its timeline and its promises' outcomes across re-imports: the file's
        # promises are merged in, never reset (see cases.services.import_case).
        import_case(site, case_record)
    return site


def import_site_text(
    organization: Organization, text: str, *, site: Site | None = None
) -> tuple[Site, list[Problem]]:
    """Validate and store one site file; raises SiteFileError and stores nothing if bad."""
    loaded = validate_site_text(organization, text)
    return save_site_file(organization, loaded.site, site=site), loaded.warnings


def import_many(
    organization: Organization,
    files: list[tuple[str, str]],
    *,
    warned: dict[str, list[Problem]] | None = None,
) -> tuple[list[Site], dict[str, list[Problem]]]:
    """Import several files, each on its own: a bad file is reported and stored not at all.

    `warned`, if given, receives the warnings of each stored file that has any."""
    saved: list[Site] = []
    failed: dict[str, list[Problem]] = {}
    for name, text in files:
        try:
            site, warnings = import_site_text(organization, text)
        except SiteFileError as exc:
            failed[name] = exc.problems
        else:
            saved.append(site)
            if warned is not None and warnings:
                warned[name] = warnings
    return saved, failed


def export_site_text(site: Site) -> str:
    import yaml

    if not hasattr(site, "_prefetched_objects_cache"):
        site = with_site_file_rows(Site.objects.filter(pk=site.pk)).get()
    document = site_document(site)
    header = f"# Madoguchi site file: {site.name}\n"
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
