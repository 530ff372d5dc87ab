"""Reads of the bill importer: the own CSV export, monthly totals, recurring charges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from madoguchi.bills.parsing import write_own_csv
from madoguchi.sites.models import BillLine, Site

RECURRING_MONTHS = 4
RECURRING_MIN = 3


def own_csv(site: Site) -> Iterator[str]:
    """The site's bill lines as Madoguchi's bill CSV, streamed (one query, iterated)."""
    rows = (
        BillLine.objects.filter(site=site)
        .order_by("position", "id")
        .values_list("party", "month", "item", "yen", "contract", "service")
    )
    return write_own_csv(rows.iterator(chunk_size=2_000))


@dataclass(frozen=True)
class Recurring:
    """A party billing the site in most recent months without a contract on record."""

    party: str
    months: int
    monthly_yen: int


def recurring_without_contract(site: Site) -> list[Recurring]:
    """Parties that billed the site in at least 3 of the last 4 months of its bills and hold
    no contract of it: contracts to add ("NTT東日本から毎月 1,320円")."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for party, month, yen in BillLine.objects.filter(site=site).values_list(
        "party", "month", "yen"
    ):
        totals[party][month] += yen
    if not totals:
        return []
    latest = max(m for months in totals.values() for m in months)
    recent = months_back(latest, RECURRING_MONTHS)
    held = set(site.contracts.values_list("party", flat=True))
    found = []
    for party, months in sorted(totals.items()):
        billed = sorted(months[m] for m in recent if months.get(m, 0) > 0)
        if party not in held and len(billed) >= RECURRING_MIN:
            found.append(Recurring(party, len(billed), billed[len(billed) // 2]))
    return found


def months_back(month: str, count: int) -> list[str]:
    year, number = int(month[:4]), int(month[5:7])
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return out


# Findings about money still being paid for something not wanted: what it costs per year.
YEARLY_CODES = {"residual-wholesaler-option", "unwanted-option"}


def yearly_costs(site: Site, findings: list[Any]) -> list[int | None]:
    """Per finding, what it costs per year (12 × a month), or None when not told.

    For the findings in YEARLY_CODES only: the monthly fees of the contracts the finding names,
    else, when none has a fee on record, the party's bill total in its latest billed month.
    Other money findings (double billing, unknown charges, …) are left without a figure
    rather than given a guessed one."""
    if not any(f.code in YEARLY_CODES for f in findings):
        return [None] * len(findings)
    fees: dict[str, int] = {
        ref: fee for ref, fee in site.contracts.values_list("ref", "monthly_yen") if fee is not None
    }
    latest: dict[str, tuple[str, int]] = {}
    for party, month, yen in BillLine.objects.filter(site=site).values_list(
        "party", "month", "yen"
    ):
        seen_month, total = latest.get(party, ("", 0))
        if month > seen_month:
            latest[party] = (month, yen)
        elif month == seen_month:
            latest[party] = (month, total + yen)
    costs: list[int | None] = []
    for finding in findings:
        if finding.code not in YEARLY_CODES:
            costs.append(None)
            continue
        monthly = sum(fees[ref] for ref in finding.contracts if ref in fees)
        if not monthly and finding.party in latest:
            monthly = latest[finding.party][1]
        costs.append(12 * monthly if monthly > 0 else None)
    return costs
