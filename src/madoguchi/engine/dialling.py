"""Which number a person can dial now, from the phone in their hand (SITE-FILE.md "Dialling
from the phone in hand").

When the fiber line dies, the ひかり電話 and FAX on it die too, and the person calls from a
mobile. Short codes reach different desks from different phones: NTT's 113 from a fixed
line, docomo's 113 only from a docomo mobile (from a fixed line it reaches NTT instead). So
every place that tells a person to call (routes, first call, the escalation ladder, the
card and the pages built on them) asks this module for the number, and never picks one
itself: one rule, the same answer everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from madoguchi.engine.kinds import PhoneFrom, Purpose, Service
from madoguchi.engine.memo import per_record
from madoguchi.engine.messages import say
from madoguchi.engine.records import Record

if TYPE_CHECKING:
    from madoguchi.engine.model import Desk, Party

MOBILES = frozenset(
    {
        PhoneFrom.MOBILE,
        PhoneFrom.DOCOMO_MOBILE,
        PhoneFrom.AU_MOBILE,
        PhoneFrom.SOFTBANK_MOBILE,
    }
)
# Hypotheses under which the line, and so the ひかり電話 on it, is down.
LINE_DOWN_CAUSES = frozenset({"line-fault", "cancellation-cutoff"})


@lru_cache(maxsize=1024)  # a pure function of the text, asked for every desk shown
def is_short_code(number: str | None) -> bool:
    """A short code (113, 116, 151, 188, #9110): where it leads depends on the phone."""
    digits = re.sub(r"[^0-9#]", "", unicodedata.normalize("NFKC", number or ""))
    return bool(re.fullmatch(r"\d{3}|#\d{4}", digits))


def fixed_phone_out(symptoms: set[str], top_cause: str | None, has_phone: bool) -> bool:
    """The site's fixed phone cannot be used: phone or FAX reported down, or the likely
    cause takes the line (and the ひかり電話 with it) down at a site that has one."""
    if symptoms & {"phone-down", "fax-down"}:
        return True
    return has_phone and top_cause in LINE_DOWN_CAUSES


def phone_in_hand(phone_out: bool, has_phone: bool) -> PhoneFrom:
    """The phone the person is told to use: the site's ひかり電話 while it works, else a
    mobile of unknown carrier."""
    return PhoneFrom.HIKARI_DENWA if has_phone and not phone_out else PhoneFrom.MOBILE


def phone_reaches_from(desk: Desk) -> frozenset[PhoneFrom] | None:
    """The phones the desk's `phone` reaches it from; None: any phone. A desk whose source
    says its number does not work from mobiles reaches it from fixed lines only."""
    if desk.phone_from:
        return frozenset(desk.phone_from)
    if desk.mobiles is False:
        return frozenset({PhoneFrom.FIXED, PhoneFrom.HIKARI_DENWA})
    return None


def reaches(number: str, phones: frozenset[PhoneFrom] | None, caller: PhoneFrom) -> bool:
    """Whether `number`, listed for `phones`, reaches the desk from `caller`. A mobile of
    unknown carrier is only sure of numbers for any mobile; a short code listed for any
    phone is not trusted from a mobile (it may lead elsewhere), unless its source names
    mobiles."""
    if phones is None:
        return caller not in MOBILES or not is_short_code(number)
    if caller in phones:
        return True
    return caller in MOBILES and PhoneFrom.MOBILE in phones


def desk_numbers(desk: Desk | None) -> list[dict[str, Any]]:
    """Every number of the desk as `{"number", "from"}` (`from` null: any phone)."""
    if desk is None:
        return []
    # A new list each time: the caller's result owns it (and may be changed by its reader).
    return [
        {"number": number, "from": None if phones is None else list(phones)}
        for number, phones in _desk_numbers(desk)
    ]


@per_record
def _desk_numbers(desk: Desk) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    numbers: list[tuple[str, tuple[str, ...] | None]] = []
    if desk.phone:
        names = _names(phone_reaches_from(desk))
        numbers.append((desk.phone, None if names is None else tuple(names)))
    if desk.mobile_phone and desk.mobile_phone != desk.phone:
        numbers.append((desk.mobile_phone, (PhoneFrom.MOBILE.value,)))
    if desk.ip_phone and desk.ip_phone not in (desk.phone, desk.mobile_phone):
        numbers.append((desk.ip_phone, (PhoneFrom.IP.value,)))
    return tuple(numbers)


def from_words(lang: str, phones: list[str] | None) -> str:
    """Where a number works from, in words: 携帯電話から, 固定電話 (加入電話) から・ひかり電話から,
    or どの電話からも for null."""
    if not phones:
        return say(lang, "dial.from.any")
    return say(lang, "call.separator").join(say(lang, f"dial.from.{p}") for p in phones)


def other_numbers(dial: str | None, numbers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The desk's numbers other than the one to dial, for the list beside the big button."""
    return [n for n in numbers if n.get("number") != dial]


def _names(phones: frozenset[PhoneFrom] | None) -> list[str] | None:
    if phones is None:
        return None
    return [p.value for p in PhoneFrom if p in phones]


def number_to_dial(desk: Desk | None, caller: PhoneFrom) -> str | None:
    """The desk's number to dial from `caller`, or None when none of its numbers surely
    reaches it from that phone. From a mobile the number for mobiles comes first; from
    the site's own phone, the desk's main number."""
    return None if desk is None else _number_to_dial(desk, caller)


@per_record  # a fact of the desk and the phone: asked for every desk shown
def _number_to_dial(desk: Desk, caller: PhoneFrom) -> str | None:
    Listed = list[tuple[str, frozenset[PhoneFrom] | None]]
    main: Listed = [(desk.phone, phone_reaches_from(desk))] if desk.phone else []
    mobile: Listed = (
        [(desk.mobile_phone, frozenset({PhoneFrom.MOBILE}))] if desk.mobile_phone else []
    )
    # From a fixed phone the number for mobiles is the fallback: the desks that have one
    # take it from ひかり電話 too (0120-444113), and it is the same desk.
    fallback: Listed = [(n, None) for n, _ in mobile]
    candidates = mobile + main if caller in MOBILES else main + fallback
    for number, phones in candidates:
        if number and reaches(number, phones, caller):
            return number
    return None


class Caller(Record, frozen=True):
    """The phone a person at the site is told to call from, decided once per assessment."""

    phone: PhoneFrom
    fixed_phone_out: bool

    @property
    def on_mobile(self) -> bool:
        return self.phone in MOBILES


class Dialling(Record, frozen=True):
    """What a route, first call or rung carries: the number to dial now, every number of
    the desk, and why there is none to dial (None when there is)."""

    dial: str | None
    numbers: list[dict[str, Any]]
    why_none: str | None


def caller_at(symptoms: set[str], top_cause: str | None, active_services: set[Service]) -> Caller:
    has_phone = Service.PHONE in active_services
    out = fixed_phone_out(symptoms, top_cause, has_phone)
    return Caller(phone=phone_in_hand(out, has_phone), fixed_phone_out=out)


def dialling(lang: str, desk: Desk | None, caller: Caller, party_name: str) -> Dialling:
    """The one decision of what to dial for a desk (routes, first call, escalation, card)."""
    numbers = desk_numbers(desk)
    dial = number_to_dial(desk, caller.phone)
    why_none = None
    if dial is None:
        key = "dial.none-from-mobile" if numbers and caller.on_mobile else "dial.none"
        if numbers and not caller.on_mobile:
            key = "dial.none-from-fixed"
        why_none = say(lang, key, party=party_name)
    return Dialling(dial=dial, numbers=numbers, why_none=why_none)


def desk_for(
    party: Party | None, purposes: Sequence[Purpose], service: Service | None = None
) -> Desk | None:
    """The party's first desk for the first purpose in `purposes` that it has, among its
    desks that handle `service` (a desk without `services` handles all of them)."""
    if party is None:
        return None
    return _desk_for(party, purposes if isinstance(purposes, tuple) else tuple(purposes), service)


@per_record  # the routes, the ladder and the findings ask the same few parties again
def _desk_for(party: Party, purposes: tuple[Purpose, ...], service: Service | None) -> Desk | None:
    for purpose in purposes:
        for desk in party.desks:
            if purpose in desk.purposes and desk.handles(service):
                return desk
    return None


class DeskCall(Record, frozen=True):
    """A desk to call outside an assessment (the dashboard, a letter, a calendar event, a
    reminder e-mail): the person reads it away from the site, so the number is the one
    that reaches the desk from a mobile of any carrier (never a short code alone)."""

    desk: Desk | None
    desk_name: str | None
    dial: str | None


def call_from_mobile(lang: str, party: Party | None, purposes: Sequence[Purpose]) -> DeskCall:
    """The party's desk for `purposes` and the number to dial for it from a mobile, by the
    one rule (`number_to_dial`)."""
    desk = desk_for(party, purposes)
    if desk is None:
        return DeskCall(desk=None, desk_name=None, dial=None)
    name = desk.name_en if lang == "en" and desk.name_en else desk.name
    return DeskCall(
        desk=desk,
        desk_name=name or say(lang, "desk.unnamed"),
        dial=number_to_dial(desk, PhoneFrom.MOBILE),
    )


def call_line(lang: str, party_name: str, call: DeskCall) -> str | None:
    """'電話: ドコモ光 故障窓口 0120-800-000 (携帯電話から)' for a text (a calendar event, an
    e-mail), or None when there is no number to dial."""
    if call.dial is None:
        return None
    return say(
        lang,
        "dial.call-line",
        party=party_name,
        desk=call.desk_name or say(lang, "desk.unnamed"),
        number=call.dial,
        works_from=say(lang, "dial.from.mobile"),
    )


def number_in_words(lang: str, desk: Desk) -> str | None:
    """A desk's number for inside a sentence read away from the site (a finding's action):
    the one that reaches it from a mobile, else its number with the phones it works from
    (113: ドコモの携帯電話から), never a short code alone; None without a number."""
    return _number_in_words(desk, lang)


@per_record
def _number_in_words(desk: Desk, lang: str) -> str | None:
    dial = number_to_dial(desk, PhoneFrom.MOBILE)
    if dial is not None:
        return dial
    if not desk.phone:
        return None
    phones = phone_reaches_from(desk)
    if phones is None:  # listed for any phone: nothing more to say of it
        return desk.phone
    return f"{desk.phone}, {from_words(lang, _names(phones))}"
