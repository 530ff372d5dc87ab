"""Per-party figures: cases, time to restore (median and 90th percentile), promises kept."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import Contract, Site
from madoguchi.engine.context import SYMPTOM_SERVICES
from madoguchi.engine.model import Service, Symptom
from madoguchi.engine.timezone import TOKYO
from madoguchi.orgs.types import AnyUser


@dataclass(frozen=True)
class PartyFigures:
    party: str
    cases: int
    restored: int
    median_restore: dt.timedelta | None
    p90_restore: dt.timedelta | None
    promises: int
    kept: int

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.promises if self.promises else None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(share * 100) - 1]


@dataclass(frozen=True)
class _HeldContract:
    service: str
    includes_isp: bool
    party: str
    start: dt.date | None
    end: dt.date | None

    def holds(self, service: str) -> bool:
        if self.service == service:
            return True
        return service == Service.ISP and self.service == Service.ACCESS and self.includes_isp

    def active(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _services_out(services: list[str], symptoms: list[str]) -> list[str]:
    """The case's services; without them, those its symptoms touch (as the engine reads it)."""
    if services:
        return list(dict.fromkeys(services))
    out: list[str] = []
    for symptom in symptoms:
        try:
            touched = SYMPTOM_SERVICES[Symptom(symptom)]
        except (ValueError, KeyError):
            continue
        out.extend(str(s) for s in touched if str(s) not in out)
    return out


def outage_holder(
    services: list[str], contracts: list[_HeldContract], denied: list[str], day: dt.date
) -> str | None:
    """Who held the service that was out on the outage's day: for the first service out that
    someone holds, the active contract whose party did not say "no contract", the contract of
    the service itself before a set including it, the latest start first."""
    for service in services:
        held = [c for c in contracts if c.active(day) and c.holds(service)]
        held.sort(
            key=lambda c: (c.party not in denied, c.service == service, c.start or dt.date.min),
            reverse=True,
        )
        if held and held[0].party not in denied:
            return held[0].party
    return None


def case_holders(cases: list[dict[str, Any]]) -> dict[int, str]:
    """Each case's party for the statistics: the holder of the service that was out, as the
    site's contracts say now (so a holder found after a "no contract" counts), else the
    first party called. Two queries whatever the number of cases."""
    site_ids: set[int] = {c["site_id"] for c in cases}
    contracts: dict[int, list[_HeldContract]] = defaultdict(list)
    for site_id, service, includes_isp, party, start, end in Contract.objects.filter(
        site_id__in=site_ids
    ).values_list("site_id", "service", "includes_isp", "party", "start", "end"):
        contracts[site_id].append(_HeldContract(service, includes_isp, party, start, end))
    denied = dict(Site.objects.filter(pk__in=site_ids).values_list("pk", "said_no_contract"))
    holders: dict[int, str] = {}
    for case in cases:
        moment: dt.datetime = case["outage_started"] or case["created"]
        holder = outage_holder(
            _services_out(case["services"] or [], case["symptoms"] or []),
            contracts.get(case["site_id"], []),
            list(denied.get(case["site_id"]) or []),
            moment.astimezone(TOKYO).date(),
        )
        party = holder or case["first_party"]
        if party:
            holders[case["id"]] = str(party)
    return holders


def party_figures(user: AnyUser, now: dt.datetime) -> list[PartyFigures]:
    """Each party's cases are those whose service it held (not the desk first called)."""
    cases: list[dict[str, Any]] = [
        dict(row)
        for row in Case.objects.for_user(user).values(
            "id",
            "site_id",
            "services",
            "symptoms",
            "first_party",
            "outage_started",
            "outage_ended",
            "created",
        )
    ]
    holders = case_holders(cases)
    counts: dict[str, int] = defaultdict(int)
    durations: dict[str, list[float]] = defaultdict(list)
    for case in cases:
        party = holders.get(case["id"])
        if party is None:
            continue
        counts[party] += 1
        started, ended = case["outage_started"], case["outage_ended"]
        if started is not None and ended is not None:
            durations[party].append((ended - started).total_seconds())
    # A promise counts once it is settled or due: kept ones against all of those.
    promises = (
        Promise.objects.for_user(user)
        .filter(Q(kept__isnull=False) | Q(broken__isnull=False) | Q(due__lt=now))
        .values("by")
        .annotate(total=Count("id"), kept=Count("id", filter=Q(kept__isnull=False)))
    )
    promise_counts = {row["by"]: (row["total"], row["kept"]) for row in promises}
    figures = []
    for party in sorted(set(counts) | set(promise_counts)):
        seconds = durations.get(party, [])
        total, kept = promise_counts.get(party, (0, 0))
        figures.append(
            PartyFigures(
                party=party,
                cases=counts.get(party, 0),
                restored=len(seconds),
                median_restore=dt.timedelta(seconds=statistics.median(seconds))
                if seconds
                else None,
                p90_restore=dt.timedelta(seconds=_percentile(seconds, 0.9)) if seconds else None,
                promises=total,
                kept=kept,
            )
        )
    return figures
