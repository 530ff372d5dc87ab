"""Reads of the bill importer: the own CSV export, monthly totals, recurring charges."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from madoguchi.bills.parsing import write_own_csv
from madoguchi.contracts.models import BillLine, Site

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


def monthly_totals(
    site: Site, lines: Iterable[BillLine] | None = None
) -> dict[str, dict[str, int]]:
    """The site's billed yen by party and month (YYYY-MM). `lines`: the site's bill lines
    when the caller holds them already (the site page's prefetched rows); else they are read
    here, a chunk at a time."""
    rows: Iterable[tuple[str, str, int]] = (
        BillLine.objects.filter(site=site)
        .values_list("party", "month", "yen")
        .iterator(chunk_size=2_000)
        if lines is None
        else ((line.party, line.month, line.yen) for line in lines)
    )
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for party, month, yen in rows:
        totals[party][month] += yen
    return totals


def recurring_without_contract(
    site: Site, lines: Iterable[BillLine] | None = None
) -> list[Recurring]:
    """Parties that billed the site in at least 3 of the last 4 months of its bills and hold
    no contract of it: contracts to add ("NTT東日本から毎月 1,320円"). `lines`: the site's
    bill lines when the caller holds them already (the site page's prefetched rows), with
    its contracts; else both are read here."""
    totals = monthly_totals(site, lines)
    if not totals:
        return []
    latest = max(m for months in totals.values() for m in months)
    recent = months_back(latest, RECURRING_MONTHS)
    held = (
        set(site.contracts.values_list("party", flat=True))
        if lines is None
        else {contract.party for contract in site.contracts.all()}
    )
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
