"""Who to call for each service the symptoms touch, and whether that desk is open now."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from madoguchi.engine.calls import call_note, is_free
from madoguchi.engine.context import FAULT_PURPOSES, Context, desk_label, party_label
from madoguchi.engine.dialling import Caller, caller_at, desk_for, desk_numbers, dialling
from madoguchi.engine.hours import UNKNOWN, DeskStatus, desk_status
from madoguchi.engine.kinds import Purpose, Service
from madoguchi.engine.memo import per_record
from madoguchi.engine.messages import label, say
from madoguchi.engine.records import Record
from madoguchi.engine.results import FirstCall, Hypothesis, Route

if TYPE_CHECKING:
    from madoguchi.engine.model import Contract, Desk, Party


class Contact(Record, frozen=True):
    """The desk to call for a route and whether it is open now."""

    desk: Desk | None
    status: DeskStatus

    @property
    def next_open(self) -> str | None:
        return next_open_text(self.status)


def contact(
    ctx: Context,
    party: str | None,
    purposes: tuple[Purpose, ...],
    service: Service | None = None,
) -> Contact:
    """The party's desk for the first of `purposes` it has, among those handling `service`."""
    desk = ctx.desk_for(party, purposes, service)
    return Contact(desk=desk, status=status_now(ctx, desk))


def status_now(ctx: Context, desk: Desk | None) -> DeskStatus:
    """Whether the desk is open at the assessment's time, and when it next opens."""
    if desk is None:
        return UNKNOWN
    key = ("desk-status", desk.hours)
    known: DeskStatus | None = ctx.memo.get(key)
    if known is None:  # several routes and rungs reach the same desk: ask once
        known = ctx.memo[key] = desk_status(desk.hours, ctx.now)
    return known


def next_open_text(status: DeskStatus) -> str | None:
    """When a closed desk next opens, as an ISO time (None: open, unknown or never)."""
    return status.next_open.isoformat() if status.next_open else None


class Reach(Record, frozen=True):
    """A party's desk as a route, the first call and a rung of the ladder name and dial it:
    all but whether it is open now (`status_now`), which depends on the time."""

    desk: Desk | None
    party_name: str
    desk_name: str | None
    call_note: str | None
    dial: str | None  # the number to dial from the caller's phone (dialling.dialling)
    why_none: str | None  # why there is none to dial


def reach(
    ctx: Context,
    party: str,
    purposes: tuple[Purpose, ...],
    service: Service | None,
    caller: Caller,
) -> Reach:
    """The party's desk for the first of `purposes` it has, among those handling `service`,
    named and dialled from `caller`'s phone."""
    return _reach(ctx.parties.get(party), party, purposes, service, ctx.lang, caller)


@per_record
def _reach(
    record: Party | None,
    slug: str,
    purposes: tuple[Purpose, ...],
    service: Service | None,
    lang: str,
    caller: Caller,
) -> Reach:
    """Kept per party record (memo.per_record): every assessment asks the same few catalog
    desks again (its routes, its first call, the ladder's public rungs), and naming and
    dialling one took a dozen calls each time. A party is a frozen record, so the answer
    holds as long as it lives; the numbers themselves are handed out as new lists by the
    caller (`desk_numbers`), since a result owns its lists."""
    desk = desk_for(record, purposes, service)
    name = party_label(lang, record, slug)
    dial = dialling(lang, desk, caller, name)
    return Reach(
        desk=desk,
        party_name=name,
        desk_name=None if desk is None else desk_label(lang, desk),
        call_note=call_note(lang, desk),
        dial=dial.dial,
        why_none=dial.why_none,
    )


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
    found = reach(ctx, party, FAULT_PURPOSES, service, caller)
    desk = found.desk
    status = status_now(ctx, desk)
    if ended is not None:
        key = "route.ended" if desk else "route.ended-no-desk"
    else:
        key = "route.held" if desk else "route.held-no-desk"
    why = say(
        ctx.lang,
        key,
        service=label(ctx.lang, service),
        party=found.party_name,
        ref=ctx.contract_name(contract),
        desk=found.desk_name or "",
        end=ended.end if ended else "",
    )
    if found.why_none:
        why = f"{why}{say(ctx.lang, 'sentence.gap')}{found.why_none}"
    return Route(
        service=service.value,
        party=party,
        desk=desk.slug if desk else None,
        phone=desk.phone if desk else None,
        open_now=status.open_now,
        next_open=next_open_text(status),
        why=why,
        party_name=found.party_name,
        desk_name=found.desk_name,
        url=(desk.url if desk else None) or ctx.parties[party].url,
        hours=desk.hours if desk else None,
        verified=ctx.parties[party].verified and (desk.verified if desk else False),
        contract=contract.ref,
        have_ready=dict(contract.ids),
        answers=desk.answers.value if desk and desk.answers else None,
        repair_hours=desk.repair_hours if desk else None,
        free_call=is_free(desk) if desk and desk.phone else None,
        call_note=found.call_note,
        dial=found.dial,
        numbers=desk_numbers(desk),
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
    found = reach(ctx, party, FAULT_PURPOSES, service, caller)
    desk = found.desk
    status = status_now(ctx, desk)
    return FirstCall(
        party=party,
        desk=desk.slug if desk else None,
        phone=desk.phone if desk else None,
        open_now=status.open_now,
        next_open=next_open_text(status),
        service=service.value,
        party_name=found.party_name,
        desk_name=found.desk_name,
        call_note=found.call_note,
        dial=found.dial,
        numbers=desk_numbers(desk),
        why=found.why_none,
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
