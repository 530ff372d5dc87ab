"""Every write of the money summaries: one site after a change, or all of them."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from madoguchi.cases.assessment import assess_site, with_site_file_rows
from madoguchi.contracts.models import BillLine, Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import Directory, parties_for
from madoguchi.engine import SiteFileError
from madoguchi.engine.limits import SITE_RECORDS
from madoguchi.engine.results import Finding
from madoguchi.money.models import SiteMoney

log = logging.getLogger(__name__)

# Findings whose amount_yen is owed back to the customer (a claim, not a cost per year).
OWED_CODES = frozenset({"outage-compensation", "cancellation-fee-over-cap"})
# Findings whose yearly figure compares whole bills, and so can contain the other findings.
WHOLE_BILL_CODES = frozenset({"not-cheaper"})


def summary_values(findings: Iterable[Finding]) -> dict[str, object]:
    """The summary of one assessment's findings (pure: no database).

    The money findings count disjoint things (the residual NTT option counts the options
    alone, an unwanted option, a fee or an unknown charge each its own finding), so a
    company's figure is their sum; a switch that was not cheaper is a difference between
    whole bills that can contain the others, so it counts only where it is larger."""
    findings = list(findings)
    by_party: dict[str, int] = {}
    switch_by_party: dict[str, int] = {}
    owed = 0
    count = 0
    top: tuple[int, bool, Finding] | None = None
    for finding in findings:
        yearly = finding.yearly_yen or 0
        claim = (finding.amount_yen or 0) if finding.code in OWED_CODES else 0
        if not yearly and not claim:
            continue
        count += 1
        owed += claim
        party = finding.party or ""
        if finding.code in WHOLE_BILL_CODES:
            switch_by_party[party] = max(switch_by_party.get(party, 0), yearly)
        else:
            by_party[party] = by_party.get(party, 0) + yearly
        candidate = (yearly, False, finding) if yearly >= claim else (claim, True, finding)
        if top is None or candidate[0] > top[0]:
            top = candidate
    return {
        "yearly_yen": sum(
            max(by_party.get(party, 0), switch_by_party.get(party, 0))
            for party in by_party.keys() | switch_by_party.keys()
        ),
        "owed_yen": owed,
        "findings": count,
        "top_code": top[2].code if top else "",
        "top_party": (top[2].party or "") if top else "",
        "top_yen": top[0] if top else 0,
        "top_owed": top[1] if top else False,
        "codes": sorted({finding.code for finding in findings}),
    }


def refresh_site_money(site_id: int, *, since: dt.datetime | None = None) -> SiteMoney | None:
    """Assess the site now and store its summary (None: the site is gone, or does not read
    as a site file: its summary is left as it was). With `since`, a summary computed after
    that moment is already fresh (several writes in one transaction refresh once)."""
    if (
        since is not None
        and SiteMoney.objects.filter(site_id=site_id, computed__gte=since).exists()
    ):
        return None
    if _oversized(Site.objects.filter(pk=site_id)):
        return None
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).first()
    if site is None:
        return None
    return _store(site, parties_for(site.organization))


def _oversized(sites: QuerySet[Site]) -> list[int]:
    """Sites with more bill lines than a site file may hold (engine/limits.py): the engine is
    not run on them (a statement of 10⁶ lines imported into one site would take minutes and
    gigabytes to assess); their summary stays as it was, and a warning is logged."""
    limit = SITE_RECORDS["bills"]
    ids = list(
        BillLine.objects.filter(site__in=sites)
        .values("site_id")
        .annotate(lines=Count("id"))
        .filter(lines__gt=limit)
        .values_list("site_id", flat=True)
    )
    for site_id in ids:
        log.warning("site %s has over %s bill lines: money summary not refreshed", site_id, limit)
    return ids


def _store(site: Site, directory: Directory) -> SiteMoney | None:
    try:
        assessment = assess_site(site, directory=directory)
    except SiteFileError:
        log.warning("site %s does not read as a site file: money summary not refreshed", site.pk)
        return None
    values = summary_values(assessment.findings)
    party = site_directory(site, directory).get(str(values["top_party"]))
    values["top_party_name"] = party.name if party else ""
    values["top_party_name_en"] = (party.name_en or party.name) if party else ""
    with transaction.atomic():
        money, _ = SiteMoney.objects.update_or_create(
            site=site,
            defaults={
                **values,
                "organization_id": site.organization_id,
                "computed": timezone.now(),
            },
        )
    return money


def recompute_all(*, organization_id: int | None = None, chunk: int = 200) -> tuple[int, int]:
    """Refresh every site's summary (or one organization's): (refreshed, skipped). Run it
    after installing, and from cron now and then: a live site's findings also change with
    the clock (a contract's end passes), which no write announces."""
    sites = Site.objects.order_by("pk")
    if organization_id is not None:
        sites = sites.filter(organization_id=organization_id)
    oversized = _oversized(sites)
    sites = sites.exclude(pk__in=oversized)
    done, skipped = 0, len(oversized)
    last = 0
    while True:
        batch = list(with_site_file_rows(sites.filter(pk__gt=last))[:chunk])
        if not batch:
            return done, skipped
        for site in batch:
            if _store(site, parties_for(site.organization)) is None:
                skipped += 1
            else:
                done += 1
        last = batch[-1].pk
