"""What a call to a desk costs and how it is answered: the line shown beside every number.

The cost is derived from the number where the numbering plan makes it a fact (0120 and 0800
are free to the caller, 0570 is a navi-dial number charged to the caller, 050 an IP phone,
070/080/090 a mobile, any other 0 number an ordinary fixed line); short numbers (113, 116,
188, #9110) say nothing by themselves, so their cost is what the desk's source states
(`Desk.charge`), else it is not known.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from madoguchi.engine.kinds import Answers, Charge
from madoguchi.engine.memo import per_record
from madoguchi.engine.messages import say

if TYPE_CHECKING:
    from madoguchi.engine.model import Desk


class NumberCost(StrEnum):
    FREE = "free"  # 0120, 0800: the receiver pays
    NAVI_DIAL = "navi-dial"  # 0570: charged to the caller, not covered by flat-rate plans
    IP = "ip"  # 050: an IP phone number, charged
    MOBILE = "mobile"  # 070, 080, 090: a mobile number, charged
    FIXED = "fixed"  # 0 + area code: an ordinary fixed-line call, charged


_PREFIXES = (
    ("0120", NumberCost.FREE),
    ("0800", NumberCost.FREE),
    ("0570", NumberCost.NAVI_DIAL),
    ("050", NumberCost.IP),
    ("070", NumberCost.MOBILE),
    ("080", NumberCost.MOBILE),
    ("090", NumberCost.MOBILE),
)


@lru_cache(maxsize=1024)  # a pure function of the text, asked for every desk shown
def number_cost(phone: str | None) -> NumberCost | None:
    """What the numbering plan says a call to `phone` costs; None when it says nothing
    (a short number such as 113, 188 or #9110, or no number)."""
    digits = re.sub(r"[^0-9#]", "", unicodedata.normalize("NFKC", phone or ""))
    if not digits.startswith("0") or len(digits) < 10:
        return None
    for prefix, cost in _PREFIXES:
        if digits.startswith(prefix):
            return cost
    return NumberCost.FIXED


def is_free(desk: Desk) -> bool | None:
    """Whether calling the desk's number costs the caller nothing: from its source, else
    from the number; None when neither says."""
    if desk.charge is not None:
        return desk.charge == Charge.FREE
    cost = number_cost(desk.phone)
    return None if cost is None else cost == NumberCost.FREE


_SPAN = re.compile(r"(\d{2}):(\d{2})-(\d{2}):(\d{2})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH = "|".join(_MONTHS)
_DATE_RANGE_OFF = re.compile(rf"\b({_MONTH}) (\d{{2}})-(?:({_MONTH}) )?(\d{{2}}) off\b")
_DAYS = {
    "ja": {"Mo": "月", "Tu": "火", "We": "水", "Th": "木", "Fr": "金", "Sa": "土", "Su": "日"},
    "en": {
        "Mo": "Mon",
        "Tu": "Tue",
        "We": "Wed",
        "Th": "Thu",
        "Fr": "Fri",
        "Sa": "Sat",
        "Su": "Sun",
    },
}


@lru_cache(maxsize=1024)  # a pure function of the texts (a catalog has a few dozen)
def hours_words(lang: str, expression: str) -> str:
    """Desk hours in words: 09:00-17:00 → 9:00〜17:00; Mo-Fr 09:00-17:00; Dec 29-Jan 03 off
    → 月〜金 9:00〜17:00、12月29日〜1月3日休み; 24/7 → 24時間. It covers the forms the
    catalog uses; anything else keeps its words."""
    if expression.strip() == "24/7":
        return say(lang, "call.24h")
    en = lang == "en"
    dash = "–" if en else "〜"

    def date_range(match: re.Match[str]) -> str:
        m1, d1, m2, d2 = match.groups()
        m2 = m2 or m1
        if en:
            return f"closed {m1} {int(d1)}{dash}{m2} {int(d2)}"
        first = _MONTHS.index(m1) + 1
        last = _MONTHS.index(m2) + 1
        return f"{first}月{int(d1)}日{dash}{last}月{int(d2)}日休み"

    def span(match: re.Match[str]) -> str:
        h1, m1, h2, m2 = match.groups()
        return f"{int(h1)}:{m1}{dash}{int(h2)}:{m2}"

    text = _DATE_RANGE_OFF.sub(date_range, expression)
    text = _SPAN.sub(span, text)
    text = text.replace("PH off", say(lang, "call.holidays-off"))
    text = re.sub(r"\bPH\b", "PH" if en else "祝", text)
    for code, name in _DAYS["en" if en else "ja"].items():
        text = re.sub(rf"\b{code}\b", name, text)
    text = re.sub(r"(?<=[^\d\s])-(?=[^\d\s])", dash, text)  # Mo-Fr, not the dates' dashes
    text = text.replace("PH", "holidays").replace(",", ", ") if en else text.replace(",", "・")
    return re.sub(r";\s*", "; " if en else "、", text)


def call_facts(lang: str, desk: Desk | None) -> list[str]:
    """How the desk answers and what a call costs, as short phrases in `lang` (empty for
    no desk or a desk without a number)."""
    if desk is None or not desk.phone:
        return []
    facts: list[str] = []
    if desk.third_party_number:
        facts.append(say(lang, "call.third-party"))
    if desk.answers == Answers.RECORDING:
        facts.append(say(lang, "call.recording"))
    elif desk.answers == Answers.PERSON:
        facts.append(say(lang, "call.person"))
    if desk.repair_hours and desk.repair_hours != desk.hours:
        facts.append(say(lang, "call.repairs", hours=hours_words(lang, desk.repair_hours)))
    facts.append(_cost_phrase(lang, desk))
    if desk.mobiles is True:
        facts.append(say(lang, "call.mobiles-ok"))
    if desk.mobile_phone:
        facts.append(say(lang, "call.from-mobiles", phone=desk.mobile_phone))
    elif desk.mobiles is False:
        facts.append(say(lang, "call.mobiles-no"))
    if desk.ip_phone:
        facts.append(say(lang, "call.from-ip", phone=desk.ip_phone))
    elif desk.ip_phones is False:
        facts.append(say(lang, "call.ip-no"))
    return facts


def _cost_phrase(lang: str, desk: Desk) -> str:
    cost = number_cost(desk.phone)
    if desk.charge == Charge.FREE or (desk.charge is None and cost == NumberCost.FREE):
        return say(lang, "call.free")
    if desk.charge is None and cost is None:
        return say(lang, "call.cost-unknown")
    if cost is not None and cost != NumberCost.FREE:
        return say(lang, f"call.charged-{cost.value}")
    return say(lang, "call.charged")


def call_note(lang: str, desk: Desk | None) -> str | None:
    """The phrases of `call_facts` as one line, or None."""
    return None if desk is None else _call_note(desk, lang)


@per_record  # a fact of the desk: every route, rung and first call to it says the same
def _call_note(desk: Desk, lang: str) -> str | None:
    facts = call_facts(lang, desk)
    return say(lang, "call.separator").join(facts) if facts else None
