"""Likely causes of the reported symptoms, one function per cause.

Each rule looks at the context and yields zero or more hypotheses with a confidence and
the service whose holder the cause points at (that holder becomes the first call). The
confidences are ordinal judgements, not statistics: a specific sign (an ONU lamp, a dated
cancellation, a desk saying "no contract") beats a generic prior.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from madoguchi.engine import checks
from madoguchi.engine.context import CORE_SERVICES, STOPPING_EVENTS, Context
from madoguchi.engine.kinds import EventKind, PartyStatus, Service, Symptom
from madoguchi.engine.messages import label, say
from madoguchi.engine.results import Hypothesis

# Order of codes in SITE-FILE.md, used to break ties between equal confidences.
CODES = (
    "line-fault",
    "isp-auth",
    "collabo-unknown",
    "cancellation-cutoff",
    "course-mismatch",
    "line-provider-split",
    "credentials",
    "service-fault",
    "home-equipment",
    "area-outage",
)

# How far a stopping event or a recent switch still explains a sudden outage.
STOP_WINDOW_BEFORE = dt.timedelta(days=14)
STOP_WINDOW_AFTER = dt.timedelta(days=45)
RECENT_CHANGE = dt.timedelta(days=60)

CONNECTIVITY = frozenset({Symptom.INTERNET_DOWN, Symptom.SLOW})
SERVICE_SYMPTOMS = {
    Symptom.PHONE_DOWN: Service.PHONE,
    Symptom.FAX_DOWN: Service.PHONE,
    Symptom.TV_DOWN: Service.TV,
    Symptom.MAIL_ERROR: Service.MAIL,
}


def _h(
    ctx: Context, code: str, confidence: float, blame: Service | None, key: str, **kw: object
) -> Hypothesis:
    """A hypothesis whose cause lies with the holder of the `blame` service."""
    return Hypothesis(code=code, confidence=confidence, why=say(ctx.lang, key, **kw), service=blame)


def collabo_unknown(ctx: Context) -> Iterator[Hypothesis]:
    said_no = ctx.said_no_contract
    if not said_no:
        return
    for service in ctx.touched:
        contract = ctx.holding_contract(service)
        if contract is not None and contract.party in said_no:
            yield _h(
                ctx,
                "collabo-unknown",
                0.9,
                service,
                "hyp.collabo-unknown.recorded",
                party=ctx.party_name(contract.party),
            )
            return
    if ctx.holder(Service.ACCESS) is not None:
        return  # the line's holder is known: a "no contract" from someone else is expected
    names = "、".join(ctx.party_name(s) for s in sorted(said_no))
    yield _h(ctx, "collabo-unknown", 0.75, Service.ACCESS, "hyp.collabo-unknown.other", party=names)


def cancellation_cutoff(ctx: Context) -> Iterator[Hypothesis]:
    touched = set(ctx.touched)
    for event in ctx.site.events:
        if event.kind not in STOPPING_EVENTS or event.date > ctx.today:
            continue
        effective = event.effective or event.date
        if not ctx.today - STOP_WINDOW_BEFORE <= effective <= ctx.today + STOP_WINDOW_AFTER:
            continue
        service = _service_hit_by(ctx, event.contract, touched)
        if service is None:
            continue
        near = effective <= ctx.today + dt.timedelta(days=7)
        yield _h(
            ctx,
            "cancellation-cutoff",
            0.8 if near else 0.6,
            service,
            f"hyp.cancellation-cutoff.{event.kind.value}",
            date=event.date.isoformat(),
            effective=effective.isoformat(),
            party=ctx.party_name(ctx.holder(service)),
        )
    for contract in ctx.active:
        if contract.end is None or contract.end > ctx.today + dt.timedelta(days=7):
            continue
        for service in contract.services:
            if service in touched and service in CORE_SERVICES:
                yield _h(
                    ctx,
                    "cancellation-cutoff",
                    0.6,
                    service,
                    "hyp.cancellation-cutoff.ending",
                    end=contract.end.isoformat(),
                    ref=ctx.contract_name(contract),
                )
                break
    for service in ctx.touched:
        holder = ctx.holder(service)
        party = ctx.parties.get(holder) if holder else None
        if party is not None and party.status == PartyStatus.CEASED:
            yield _h(
                ctx,
                "cancellation-cutoff",
                0.7,
                service,
                "hyp.cancellation-cutoff.ceased",
                party=ctx.party_name(holder),
            )


def _service_hit_by(ctx: Context, ref: str | None, touched: set[Service]) -> Service | None:
    """The touched service that an event on contract `ref` can have stopped."""
    contract = ctx.contracts_by_ref.get(ref) if ref else None
    if contract is None:
        return ctx.touched[0] if ctx.touched else None
    for service in ctx.touched:
        if contract.holds(service):
            return service
    for service in ctx.touched:  # the same company often stops everything it holds
        if ctx.holder(service) == contract.party:
            return service
    return None


def line_fault(ctx: Context) -> Iterator[Hypothesis]:
    if Service.ACCESS not in ctx.touched:
        return
    lamps = ctx.lamps
    if lamps.power is not None and lamps.power.value == "off":
        yield _h(ctx, "line-fault", 0.8, Service.ACCESS, "hyp.line-fault.power")
    elif lamps.line_down:
        yield _h(
            ctx,
            "line-fault",
            0.85,
            Service.ACCESS,
            "hyp.line-fault.optical",
            lamp=label(ctx.lang, lamps.optical),
        )
    elif lamps.line_flaky:
        yield _h(ctx, "line-fault", 0.6, Service.ACCESS, "hyp.line-fault.blinking")
    elif lamps.line_unknown:
        yield _h(ctx, "line-fault", 0.35, Service.ACCESS, "hyp.line-fault.prior")


def isp_auth(ctx: Context) -> Iterator[Hypothesis]:
    if not CONNECTIVITY & set(ctx.symptoms):
        return
    lamps = ctx.lamps
    if lamps.line_up and lamps.session_failed:
        yield _h(ctx, "isp-auth", 0.75, Service.ISP, "hyp.isp-auth.lamp")
    elif not lamps.line_down and (lamps.line_unknown or lamps.session_unknown):
        yield _h(ctx, "isp-auth", 0.25, Service.ISP, "hyp.isp-auth.prior")


def course_mismatch(ctx: Context) -> Iterator[Hypothesis]:
    if not CONNECTIVITY & set(ctx.symptoms):
        return
    mismatch = checks.course_mismatch(ctx)
    if mismatch is None:
        return
    confidence = 0.5 if ctx.lamps.line_down else 0.85
    yield _h(
        ctx,
        "course-mismatch",
        confidence,
        Service.ISP,
        "hyp.course-mismatch",
        detail=mismatch.detail,
    )


def line_provider_split(ctx: Context) -> Iterator[Hypothesis]:
    if Symptom.INTERNET_DOWN not in ctx.symptoms:
        return
    for bundle, isp in checks.line_provider_splits(ctx):
        yield _h(
            ctx,
            "line-provider-split",
            0.75,
            Service.ACCESS,
            "hyp.line-provider-split",
            set=ctx.party_name(bundle.party),
            isp=ctx.party_name(isp.party),
        )
        return


def credentials(ctx: Context) -> Iterator[Hypothesis]:
    if Symptom.INTERNET_DOWN not in ctx.symptoms or ctx.lamps.line_down:
        return
    since = ctx.today - RECENT_CHANGE
    changed = [
        c.start
        for c in ctx.active
        if c.holds(Service.ISP) and c.start is not None and since <= c.start <= ctx.today
    ]
    switched = [
        e
        for e in ctx.site.events
        if e.kind in (EventKind.TENYO, EventKind.JIGYOSHA_HENKO, EventKind.APPLICATION)
        and since <= (e.effective or e.date) <= ctx.today
    ]
    if not changed and not switched:
        return
    when = (changed[0] if changed else (switched[0].effective or switched[0].date)).isoformat()
    lamps = ctx.lamps
    if lamps.line_up and lamps.session_failed:
        confidence = 0.8
    elif not lamps.observed:
        confidence = 0.55
    else:
        confidence = 0.5
    yield _h(ctx, "credentials", confidence, Service.ISP, "hyp.credentials", date=when)


def service_fault(ctx: Context) -> Iterator[Hypothesis]:
    lamps = ctx.lamps
    internet_down = Symptom.INTERNET_DOWN in ctx.symptoms
    for symptom, service in SERVICE_SYMPTOMS.items():
        if symptom not in ctx.symptoms:
            continue
        if service == Service.MAIL and ctx.holding_contract(Service.MAIL) is None:
            service = Service.ISP
        # "The line is fine" only when the lamps say so; without them the cause is still
        # possible, but the sentence must not contradict "the lamps are not known".
        key = "hyp.service-fault.lamps-unknown"
        if lamps.line_up and not lamps.session_failed:
            confidence, key = 0.7, "hyp.service-fault"
        elif lamps.line_down or lamps.line_flaky:
            continue
        elif not internet_down:
            confidence = 0.55
        else:
            confidence = 0.25
        yield _h(ctx, "service-fault", confidence, service, key, service=label(ctx.lang, service))
        return


def home_equipment(ctx: Context) -> Iterator[Hypothesis]:
    lamps = ctx.lamps
    symptoms = set(ctx.symptoms)
    if Symptom.WIFI_WEAK in symptoms:
        yield _h(ctx, "home-equipment", 0.8, Service.EQUIPMENT, "hyp.home-equipment.wifi")
    elif lamps.line_up and lamps.uni is not None and lamps.uni.value == "off":
        yield _h(ctx, "home-equipment", 0.65, Service.EQUIPMENT, "hyp.home-equipment.uni")
    elif CONNECTIVITY & symptoms and lamps.all_fine:
        yield _h(ctx, "home-equipment", 0.5, Service.EQUIPMENT, "hyp.home-equipment.lamps-fine")
    elif Symptom.SLOW in symptoms and not lamps.observed:
        yield _h(ctx, "home-equipment", 0.4, Service.EQUIPMENT, "hyp.home-equipment.slow")
    elif symptoms & set(SERVICE_SYMPTOMS) and lamps.all_fine:
        yield _h(ctx, "home-equipment", 0.35, Service.EQUIPMENT, "hyp.home-equipment.device")
    elif ctx.touched and not lamps.line_down:
        yield _h(ctx, "home-equipment", 0.2, Service.EQUIPMENT, "hyp.home-equipment.prior")


def area_outage(ctx: Context) -> Iterator[Hypothesis]:
    if not set(ctx.touched) - {Service.EQUIPMENT}:  # weak Wi-Fi is never an area outage
        return
    noticed = set(ctx.site.observations.outage_notice)
    for service in ctx.touched:
        holder = ctx.holder(service)
        if holder in noticed or (service == Service.ACCESS and ctx.wholesaler in noticed):
            party = holder if holder in noticed else ctx.wholesaler
            yield _h(
                ctx,
                "area-outage",
                0.9,
                service,
                "hyp.area-outage.notice",
                party=ctx.party_name(party),
            )
            return
    lamps = ctx.lamps
    if lamps.line_down or (lamps.line_up and lamps.session_failed):
        yield _h(ctx, "area-outage", 0.3, Service.ACCESS, "hyp.area-outage.lamps")
    else:
        yield _h(ctx, "area-outage", 0.15, Service.ACCESS, "hyp.area-outage.prior")


RULES: tuple[Callable[[Context], Iterator[Hypothesis]], ...] = (
    collabo_unknown,
    cancellation_cutoff,
    line_fault,
    isp_auth,
    course_mismatch,
    line_provider_split,
    credentials,
    service_fault,
    home_equipment,
    area_outage,
)


def rank(ctx: Context) -> list[Hypothesis]:
    """All hypotheses, one per code (its strongest reason), most likely first."""
    if not ctx.touched:
        return []
    best: dict[str, Hypothesis] = {}
    for rule in RULES:
        for hyp in rule(ctx):
            if hyp.code not in best or hyp.confidence > best[hyp.code].confidence:
                best[hyp.code] = hyp
    return sorted(best.values(), key=lambda h: (-h.confidence, CODES.index(h.code)))
