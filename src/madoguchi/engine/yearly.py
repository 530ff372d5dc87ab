"""What a money finding costs per year: the one place that turns bill lines into "年間 N円".

Each money rule (findings.py) hands over the bill lines its finding is about, and this module
does the arithmetic and says in words how it was done, so that the site page, the API, the
case report and `madoguchi assess` all show the same figure:

- the lines' latest billed month × 12 ("直近の請求 1,188円 (2026年2月) × 12か月"), else, when
  no line is billed, the monthly fees of the contracts on record × 12;
- for double billing, the part billed twice in the latest month billed by more than one
  company (the cheaper side, what remains once the one not needed is cancelled) × 12;
- for a switch that was not cheaper, the difference between the latest bill after the switch
  and the last bill before it (else between the contracts' monthly totals) × 12.

No figure (None) rather than a guessed one: no line and no fee on record, or a month that
nets to nothing (a refund).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from madoguchi.engine.messages import say, yen
from madoguchi.engine.records import Record

if TYPE_CHECKING:
    from madoguchi.engine.model import BillLine


MONTHS = 12


class Yearly(Record, frozen=True):
    """What a finding costs a year (`yen`) and how that was worked out, in words."""

    yen: int
    basis: str  # how it was computed, in words


def latest_month(lines: Iterable[BillLine]) -> tuple[str, int] | None:
    """The latest month among `lines` and their total in it."""
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.month] += line.yen
    if not totals:
        return None
    month = max(totals)
    return month, totals[month]


def per_year(
    lang: str, lines: Iterable[BillLine], fees: Iterable[int | None] = ()
) -> Yearly | None:
    """12 × the latest billed month of `lines`; with no line, 12 × the sum of `fees` (the
    contracts' monthly fees on record)."""
    latest = latest_month(lines)
    if latest is not None:
        month, monthly = latest
        basis = say(lang, "yearly.latest-bill", monthly=yen(lang, monthly), month=month)
    else:
        monthly = sum(fee for fee in fees if fee is not None)
        basis = say(lang, "yearly.contract-fees", monthly=yen(lang, monthly))
    return Yearly(MONTHS * monthly, basis) if monthly > 0 else None


def per_year_each(lang: str, parts: Iterable[tuple[list[BillLine], int | None]]) -> Yearly | None:
    """For several contracts, each given as (its bill lines, its monthly fee on record): each
    one's latest billed month, else its fee, summed and × 12. Each contract counts once, and
    only its own lines (nothing else billed in the same month slips into the figure)."""
    parts = list(parts)
    if all(lines for lines, _fee in parts):
        return per_year(lang, [line for lines, _fee in parts for line in lines])
    if not any(lines for lines, _fee in parts):
        return per_year(lang, [], [fee for _lines, fee in parts])
    monthly = 0
    for lines, fee in parts:
        latest = latest_month(lines)
        monthly += latest[1] if latest is not None else (fee or 0)
    basis = say(lang, "yearly.bills-and-fees", monthly=yen(lang, monthly))
    return Yearly(MONTHS * monthly, basis) if monthly > 0 else None


def overlap_per_year(lang: str, lines: Iterable[BillLine]) -> Yearly | None:
    """For lines of several companies paying for one thing: in the latest month billed by
    more than one, what was billed beyond the dearest company's part (the cheaper side) × 12."""
    by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for line in lines:
        by_month[line.month][line.party] += line.yen
    doubled = [m for m, parties in by_month.items() if len(parties) > 1]
    if not doubled:
        return None
    month = max(doubled)
    parts = by_month[month].values()
    monthly = sum(parts) - max(parts)
    if monthly <= 0:
        return None
    basis = say(lang, "yearly.overlap", monthly=yen(lang, monthly), month=month)
    return Yearly(MONTHS * monthly, basis)


def difference_per_year(
    lang: str,
    before: Iterable[BillLine],
    after: Iterable[BillLine],
    fees_before: int,
    fees_after: int,
) -> Yearly | None:
    """What a switch costs more per year: the latest bill after it minus the last bill
    before it, when both months are billed, else the contracts' monthly totals; None when it
    costs no more."""
    last_before, latest_after = latest_month(before), latest_month(after)
    if last_before is not None and latest_after is not None:
        monthly = latest_after[1] - last_before[1]
        basis = say(
            lang,
            "yearly.bill-difference",
            after=yen(lang, latest_after[1]),
            after_month=latest_after[0],
            before=yen(lang, last_before[1]),
            before_month=last_before[0],
            monthly=yen(lang, monthly),
        )
    else:
        monthly = fees_after - fees_before
        basis = say(
            lang,
            "yearly.fee-difference",
            after=yen(lang, fees_after),
            before=yen(lang, fees_before),
            monthly=yen(lang, monthly),
        )
    return Yearly(MONTHS * monthly, basis) if monthly > 0 else None


def yearly_line(lang: str, yearly_yen: int, basis: str) -> str:
    """ "年間 14,256円 (直近の請求 1,188円 (2026年2月) × 12か月)" for text output."""
    return say(lang, "yearly.line", yen=yen(lang, yearly_yen), basis=basis)
