"""Dated deadlines: 初期契約解除, 承諾番号 validity, promises, and contract ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from madoguchi.engine import owed
from madoguchi.engine.context import SWITCH_EVENTS, Context
from madoguchi.engine.findings import initial_cancellation_due
from madoguchi.engine.kinds import EventKind
from madoguchi.engine.messages import case_name_text, label, say, yen
from madoguchi.engine.results import Deadline
from madoguchi.engine.timezone import TOKYO

CONSENT_NUMBER_DAYS = 15  # counting the day of issue as day 1 (DOMAIN-FACTS 1.7, 1.13)
CONTRACT_END_NOTICE = dt.timedelta(days=60)


def initial_cancellation(ctx: Context) -> Iterator[Deadline]:
    for contract in ctx.site.contracts:
        due = initial_cancellation_due(ctx, contract)
        if due is not None and due >= ctx.today:
            yield Deadline(
                code="initial-cancellation",
                due=due.isoformat(),
                contract=contract.ref,
                why=say(ctx.lang, "deadline.initial-cancellation", ref=ctx.contract_name(contract)),
            )


def consent_number(ctx: Context) -> Iterator[Deadline]:
    switches = [e for e in ctx.site.events if e.kind in SWITCH_EVENTS]  # once, not per number
    for issued in ctx.site.events:
        if issued.kind != EventKind.CONSENT_NUMBER_ISSUED:
            continue
        used = any(
            e.date >= issued.date
            and (issued.contract is None or e.contract in (None, issued.contract))
            for e in switches
        )
        if used:
            continue
        due = issued.date + dt.timedelta(days=CONSENT_NUMBER_DAYS - 1)
        yield Deadline(
            code="consent-number",
            due=due.isoformat(),
            contract=issued.contract,
            why=say(ctx.lang, "deadline.consent-number", date=issued.date.isoformat()),
            past=due < ctx.today,
        )


def promises(ctx: Context) -> Iterator[Deadline]:
    for case in ctx.site.cases:
        for promise in case.promises:
            if promise.kept is None:
                yield Deadline(
                    code="promise",
                    due=promise.due.astimezone(TOKYO).isoformat(),
                    case=case.ref,
                    party=promise.by,
                    past=promise.due < ctx.now,
                    why=say(
                        ctx.lang,
                        "deadline.promise",
                        party=ctx.party_name(promise.by),
                        what=label(ctx.lang, promise.what),
                    ),
                )


def contract_ends(ctx: Context, notice: dt.timedelta = CONTRACT_END_NOTICE) -> Iterator[Deadline]:
    """Active contracts ending within `notice` (the assessment shows 60 days ahead; the
    reminder mails look further, 90 days, through `upcoming_contract_ends`)."""
    for contract in ctx.active:
        if contract.end is not None and contract.end - ctx.today <= notice:
            yield Deadline(
                code="contract-end",
                due=contract.end.isoformat(),
                contract=contract.ref,
                party=contract.party,
                why=say(
                    ctx.lang,
                    "deadline.contract-end",
                    ref=ctx.contract_name(contract),
                    service=label(ctx.lang, contract.service),
                    party=ctx.party_name(contract.party),
                ),
            )


def compensation_claims(ctx: Context) -> Iterator[Deadline]:
    """The last day to claim each `outage-compensation`, one per party owed, once the case
    has its outage's end: that day plus the rule's months (owed.add_months)."""
    for outage in owed.owed_outages(ctx):
        due = outage.claim_due
        if due is None:
            continue
        amount = outage.amount_yen
        yield Deadline(
            code="compensation-claim",
            due=due.isoformat(),
            case=outage.case.ref,
            party=outage.party,
            past=due < ctx.today,
            why=say(
                ctx.lang,
                "deadline.compensation-claim",
                party=ctx.party_name(outage.party),
                amount=yen(ctx.lang, amount)
                if amount is not None
                else say(ctx.lang, "owed.amount-unknown"),
                case_name=case_name_text(ctx.lang, outage.case.outage_started),
                months=outage.rule.months or "",
            ),
        )


RULES: tuple[Callable[[Context], Iterator[Deadline]], ...] = (
    initial_cancellation,
    consent_number,
    promises,
    contract_ends,
    compensation_claims,
)


def collect(ctx: Context) -> list[Deadline]:
    """Every deadline, soonest first, each sentence once on its day."""
    found: dict[tuple[str, str], Deadline] = {}
    for rule in RULES:
        for deadline in rule(ctx):
            found.setdefault((deadline.due, deadline.why), deadline)
    return sorted(found.values(), key=Deadline.sort_key)


def upcoming_contract_ends(ctx: Context, within: dt.timedelta) -> list[Deadline]:
    """The contract-end deadlines of the next `within`, worded as the assessment words them."""
    return sorted(contract_ends(ctx, within), key=Deadline.sort_key)
