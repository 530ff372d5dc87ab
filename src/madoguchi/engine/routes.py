"""Who to call for each service the symptoms touch, and whether that desk is open now."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from madoguchi.engine.calls import call_note, is_free
from madoguchi.engine.context import FAULT_PURPOSES, Context
from madoguchi.engine.dialling import Caller, caller_at, dialling
from madoguchi.engine.hours import UNKNOWN, DeskStatus, desk_status
from madoguchi.engine.kinds import Purpose, Service
from madoguchi.engine.messages import label, say
from madoguchi.engine.records import quick_init
from madoguchi.engine.results import FirstCall, Hypothesis, Route

if TYPE_CHECKING:
    from madoguchi.engine.model import Contract, Desk


@quick_init
@dataclass(frozen=True, slots=True)
class Contact:
    desk: Desk | None
    status: DeskStatus

    @property
    def next_open(self) -> str | None:
        at = self.status.next_open
        return at.isoformat() if at else None


def contact(
    ctx: Context,
    party: str | None,
    purposes: tuple[Purpose, ...],
    service: Service | None = None,
) -> Contact:
    """The party's desk for the first of `purposes` it has, among those handling `service`."""
    desk = ctx.desk_for(party, purposes, service)
    status = UNKNOWN
    if desk is not None:  # several routes and findings reach the same desk: ask once
        key = ("desk-status", desk.hours)
        known: DeskStatus | None = ctx.memo.get(key)
        if known is None:
            known = ctx.memo[key] = desk_status(desk.hours, ctx.now)
        status = known
    return Contact(desk=desk, status=status)


def caller_for(ctx: Context, ranked: list[Hypothesis] | None = None) -> Caller:
    """The phone a person at the site calls from, given the most likely cause."""
    top = ranked[0].code if ranked else None
    active = {s for c in ctx.active for s in c.services}
    return caller_at({s.value for s in ctx.symptoms}, top, active)


def route_for(
    ctx: Context,
    service: Service,
    held_by: Contract | None = None,
    caller: Caller | None = None,
) -> Route:
    """The route for a service through `held_by`, by default the contract that holds it
    (else the last one that ended, whose holder cut the service)."""
    caller = caller or caller_for(ctx)
    contract = held_by or ctx.holding_contract(service)
    party = ctx.holder(service) if held_by is None else _holder(ctx, held_by)
    ended = None
    if contract is None and held_by is None:
        ended = ctx.ended_contract(service)
        if ended is not None and ctx.last_holder(service) is not None:
            contract, party = ended, ended.party
        else:
            ended = None
    if party is None:
        key = "route.denied" if contract is not None else "route.none"
        return Route(
            service=service.value,
            party=None,
            desk=None,
            phone=None,
            open_now=None,
            next_open=None,
            contract=contract.ref if contract else None,
            why=say(
                ctx.lang,
                key,
                service=label(ctx.lang, service),
                party=ctx.party_name(contract.party) if contract else "",
            ),
        )
    assert contract is not None
    reach = contact(ctx, party, FAULT_PURPOSES, service)
    desk = reach.desk
    if ended is not None:
        key = "route.ended" if desk else "route.ended-no-desk"
    else:
        key = "route.held" if desk else "route.held-no-desk"
    why = say(
        ctx.lang,
        key,
        service=label(ctx.lang, service),
        party=ctx.party_name(party),
        ref=ctx.contract_name(contract),
        desk=ctx.desk_name(desk) or "",
        end=ended.end if ended else "",
    )
    dial = dialling(ctx.lang, desk, caller, ctx.party_name(party))
    if dial.why_none:
        why = f"{why}{say(ctx.lang, 'sentence.gap')}{dial.why_none}"
    return Route(
        service=service.value,
        party=party,
        desk=desk.slug if desk else None,
        phone=desk.phone if desk else None,
        open_now=reach.status.open_now,
        next_open=reach.next_open,
        why=why,
        party_name=ctx.party_name(party),
        desk_name=ctx.desk_name(desk),
        url=(desk.url if desk else None) or ctx.parties[party].url,
        hours=desk.hours if desk else None,
        verified=ctx.parties[party].verified and (desk.verified if desk else False),
        contract=contract.ref,
        have_ready=dict(contract.ids),
        answers=desk.answers.value if desk and desk.answers else None,
        repair_hours=desk.repair_hours if desk else None,
        free_call=is_free(desk) if desk and desk.phone else None,
        call_note=call_note(ctx.lang, desk),
        dial=dial.dial,
        numbers=dial.numbers,
        ended=ended.end.isoformat() if ended and ended.end else None,
    )


def _holder(ctx: Context, contract: Contract) -> str | None:
    return None if contract.party in ctx.said_no_contract else contract.party


def routes(ctx: Context, caller: Caller | None = None) -> list[Route]:
    caller = caller or caller_for(ctx)
    return [route_for(ctx, service, caller=caller) for service in ctx.touched]


def first_call(
    ctx: Context, hypotheses: list[Hypothesis], caller: Caller | None = None
) -> FirstCall | None:
    """The holder of the service that the most likely cause points at (or of its last
    ended contract: the party that cut it)."""
    if not hypotheses or hypotheses[0].service is None:
        return None
    caller = caller or caller_for(ctx, hypotheses)
    service = hypotheses[0].service
    party = ctx.last_holder(service)
    if party is None:
        return None
    reach = contact(ctx, party, FAULT_PURPOSES, service)
    dial = dialling(ctx.lang, reach.desk, caller, ctx.party_name(party))
    return FirstCall(
        party=party,
        desk=reach.desk.slug if reach.desk else None,
        phone=reach.desk.phone if reach.desk else None,
        open_now=reach.status.open_now,
        next_open=reach.next_open,
        service=service.value,
        party_name=ctx.party_name(party),
        desk_name=ctx.desk_name(reach.desk),
        call_note=call_note(ctx.lang, reach.desk),
        dial=dial.dial,
        numbers=dial.numbers,
        why=dial.why_none,
        fixed_phone_out=caller.fixed_phone_out,
    )


MAP_ORDER = (
    Service.ACCESS,
    Service.ISP,
    Service.PHONE,
    Service.TV,
    Service.MAIL,
    Service.EQUIPMENT,
    Service.SUPPORT,
    Service.OPTION,
)


def contract_map(ctx: Context) -> list[Route]:
    """Every service held today (and every touched one), with its holder's desk: the map a
    person pins beside the ONU. Options are listed once per holding party."""
    services = [s for s in MAP_ORDER if s in ctx.touched or ctx.holding_contract(s) is not None]
    rows = []
    for service in services:
        if service == Service.OPTION:
            rows += [route_for(ctx, service, held_by=c) for c in _option_per_party(ctx)]
        else:
            rows.append(route_for(ctx, service))
    return rows


def _option_per_party(ctx: Context) -> list[Contract]:
    """One option contract per party that holds one (options of different parties are
    different things to call about: an NTT option beside a docomo one), the holding
    contract's party first."""
    first = ctx.holding_contract(Service.OPTION)
    if first is None:
        return []
    chosen = {first.party: first}
    for contract in ctx.active:
        if contract.holds(Service.OPTION) and contract.party not in chosen:
            same_party = [
                c for c in ctx.active if c.holds(Service.OPTION) and c.party == contract.party
            ]
            chosen[contract.party] = max(same_party, key=lambda c: c.start or dt.date.min)
    return list(chosen.values())
