"""Per-party figures: cases, time to restore (median and 90th percentile), promises kept."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q

from madoguchi.cases.models import Case, Promise
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


def party_figures(user: AnyUser, now: dt.datetime) -> list[PartyFigures]:
    cases = Case.objects.for_user(user).exclude(first_party="")
    counts = dict(cases.values_list("first_party").annotate(n=Count("id")))
    durations: dict[str, list[float]] = defaultdict(list)
    restored = cases.filter(outage_started__isnull=False, outage_ended__isnull=False)
    for party, started, ended in restored.values_list(
        "first_party", "outage_started", "outage_ended"
    ):
        if started is not None and ended is not None:  # always so: filtered above
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
