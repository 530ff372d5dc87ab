"""Conditions shared by more than one rule (a finding and the hypothesis it explains).

Keeping them here gives each trap one definition: the `course-mismatch` finding and the
`course-mismatch` hypothesis cannot disagree about what a mismatch is.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from madoguchi.engine.catalog import normalize
from madoguchi.engine.context import Context
from madoguchi.engine.kinds import Building, Service
from madoguchi.engine.messages import label
from madoguchi.engine.records import Record

if TYPE_CHECKING:
    from madoguchi.engine.model import BillLine, Contract


# A bill line is keyed by what it pays for: the service, and for options which option.
BillKey = tuple[Service, str | None]


class CourseMismatch(Record, frozen=True):
    """The building, the line's course and the ISP's course disagree (`course_mismatch`)."""

    detail: str
    contracts: list[str]


def course_mismatch(ctx: Context) -> CourseMismatch | None:
    """The building, the line's course and the ISP's course do not all agree."""
    access = ctx.holding_contract(Service.ACCESS)
    isp = ctx.holding_contract(Service.ISP)
    named: list[tuple[str, Building]] = []
    if ctx.site.site.building is not None:
        named.append(("building", ctx.site.site.building))
    if access is not None and access.course is not None:
        named.append(("access", access.course))
    if isp is not None and isp is not access and isp.course is not None:
        named.append(("isp", isp.course))
    if len({value for _, value in named}) < 2:
        return None
    detail = " / ".join(f"{label(ctx.lang, who)}: {label(ctx.lang, value)}" for who, value in named)
    refs = [c.ref for c in (access, isp) if c is not None and c.course is not None]
    return CourseMismatch(detail=detail, contracts=list(dict.fromkeys(refs)))


def line_provider_splits(ctx: Context) -> Iterator[tuple[Contract, Contract]]:
    """(line+ISP set, separate ISP) pairs that are both in force with different parties."""
    for bundle in ctx.active:
        if bundle.service != Service.ACCESS or not bundle.includes_isp:
            continue
        for isp in ctx.active:
            if isp.service == Service.ISP and isp.party != bundle.party:
                yield bundle, isp


def matching_contracts(ctx: Context, bill: BillLine) -> tuple[Contract, ...]:
    """The contracts of the billing party that a bill line can be paying for (the answer
    depends only on the line's party, item, service and contract, which repeat month after
    month, so it is worked out once per assessment and shared)."""
    key = (bill.party, bill.item, bill.service, bill.contract)
    found = ctx._matches.get(key)
    if found is None:
        found = ctx._matches[key] = tuple(_matching_contracts(ctx, bill))
    return found


def _matching_contracts(ctx: Context, bill: BillLine) -> list[Contract]:
    if bill.contract is not None:
        return [ctx.contracts_by_ref[bill.contract]]
    candidates = [c for c in ctx.site.contracts if c.party == bill.party]
    if bill.service is not None:
        candidates = [c for c in candidates if c.holds(bill.service)]
    if not bill.item:
        return candidates
    option = ctx.catalog.option_for_item(bill.item)
    if option is not None:
        return [c for c in candidates if c.service == Service.OPTION and c.option == option.slug]
    item = normalize(bill.item)
    named = [
        c
        for c in candidates
        if c.product and (normalize(c.product) in item or item in normalize(c.product))
    ]
    return named or candidates


def bill_keys(ctx: Context, bill: BillLine, matched: Sequence[Contract]) -> set[BillKey]:
    """What a bill line pays for; empty when that cannot be told apart."""
    if bill.service is not None and bill.service != Service.OPTION:
        return {(bill.service, None)}
    keys_per_contract = [
        {(s, c.option if s == Service.OPTION else None) for s in c.services} for c in matched
    ]
    if keys_per_contract and all(k == keys_per_contract[0] for k in keys_per_contract):
        return keys_per_contract[0]
    if bill.item and (option := ctx.catalog.option_for_item(bill.item)) is not None:
        return {(Service.OPTION, option.slug)}
    return set()
