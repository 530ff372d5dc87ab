"""Checks over the contract map, the bills and the open promises: one function per trap."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from itertools import pairwise
from typing import TYPE_CHECKING, TypedDict

from msgspec.structs import replace

from madoguchi.engine import checks, owed, yearly
from madoguchi.engine.catalog import normalize
from madoguchi.engine.context import (
    CORE_SERVICES,
    FAULT_PURPOSES,
    SWITCH_EVENTS,
    Context,
    desk_label,
    party_label,
)
from madoguchi.engine.dialling import desk_for, number_in_words
from madoguchi.engine.kinds import EventKind, PartyStatus, Payment, Purpose, Service
from madoguchi.engine.memo import per_record
from madoguchi.engine.messages import case_name_text, join, label, month_text, say, yen
from madoguchi.engine.results import SEVERITY_ORDER, Finding, Severity

if TYPE_CHECKING:
    from madoguchi.engine.model import BillLine, Contract, Desk, Party


DUPLICATE_WINDOW = dt.timedelta(days=30)
GAP_LOOKBACK = dt.timedelta(days=30)  # an end longer ago than this is old news, not a gap
STOPPING_FOR_GAP = frozenset({EventKind.CANCEL_REQUEST, EventKind.NUMBER_PORT})
# A fault line cannot cancel a contract or explain a bill: never fall back to it here.
CANCEL_DESK = (Purpose.CANCEL, Purpose.INQUIRY)
BILLING_DESK = (Purpose.BILLING, Purpose.INQUIRY)


def _finding(
    ctx: Context,
    code: str,
    severity: Severity,
    contracts: list[str],
    key: str,
    party: str | None = None,
    purposes: tuple[Purpose, ...] = BILLING_DESK,
    *,
    desk_service: Service | None = None,
    amount_yen: int | None = None,
    case: str | None = None,
    action: str | None = None,
    per_year: yearly.Yearly | None = None,
    **kw: object,
) -> Finding:
    """A finding whose sentences are `key`.why and `key`.action (or `action`), naming the
    party's desk for the first of `purposes` that handles `desk_service`."""
    desk, words = _finding_desk(ctx, party, purposes, desk_service)
    kw.setdefault("desk", words)
    if case is not None:
        kw.setdefault("case", case)
    return Finding(
        code=code,
        severity=severity,
        contracts=contracts,
        why=say(ctx.lang, f"{key}.why", **kw),
        action=say(ctx.lang, action or f"{key}.action", **kw),
        party=party,
        desk=desk.slug if desk else None,
        phone=desk.phone if desk else None,
        amount_yen=amount_yen,
        case=case,
        yearly_yen=per_year.yen if per_year else None,
        yearly_basis=per_year.basis if per_year else None,
    )


def _finding_desk(
    ctx: Context,
    party: str | None,
    purposes: tuple[Purpose, ...],
    service: Service | None = None,
) -> tuple[Desk | None, str]:
    """The party's desk for the first of `purposes` that handles `service`, and the words
    that name it inside an action sentence: 'So-net サポートデスク (0120-80-7761)'."""
    if not party:
        return None, "?"
    return _desk_named(ctx.parties.get(party), party, purposes, service, ctx.lang)


@per_record
def _desk_named(
    record: Party | None,
    slug: str,
    purposes: tuple[Purpose, ...],
    service: Service | None,
    lang: str,
) -> tuple[Desk | None, str]:
    """Kept per party record (memo.per_record): most findings of every assessment name one
    of the same few catalog desks, and a party is a frozen record."""
    desk = desk_for(record, purposes, service)
    name = party_label(lang, record, slug)
    if desk is None:
        return None, name
    desk_name = desk_label(lang, desk)
    number = number_in_words(lang, desk) or desk.url
    return desk, f"{name} {desk_name}" + (
        f" ({number})" if number and number not in desk_name else ""
    )


def _contract_label(ctx: Context, contract: Contract) -> str:
    """The contract's name for inside a sentence's own quotes, told apart from a twin."""
    return ctx.contract_name(contract, quoted=False)


def holder_unknown(ctx: Context) -> Iterator[Finding]:
    for service in ctx.touched:
        if ctx.last_holder(service) is not None:
            continue
        contract = ctx.holding_contract(service)
        if contract is not None:  # on record, but that party says there is no contract
            yield _finding(
                ctx,
                "holder-unknown",
                Severity.CRITICAL,
                [contract.ref],
                "find.holder-unknown.denied",
                service=label(ctx.lang, service),
                party_name=ctx.party_name(contract.party),
            )
        else:
            severity = Severity.INFO if service == Service.EQUIPMENT else Severity.WARN
            yield _finding(
                ctx,
                "holder-unknown",
                severity,
                [],
                "find.holder-unknown.none",
                service=label(ctx.lang, service),
            )


def split_responsibility(ctx: Context) -> Iterator[Finding]:
    holders: dict[Service, Contract] = {}
    for service in (Service.ACCESS, Service.ISP, Service.PHONE, Service.TV):
        contract = ctx.holding_contract(service)
        if contract is not None:
            holders[service] = contract
    if len({c.party for c in holders.values()}) < 2:
        return
    detail = join(
        ctx.lang,
        [f"{label(ctx.lang, s)}: {ctx.party_name(c.party)}" for s, c in holders.items()],
    )
    refs = list(dict.fromkeys(c.ref for c in holders.values()))
    yield _finding(
        ctx, "split-responsibility", Severity.INFO, refs, "find.split-responsibility", detail=detail
    )


def residual_wholesaler_option(ctx: Context) -> Iterator[Finding]:
    """NTT options left behind after the line moved away (ウイルスクリア, リモートサポート, …
    stay with NTT and keep being billed): those contracted, and those billed with no
    contract on record, named by the option (a service), never by a bill line's wording.

    Only options count: ひかり電話 kept with NTT is a service in use, not something to cancel;
    an option marked not wanted has its own finding (`unwanted-option`) and a fee its own
    (`convenience-store-fee`), so neither is named or counted twice here. The yearly figure
    is each option's latest bill, else its monthly fee on record, × 12.
    """
    if not ctx.line_left_wholesaler:
        return
    left = [
        c
        for c in ctx.active
        if ctx.is_wholesaler(c.party) and c.service == Service.OPTION and c.wanted
    ]
    since = _switch_month(ctx)
    billed: dict[str, list[BillLine]] = defaultdict(list)
    for bill, option in _left_over_lines(ctx):
        if since is None or bill.month >= since:
            billed[option].append(bill)
    if not left and not billed:
        return
    party = left[0].party if left else next(iter(billed.values()))[0].party
    names = [ctx.contract_name(c) for c in left]
    names += [ctx.option_name(option) for option in billed]
    parts = [(_billed_for(ctx, c, since), c.monthly_yen) for c in left]
    parts += [(lines, None) for lines in billed.values()]
    yield _finding(
        ctx,
        "residual-wholesaler-option",
        Severity.WARN,
        [c.ref for c in left],
        "find.residual-wholesaler-option",
        party=party,
        purposes=CANCEL_DESK,
        party_name=ctx.party_name(party),
        items=join(ctx.lang, list(dict.fromkeys(names))),
        per_year=yearly.per_year_each(ctx.lang, parts),
    )


def _left_over_options(ctx: Context) -> dict[tuple[object, ...], str | None]:
    """For each kind of bill line (its key in `_bill_groups`), the catalog option it pays
    for when no contract on record does (the option left behind, not an unknown charge):
    its slug, else None. Lines repeat month after month, so each kind is asked once per
    assessment, and the rules look the answer up by the line's kind."""
    known: dict[tuple[object, ...], str | None] | None = ctx.memo.get("left-over-options")
    if known is None:
        known = ctx.memo["left-over-options"] = {
            kind: _option_left_over(ctx, lines[0]) for kind, lines in _bill_groups(ctx).items()
        }
    return known


def _left_over_lines(ctx: Context) -> list[tuple[BillLine, str]]:
    """The bill lines that pay for a left-over option, with its slug, in the file's order:
    only the kinds of line that have one are walked, a kind at a time."""
    groups = _bill_groups(ctx)
    kinds = [
        (kind, option) for kind, option in _left_over_options(ctx).items() if option is not None
    ]
    lines = [(bill, option) for kind, option in kinds for bill in groups[kind]]
    if len(kinds) > 1:  # each kind is in the file's order; several are put back into it
        position = {id(bill): index for index, bill in enumerate(ctx.site.bills)}
        lines.sort(key=lambda pair: position[id(pair[0])])
    return lines


def _option_left_over(ctx: Context, bill: BillLine) -> str | None:
    if not ctx.line_left_wholesaler or not ctx.is_wholesaler(bill.party) or not bill.item:
        return None
    option = ctx.catalog.option_for_item(bill.item)
    if option is None or checks.matching_contracts(ctx, bill):
        return None
    return option.slug


def _switch_month(ctx: Context) -> str | None:
    dates = [e.effective or e.date for e in ctx.site.events if e.kind in SWITCH_EVENTS]
    access = ctx.holding_contract(Service.ACCESS)
    if not dates and access is not None and access.start is not None:
        dates.append(access.start)
    return min(dates).strftime("%Y-%m") if dates else None


def bill_findings(ctx: Context) -> Iterator[Finding]:
    """double-billing, charge-after-end and unknown-charge share one pass over the bills.

    Bill lines repeat month after month, so lines with the same party and item are matched
    once and reported together: one finding lists the months and the total.
    """
    billers: dict[checks.BillKey, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    refs_by_key: dict[checks.BillKey, set[str]] = defaultdict(set)
    lines_by_key: dict[checks.BillKey, list[BillLine]] = defaultdict(list)
    left_over = _left_over_options(ctx)
    for kind, lines in _bill_groups(ctx).items():
        first = lines[0]
        matched = checks.matching_contracts(ctx, first)
        what = first.item or (label(ctx.lang, first.service) if first.service else "?")
        common: _BillValues = {"party_name": ctx.party_name(first.party), "item": what}
        if not matched:
            if left_over[kind] is None:  # else residual-wholesaler-option's
                yield _bill_finding(ctx, "unknown-charge", first.party, [], lines, common)
            continue
        ends = [c.end for c in matched]
        if all(ends):
            last = max(e for e in ends if e)
            last_month = last.strftime("%Y-%m")
            late = [b for b in lines if b.month > last_month]
            if late:
                refs = [c.ref for c in matched]
                common["end"] = last.isoformat()
                yield _bill_finding(ctx, "charge-after-end", first.party, refs, late, common)
        for key in checks.bill_keys(ctx, first, matched):
            refs_by_key[key].update(c.ref for c in matched)
            lines_by_key[key].extend(lines)
            by_month = billers[key]
            for bill in lines:
                by_month[bill.month].add(bill.party)
    for key, months in billers.items():
        doubled = sorted(m for m, parties in months.items() if len(parties) > 1)
        if not doubled:
            continue
        service, option = key
        what = (
            ctx.catalog.options[option].name
            if option in ctx.catalog.options
            else label(ctx.lang, service)
        )
        parties = sorted(set().union(*(months[m] for m in doubled)))
        yield _finding(
            ctx,
            "double-billing",
            Severity.WARN,
            sorted(refs_by_key[key]),
            "find.double-billing",
            party=parties[0],
            item=what,
            months=join(ctx.lang, doubled),
            parties=join(ctx.lang, [ctx.party_name(p) for p in parties]),
            per_year=yearly.overlap_per_year(ctx.lang, lines_by_key[key]),
        )


class _BillValues(TypedDict, total=False):
    """What a bill finding's message says besides the months and the total."""

    party_name: str
    item: str
    end: str


def _bill_finding(
    ctx: Context,
    code: str,
    party: str,
    refs: list[str],
    lines: list[BillLine],
    values: _BillValues,
) -> Finding:
    months = sorted({b.month for b in lines})
    return _finding(
        ctx,
        code,
        Severity.WARN,
        refs,
        f"find.{code}",
        party=party,
        month=join(ctx.lang, [month_text(ctx.lang, m) if len(m) == 7 else m for m in months]),
        yen=yen(ctx.lang, sum(b.yen for b in lines)),
        per_year=yearly.per_year(ctx.lang, lines),
        **values,
    )


def course_mismatch(ctx: Context) -> Iterator[Finding]:
    mismatch = checks.course_mismatch(ctx)
    if mismatch is not None:
        party = ctx.holder(Service.ISP)
        yield _finding(
            ctx,
            "course-mismatch",
            Severity.CRITICAL,
            mismatch.contracts,
            "find.course-mismatch",
            party=party,
            purposes=(Purpose.INQUIRY, Purpose.FAULT),
            detail=mismatch.detail,
        )


def line_provider_split(ctx: Context) -> Iterator[Finding]:
    for bundle, isp in checks.line_provider_splits(ctx):
        yield _finding(
            ctx,
            "line-provider-split",
            Severity.WARN,
            [bundle.ref, isp.ref],
            "find.line-provider-split",
            party=bundle.party,
            purposes=CANCEL_DESK,
            set=ctx.party_name(bundle.party),
            isp=ctx.party_name(isp.party),
        )


def duplicate_application(ctx: Context) -> Iterator[Finding]:
    groups: dict[tuple[Service, str | None, str], list[Contract]] = defaultdict(list)
    for contract in ctx.active:
        if contract.start is not None:
            groups[(contract.service, contract.option, contract.party)].append(contract)
    for (service, _option, party), contracts in groups.items():
        contracts.sort(key=lambda c: c.start or dt.date.min)
        close = [
            (a, b)
            for a, b in pairwise(contracts)
            if a.start and b.start and b.start - a.start <= DUPLICATE_WINDOW
        ]
        if close:
            close_contracts = list({id(c): c for pair in close for c in pair}.values())
            refs = [c.ref for c in close_contracts]
            yield _finding(
                ctx,
                "duplicate-application",
                Severity.WARN,
                refs,
                "find.duplicate-application",
                party=party,
                purposes=CANCEL_DESK,
                party_name=ctx.party_name(party),
                service=label(ctx.lang, service),
                count=len(refs),
                items=join(ctx.lang, [ctx.contract_name(c) for c in close_contracts]),
            )


def not_cheaper(ctx: Context) -> Iterator[Finding]:
    for contract in ctx.active:
        if contract.start is None or contract.monthly_yen is None or not _is_switch(ctx, contract):
            continue
        day_before = contract.start - dt.timedelta(days=1)
        after_day = max(contract.start, ctx.today)
        before = [c for c in ctx.site.contracts if c.is_active(day_before) and c is not contract]
        replaced = [c for c in before if not c.is_active(after_day) and c.monthly_yen is not None]
        if not replaced:
            continue
        after = [c for c in ctx.site.contracts if c.is_active(after_day)]
        before_total = sum(c.monthly_yen or 0 for c in before)
        after_total = sum(c.monthly_yen or 0 for c in after)
        if after_total >= before_total:
            switch_month = contract.start.strftime("%Y-%m")
            involved = {c.party for c in (*before, *after)}
            bills = [b for b in ctx.site.bills if b.party in involved]
            yield _finding(
                ctx,
                "not-cheaper",
                Severity.WARN,
                [contract.ref, *(c.ref for c in replaced)],
                "find.not-cheaper",
                party=contract.party,
                purposes=CANCEL_DESK,
                before=yen(ctx.lang, before_total),
                after=yen(ctx.lang, after_total),
                date=contract.start.isoformat(),
                per_year=yearly.difference_per_year(
                    ctx.lang,
                    [b for b in bills if b.month < switch_month],
                    [b for b in bills if b.month > switch_month],
                    before_total,
                    after_total,
                ),
            )


def _is_switch(ctx: Context, contract: Contract) -> bool:
    """Did this contract replace something: 転用, 事業者変更, or a new holder of a service?"""
    if contract.acquired is not None and contract.acquired.value in {"tenyo", "jigyosha-henko"}:
        return True
    switched, ended = _switches(ctx)
    if contract.ref in switched:
        return True
    assert contract.start is not None
    return any(
        other.party != contract.party
        and contract.start - dt.timedelta(days=31) <= other.end < contract.start  # type: ignore[operator]
        and set(other.services) & set(contract.services)
        for other in ended
    )


def _switches(ctx: Context) -> tuple[frozenset[str | None], list[Contract]]:
    """The refs of contracts a switch event names, and the contracts with an end (once per
    assessment: every active contract asks)."""
    known: tuple[frozenset[str | None], list[Contract]] | None = ctx.memo.get("switches")
    if known is None:
        switched = frozenset(e.contract for e in ctx.site.events if e.kind in SWITCH_EVENTS)
        ended = [c for c in ctx.site.contracts if c.end is not None]
        known = ctx.memo["switches"] = (switched, ended)
    return known


def unwanted_option(ctx: Context) -> Iterator[Finding]:
    for contract in ctx.active:
        if contract.wanted:
            continue
        yield _finding(
            ctx,
            "unwanted-option",
            Severity.WARN,
            [contract.ref],
            "find.unwanted-option",
            party=contract.party,
            purposes=CANCEL_DESK,
            item=_contract_label(ctx, contract),
            yen=yen(ctx.lang, contract.monthly_yen) if contract.monthly_yen is not None else "?",
            per_year=yearly.per_year(ctx.lang, _billed_for(ctx, contract), [contract.monthly_yen]),
        )


def _billed_for(ctx: Context, contract: Contract, since: str | None = None) -> list[BillLine]:
    """The bill lines that pay for this contract alone (from the month `since` on)."""
    lines = _sole_payments(ctx).get(contract.ref, [])
    return [b for b in lines if since is None or b.month >= since]


def _sole_payments(ctx: Context) -> dict[str, list[BillLine]]:
    """The bill lines that pay for one contract alone, by its ref, a kind of line after
    another (worked out once per assessment: several rules ask; they add the lines up)."""
    known: dict[str, list[BillLine]] | None = ctx.memo.get("sole-payments")
    if known is not None:
        return known
    sole: dict[str, list[BillLine]] = {}
    for lines in _bill_groups(ctx).values():
        matched = checks.matching_contracts(ctx, lines[0])
        if len(matched) == 1:
            sole.setdefault(matched[0].ref, []).extend(lines)
    ctx.memo["sole-payments"] = sole
    return sole


def _bill_groups(ctx: Context) -> dict[tuple[object, ...], list[BillLine]]:
    """The bill lines by what they are (party, item, service, contract), each kind in the
    file's order: lines repeat month after month and are matched once per kind."""
    known: dict[tuple[object, ...], list[BillLine]] | None = ctx.memo.get("bill-groups")
    if known is None:
        groups: dict[tuple[object, ...], list[BillLine]] = defaultdict(list)
        for bill in ctx.site.bills:
            groups[(bill.party, bill.item, bill.service, bill.contract)].append(bill)
        known = ctx.memo["bill-groups"] = groups
    return known


def convenience_store_fee(ctx: Context) -> Iterator[Finding]:
    by_party: dict[str, list[Contract]] = defaultdict(list)
    for contract in ctx.active:
        if contract.payment == Payment.CONVENIENCE_STORE:
            by_party[contract.party].append(contract)
    for party, contracts in by_party.items():
        yield _finding(
            ctx,
            "convenience-store-fee",
            Severity.INFO,
            [c.ref for c in contracts],
            "find.convenience-store-fee",
            party=party,
            party_name=ctx.party_name(party),
            items=join(ctx.lang, [_contract_label(ctx, c) for c in contracts]),
            per_year=yearly.per_year(ctx.lang, _fee_lines(ctx, party, Payment.CONVENIENCE_STORE)),
        )


def _fee_lines(ctx: Context, party: str, payment: Payment) -> list[BillLine]:
    """The party's bill lines for the fee of a way of paying: their items name it in one of
    the words the catalog lists for it (払込票発行手数料, …)."""
    key = ("fee-lines", payment)
    known: list[BillLine] | None = ctx.memo.get(key)
    if known is None:  # each party of the payment asks
        words = ctx.catalog.payment_fee_words(payment)
        lines: list[BillLine] = []
        for group in _bill_groups(ctx).values():  # a kind of line at a time
            item = group[0].item
            if not item:
                continue
            text = normalize(item)  # once per kind, not once per word
            if any(w in text for w in words):
                lines.extend(group)
        known = ctx.memo[key] = lines
    return [b for b in known if b.party == party]


def initial_cancellation_due(ctx: Context, contract: Contract) -> dt.date | None:
    """Last day of 初期契約解除 (the catalog's rule: day 8 counting receipt as day 1)."""
    rule = ctx.catalog.initial_cancellation
    if rule is None or contract.document_received is None or contract.service not in rule.services:
        return None
    return contract.document_received + dt.timedelta(days=rule.days - 1)


def initial_cancellation_window(ctx: Context) -> Iterator[Finding]:
    for contract in ctx.site.contracts:
        due = initial_cancellation_due(ctx, contract)
        if due is None or not (contract.document_received or due) <= ctx.today <= due:
            continue
        yield _finding(
            ctx,
            "initial-cancellation-window",
            Severity.CRITICAL,
            [contract.ref],
            "find.initial-cancellation-window",
            party=contract.party,
            purposes=CANCEL_DESK,
            item=_contract_label(ctx, contract),
            due=due.isoformat(),
            days=(due - ctx.today).days + 1,
        )


def planned_end(ctx: Context, contract: Contract) -> dt.date | None:
    """The day a contract stops: its end, or a cancellation/porting that takes effect sooner."""
    ends = [contract.end] if contract.end else []
    ends += [
        e.effective or e.date
        for e in ctx.site.events
        if e.contract == contract.ref and e.kind in STOPPING_FOR_GAP
    ]
    return min(ends) if ends else None


def cancellation_gap(ctx: Context) -> Iterator[Finding]:
    touched = set(ctx.touched)
    for contract in ctx.site.contracts:
        end = planned_end(ctx, contract)
        if end is None or end < ctx.today - GAP_LOOKBACK:
            continue
        for service in contract.services:
            if service not in CORE_SERVICES or _replaced(ctx, contract, service, end):
                continue
            urgent = service in touched or end <= ctx.today + dt.timedelta(days=7)
            yield _finding(
                ctx,
                "cancellation-gap",
                Severity.CRITICAL if urgent else Severity.WARN,
                [contract.ref],
                "find.cancellation-gap",
                party=contract.party,
                purposes=(Purpose.CANCEL, Purpose.INQUIRY),
                service=label(ctx.lang, service),
                end=end.isoformat(),
                ref=ctx.contract_name(contract),
            )
            break


def _replaced(ctx: Context, ending: Contract, service: Service, end: dt.date) -> bool:
    next_day = end + dt.timedelta(days=1)
    return any(
        other is not ending
        and other.holds(service)
        and (other.start is None or other.start <= next_day)
        and (other.end is None or other.end > end)
        for other in ctx.site.contracts
    )


def promise_overdue(ctx: Context) -> Iterator[Finding]:
    for case in ctx.site.cases:
        for promise in case.promises:
            if promise.kept is not None or promise.due >= ctx.now:
                continue
            late = ctx.now - promise.due
            yield _finding(
                ctx,
                "promise-overdue",
                Severity.CRITICAL,
                [],
                "find.promise-overdue",
                party=promise.by,
                purposes=(Purpose.COMPLAINT, Purpose.INQUIRY, Purpose.FAULT),
                party_name=ctx.party_name(promise.by),
                what=label(ctx.lang, promise.what),
                case=case.ref,
                case_name=case_name_text(ctx.lang, case.outage_started),
                due=promise.due,
                hours=int(late.total_seconds() // 3600),
            )


def holder_ceased(ctx: Context) -> Iterator[Finding]:
    """A holder that went bankrupt or closed: its contracts, what a fee paid in advance
    becomes, and where to turn (the catalog's `ceased_holder`: 188, 法テラス)."""
    by_party: dict[str, list[Contract]] = defaultdict(list)
    for contract in ctx.site.contracts:
        party = ctx.parties.get(contract.party)
        if party is not None and party.status == PartyStatus.CEASED:
            by_party[contract.party].append(contract)
    if not by_party:
        return
    advice = ctx.catalog.ceased_holder
    where = [s for s in (advice.desks if advice else ()) if s in ctx.parties]
    turn_to = join(
        ctx.lang,
        [_finding_desk(ctx, slug, (Purpose.COMPLAINT, Purpose.INQUIRY))[1] for slug in where],
    )
    for slug, contracts in by_party.items():
        yield _finding(
            ctx,
            "holder-ceased",
            Severity.CRITICAL,
            [c.ref for c in contracts],
            "find.holder-ceased",
            party_name=ctx.party_name(slug),
            items=join(ctx.lang, [ctx.contract_name(c) for c in contracts]),
            where=turn_to or say(ctx.lang, "find.holder-ceased.nowhere"),
            unverified=_unverified(ctx, advice.verified if advice else False),
        )


def _unverified(ctx: Context, verified: bool) -> str:
    return "" if verified else say(ctx.lang, "owed.unverified")


def _services_text(ctx: Context, services: tuple[Service, ...]) -> str:
    return join(ctx.lang, [label(ctx.lang, s) for s in services])


def outage_compensation(ctx: Context) -> Iterator[Finding]:
    """A party owes back the charges for each full 24 hours (its rule's hours) that a service
    was out after it knew of it (its first report), claimed within its rule's months."""
    for outage in owed.owed_outages(ctx):
        amount = outage.amount_yen
        due = outage.claim_due
        yield _finding(
            ctx,
            "outage-compensation",
            Severity.WARN,
            [c.ref for c in outage.contracts],
            "find.outage-compensation",
            party=outage.party,
            purposes=BILLING_DESK,
            desk_service=outage.services[0],
            amount_yen=amount,
            case=outage.case.ref,
            case_name=case_name_text(ctx.lang, outage.case.outage_started),
            action="find.outage-compensation.action." + _claim_action(outage),
            party_name=ctx.party_name(outage.party),
            services=_services_text(ctx, outage.services),
            start=outage.clock_start or ctx.now,
            hours=outage.hours,
            period=outage.rule.hours,
            days=outage.days,
            amount=yen(ctx.lang, amount)
            if amount is not None
            else say(ctx.lang, "owed.amount-unknown"),
            months=outage.rule.months or "",
            due=due if due is not None else "",
            rule=outage.rule.name_en if ctx.lang == "en" else outage.rule.name,
            unverified=_unverified(ctx, outage.rule.verified),
        )


def _claim_action(outage: owed.Outage) -> str:
    """By the claim limit's day; "soon" where the party's rule has no limit on record."""
    if outage.rule.months is None:
        return "ongoing-soon" if outage.ended is None else "ended-soon"
    return "ongoing" if outage.ended is None else "ended"


def outage_clock_not_started(ctx: Context) -> Iterator[Finding]:
    """An ongoing outage whose holder has no report on record: its clock has not started, so
    `outage-compensation` cannot fire for it; calling that desk now starts it."""
    for outage in owed.unreported_outages(ctx):
        yield _finding(
            ctx,
            "outage-clock-not-started",
            Severity.INFO,
            [c.ref for c in outage.contracts],
            "find.outage-clock-not-started",
            party=outage.party,
            purposes=FAULT_PURPOSES,
            desk_service=outage.services[0],
            case=outage.case.ref,
            case_name=case_name_text(ctx.lang, outage.case.outage_started),
            party_name=ctx.party_name(outage.party),
            services=_services_text(ctx, outage.services),
            period=outage.rule.hours,
            unverified=_unverified(ctx, outage.rule.verified),
        )


def cancellation_fee_over_cap(ctx: Context) -> Iterator[Finding]:
    """A person's fixed-line contract from 2022-07-01 (the catalog's day) whose cancellation
    fee is above one month's fee: the excess, and the holder's cancellation desk."""
    for over in owed.fees_over_cap(ctx):
        contract = over.contract
        made = owed.made_on(contract)
        assert made is not None
        yield _finding(
            ctx,
            "cancellation-fee-over-cap",
            Severity.WARN,
            [contract.ref],
            "find.cancellation-fee-over-cap",
            party=contract.party,
            purposes=CANCEL_DESK,
            desk_service=contract.service,
            amount_yen=over.excess,
            item=_contract_label(ctx, contract),
            start=made,
            fee=yen(ctx.lang, over.fee),
            cap=yen(ctx.lang, over.cap),
            excess=yen(ctx.lang, over.excess),
            months=over.cap_rule.months,
            since=over.cap_rule.since,
            unverified=_unverified(ctx, over.cap_rule.verified),
        )


RULES: tuple[Callable[[Context], Iterator[Finding]], ...] = (
    holder_unknown,
    split_responsibility,
    residual_wholesaler_option,
    bill_findings,
    course_mismatch,
    line_provider_split,
    duplicate_application,
    not_cheaper,
    unwanted_option,
    convenience_store_fee,
    initial_cancellation_window,
    cancellation_gap,
    promise_overdue,
    holder_ceased,
    outage_compensation,
    outage_clock_not_started,
    cancellation_fee_over_cap,
)


def run_checks(ctx: Context) -> list[Finding]:
    """Every finding that fires, most severe first (stable within a severity)."""
    found = [finding for rule in RULES for finding in rule(ctx)]
    return sorted(_once_each(found), key=lambda f: SEVERITY_ORDER[f.severity])


def _once_each(found: list[Finding]) -> list[Finding]:
    """A sentence said once: findings that read the same (twin contracts nothing on record
    tells apart) become one finding naming all their contracts."""
    merged: dict[tuple[str, str], Finding] = {}
    for finding in found:
        key = (finding.why, finding.action)
        first = merged.get(key)
        if first is None:
            merged[key] = finding
        else:
            contracts = list(dict.fromkeys([*first.contracts, *finding.contracts]))
            merged[key] = replace(first, contracts=contracts)
    return list(merged.values())
