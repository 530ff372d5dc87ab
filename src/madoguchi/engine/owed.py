"""What the customer is owed: outage compensation under the 約款, and the cap on
early-termination fees (SITE-FILE.md "What the customer is owed").

The arithmetic lives here once; findings.py turns it into findings and deadlines.py into the
`compensation-claim` deadline. The rules' numbers (hours, months, the cap's start day) are
catalog data (catalog_data/owed.yaml), each with its source and whether it is verified.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from madoguchi.engine.context import Context
from madoguchi.engine.kinds import Holder, Service
from madoguchi.engine.records import Record
from madoguchi.engine.timezone import TOKYO

if TYPE_CHECKING:
    from madoguchi.engine.catalogfile import FeeCap, OutageRule
    from madoguchi.engine.model import Case, Contract


DAYS_PER_MONTH = 30  # the 約款's daily share of a monthly charge (an estimate: see SITE-FILE.md)


class Outage(Record, frozen=True):
    """One party's side of a case's outage: its contracts for the services that were out."""

    case: Case
    party: str
    services: tuple[Service, ...]  # the out services that the party holds
    contracts: tuple[Contract, ...]
    rule: OutageRule
    reported: dt.datetime | None  # the party's first report (None: never told)
    clock_start: dt.datetime | None  # later of the outage start and the report
    clock_end: dt.datetime  # the outage's end, or now

    @property
    def hours(self) -> int:
        """Whole hours the party has known of it (0 before the clock starts)."""
        if self.clock_start is None or self.clock_end <= self.clock_start:
            return 0
        return int((self.clock_end - self.clock_start).total_seconds() // 3600)

    @property
    def days(self) -> int:
        """Full periods of the rule's hours (full 24 hours by default)."""
        return self.hours // self.rule.hours

    @property
    def monthly_yen(self) -> int | None:
        """The monthly charges of the party's contracts, each counted once (a line+ISP set
        is one contract); None when none of them has a monthly fee on record."""
        known = [c.monthly_yen for c in self.contracts if c.monthly_yen is not None]
        return sum(known) if known else None

    @property
    def amount_yen(self) -> int | None:
        """⌊M × D / 30⌋, rounded down once at the end."""
        monthly = self.monthly_yen
        return None if monthly is None else monthly * self.days // DAYS_PER_MONTH

    @property
    def ended(self) -> dt.datetime | None:
        return self.case.outage_ended

    @property
    def claim_due(self) -> dt.date | None:
        """The last day to claim: the outage's end plus the rule's months (same day of the
        month, or the month's last day when it has none); None while it is still out."""
        if self.ended is None or self.rule.months is None:
            return None
        return add_months(self.ended.astimezone(TOKYO).date(), self.rule.months)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or that month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    # The month's last day: the day before the next month's first (calendar.monthrange's
    # answer, without importing calendar and locale on the CLI's path).
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date(year, month, min(day.day, (following - dt.timedelta(days=1)).day))


def case_services(ctx: Context, case: Case) -> tuple[Service, ...]:
    """The services that were out: the case's own, else those the site's symptoms touch."""
    return tuple(dict.fromkeys(case.services)) if case.services else ctx.touched


def outages(ctx: Context) -> list[Outage]:
    """For every case and every party holding a contract of a service that was out (active
    when the outage started, or today without a start), that party's side of the outage
    (worked out once per assessment: three rules ask)."""
    known: list[Outage] | None = ctx.memo.get("outages")
    if known is None:
        known = ctx.memo["outages"] = _outages(ctx)
    return list(known)


def _outages(ctx: Context) -> list[Outage]:
    found: list[Outage] = []
    for case in ctx.site.cases:
        services = case_services(ctx, case)
        if not services:
            continue
        started = case.outage_started
        day = (started or ctx.now).astimezone(TOKYO).date()
        out = frozenset(services)
        by_party: dict[str, list[Contract]] = {}
        for contract in ctx.site.contracts:  # a contract holds exactly its `services`
            if contract.is_active(day) and not out.isdisjoint(contract.services):
                by_party.setdefault(contract.party, []).append(contract)
        for party, contracts in by_party.items():
            rule = ctx.catalog.outage_rule(party)
            if rule is None:
                continue
            reports = [r.at for r in case.reports if r.party == party]
            reported = min(reports) if reports else None
            start = None if reported is None else max(reported, started or reported)
            holds = {s for c in contracts for s in c.services}
            held = tuple(s for s in services if s in holds)
            found.append(
                Outage(
                    case=case,
                    party=party,
                    services=held,
                    contracts=tuple(contracts),
                    rule=rule,
                    reported=reported,
                    clock_start=start,
                    clock_end=case.outage_ended or ctx.now,
                )
            )
    return found


def owed_outages(ctx: Context) -> list[Outage]:
    """The outages that earn compensation: at least one full period after the party knew."""
    return [o for o in outages(ctx) if o.days >= 1]


def unreported_outages(ctx: Context) -> list[Outage]:
    """Outages still going on whose party has no report on record: its clock has not
    started, so nothing is owed by it yet (a reason to call that desk now)."""
    return [o for o in outages(ctx) if o.reported is None and o.ended is None]


class FeeOverCap(Record, frozen=True):
    """A contract whose cancellation fee is above the legal cap (`excess`: the part above it)."""

    contract: Contract
    fee: int
    cap: int
    cap_rule: FeeCap

    @property
    def excess(self) -> int:
        return self.fee - self.cap


def made_on(contract: Contract) -> dt.date | None:
    """The day a contract was made: `signed` where known (a renewal keeps the first day),
    else `start`. The fee cap applies to contracts made from its day, not to renewals."""
    return contract.signed or contract.start


def fees_over_cap(ctx: Context) -> list[FeeOverCap]:
    """Contracts made by a person on or after the cap's day whose cancellation fee is above
    the cap (one month's fee by default); a business holder is not covered."""
    rule = ctx.catalog.fee_cap
    if rule is None or ctx.site.site.holder != Holder.PERSON:
        return []
    over = []
    for contract in ctx.site.contracts:
        fee, monthly = contract.cancellation_fee_yen, contract.monthly_yen
        made = made_on(contract)
        if (
            fee is None
            or monthly is None
            or made is None
            or made < rule.since
            or contract.service not in rule.services
        ):
            continue
        cap = monthly * rule.months
        if fee > cap:
            over.append(FeeOverCap(contract=contract, fee=fee, cap=cap, cap_rule=rule))
    return over
