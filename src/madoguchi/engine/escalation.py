"""Where to go, in order, when the first desk does not resolve the trouble.

The ladder: the holder's desk → the holder's complaint desk → 総務省 電気通信消費者相談センター
→ 消費者ホットライン 188; the police consultation line and 法テラス are added when the
trouble looks like fraud or money that a ceased company will not return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from madoguchi.engine.context import FAULT_PURPOSES, Context
from madoguchi.engine.dialling import Caller, desk_numbers
from madoguchi.engine.kinds import Acquired, EventKind, Purpose, Service
from madoguchi.engine.messages import say
from madoguchi.engine.results import SEVERITY_ORDER, Finding, FirstCall, Step
from madoguchi.engine.routes import caller_for, next_open_text, reach, status_now

if TYPE_CHECKING:
    from madoguchi.engine.model import Desk


SOUMU = "soumu-telecom-consumer-center"
HOTLINE = "consumer-hotline"
POLICE = "police-consultation"
HOUTERASU = "houterasu"
PUBLIC_PURPOSES = (Purpose.COMPLAINT, Purpose.INQUIRY)
FRAUD_SIGNS = frozenset({"unwanted-option", "not-cheaper", "duplicate-application"})


def ladder(
    ctx: Context,
    first: FirstCall | None,
    findings: list[Finding],
    caller: Caller | None = None,
) -> list[Step]:
    if not ctx.touched and not findings:
        return []
    caller = caller or caller_for(ctx)
    rungs: list[tuple[str, tuple[Purpose, ...], str, Service | None]] = []
    # With no first call (the likely cause is at home, say), the holder of a touched service
    # is still the desk to try before any public one.
    touched = next(((h, s) for s in ctx.touched if (h := ctx.last_holder(s))), None)
    holder: str | None
    service: Service | None
    holder, service = (first.party, Service(first.service)) if first else touched or (None, None)
    purposes: tuple[Purpose, ...] = FAULT_PURPOSES
    if holder is None:
        holder, purposes = _party_of_worst_finding(findings), (Purpose.INQUIRY, Purpose.BILLING)
    if holder is not None:
        rungs.append((holder, purposes, "esc.holder", service))
        complaint = ctx.desk_for(holder, (Purpose.COMPLAINT,), service)
        first_desk = ctx.desk_for(holder, rungs[0][1], service)
        if complaint is not None and complaint is not first_desk:
            rungs.append((holder, (Purpose.COMPLAINT,), "esc.complaint", service))
    rungs.append((SOUMU, PUBLIC_PURPOSES, "esc.soumu", None))
    rungs.append((HOTLINE, PUBLIC_PURPOSES, "esc.hotline", None))
    codes = {f.code for f in findings}
    if "holder-ceased" in codes or _sold_by_phone_or_visit(ctx, codes):
        rungs.append((POLICE, PUBLIC_PURPOSES, "esc.police", None))
        rungs.append((HOUTERASU, PUBLIC_PURPOSES, "esc.houterasu", None))

    steps: list[Step] = []
    for number, (party, purposes, key, about) in enumerate(rungs, start=1):
        found = reach(ctx, party, purposes, about, caller)
        desk = found.desk
        status = status_now(ctx, desk)
        why = say(ctx.lang, key, party=found.party_name)
        if found.why_none:
            why = f"{why}{say(ctx.lang, 'sentence.gap')}{found.why_none}"
        steps.append(
            Step(
                step=number,
                party=party,
                desk=desk.slug if desk else None,
                phone=desk.phone if desk else None,
                why=why,
                party_name=found.party_name,
                desk_name=found.desk_name,
                open_now=status.open_now,
                next_open=next_open_text(status),
                call_note=found.call_note,
                verified=_verified(ctx, party, desk),
                dial=found.dial,
                numbers=desk_numbers(desk),
            )
        )
    return steps


def _verified(ctx: Context, party: str, desk: Desk | None) -> bool:
    record = ctx.parties.get(party)
    return bool(record and record.verified and desk is not None and desk.verified)


def _party_of_worst_finding(findings: list[Finding]) -> str | None:
    public = {SOUMU, HOTLINE, POLICE, HOUTERASU}
    for finding in sorted(findings, key=lambda f: SEVERITY_ORDER[f.severity]):
        if finding.party and finding.party not in public:
            return finding.party
    return None


def _sold_by_phone_or_visit(ctx: Context, codes: set[str]) -> bool:
    """A sales call or door-to-door sale that left the customer worse off."""
    pushed = any(
        c.acquired in (Acquired.PHONE_SALES, Acquired.VISIT_SALES) for c in ctx.site.contracts
    ) or any(e.kind == EventKind.SALES_CALL for e in ctx.site.events)
    return pushed and bool(codes & FRAUD_SIGNS)
