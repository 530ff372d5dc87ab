"""Desk hours: OpenStreetMap `opening_hours` evaluated in Tokyo with Japanese holidays.

`PH` in an expression means a Japanese public holiday (the holiday calendar comes with
opening-hours-py, `country="JP"`). Parsed expressions are cached: a catalog has a few
dozen distinct ones and the engine evaluates them for every assessment.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Literal

import opening_hours

from madoguchi.engine.records import Record
from madoguchi.engine.timezone import TOKYO


class DeskStatus(Record, frozen=True):
    """open_now is None when the hours are unknown (no expression, or an 'unknown' rule)."""

    open_now: bool | None
    next_open: dt.datetime | None


UNKNOWN = DeskStatus(open_now=None, next_open=None)

# An opening more than this far away is reported as none (a desk closed for good).
_HORIZON = dt.timedelta(days=400)


@lru_cache(maxsize=512)
def _parse(expression: str) -> opening_hours.OpeningHours:
    return opening_hours.OpeningHours(expression, country="JP", timezone=TOKYO)


def hours_problem(expression: str) -> str | None:
    """Why an expression is not usable, or None when it is."""
    try:
        _parse(expression)
    # ParserError is raised by the library but missing from its stubs.
    except (opening_hours.ParserError, SyntaxError, ValueError) as exc:  # type: ignore[attr-defined]
        detail = " ".join(str(exc).split())
        return f"not valid opening_hours syntax ({detail[:160]})"
    return None


def desk_status(expression: str | None, now: dt.datetime) -> DeskStatus:
    """Whether a desk is open at `now` and, when closed, when it next opens.

    Why the spans: every assessment asks this of its few desks, and evaluating an
    expression (holidays included) was the dearest single step of an assessment, while the
    answer stays the same from one change of the desk's state to the next (all morning, all
    night). So each expression keeps the last few spans it was asked about, from the time
    asked to its next change, and a time inside one gets that span's answer."""
    if not expression:
        return UNKNOWN
    at = now.astimezone(TOKYO)
    spans = _SPANS.get(expression, ())
    for start, end, known in spans:
        if start <= at and (end is None or at < end):
            return known
    status, until = _status_until(_parse(expression), at)
    if until is not False:  # else an answer that depends on the horizon: not kept
        if len(_SPANS) >= _SPAN_EXPRESSIONS:
            _SPANS.clear()
        # A new list, never one changed in place: another thread may be reading the old one.
        _SPANS[expression] = [(at, until, status), *spans[: _SPANS_KEPT - 1]]
    return status


# Per expression, the latest spans (from, until the next change or None: never) over which
# its status is known, newest first; at most this many spans and expressions.
_SPANS: dict[str, list[tuple[dt.datetime, dt.datetime | None, DeskStatus]]] = {}
_SPANS_KEPT = 4
_SPAN_EXPRESSIONS = 512


def _status_until(
    hours: opening_hours.OpeningHours, at: dt.datetime
) -> tuple[DeskStatus, dt.datetime | Literal[False] | None]:
    """The status at `at` and the time it may next change (None: never; False: the answer
    depends on the horizon, so holds for `at` alone)."""
    state, _comment = hours.state(at)
    until = hours.next_change(at)
    if state == opening_hours.State.OPEN:
        return DeskStatus(open_now=True, next_open=None), until
    if state == opening_hours.State.UNKNOWN:
        return UNKNOWN, until
    limit = at + _HORIZON
    for start, _end, interval_state, _c in hours.intervals(at, limit):
        if interval_state == opening_hours.State.OPEN:
            return DeskStatus(open_now=False, next_open=start.astimezone(TOKYO)), until
    return DeskStatus(open_now=False, next_open=None), False


# opening_hours weekday names, Monday first (Python's weekday() order).
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def _day_ranges(days: list[int]) -> list[str]:
    """Runs of consecutive weekdays as opening_hours ranges: [0,1,2,3,4,6] → Mo-Fr, Su."""
    ranges: list[str] = []
    run: list[int] = []
    for day in [*sorted(set(days)), 99]:
        if run and day == run[-1] + 1:
            run.append(day)
            continue
        if run:
            first, last = WEEKDAYS[run[0]], WEEKDAYS[run[-1]]
            ranges.append(first if len(run) == 1 else f"{first}-{last}")
        run = [day]
    return ranges


def build_hours(
    days: list[int],
    opens: dt.time,
    closes: dt.time,
    *,
    closed_on_holidays: bool = False,
    closed_over_new_year: bool = False,
) -> str:
    """Desk hours picked on a form (weekdays 0 = Monday, a from and a to time, two ticks)
    as an opening_hours expression, e.g. `Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off`.

    No days picked gives "" (hours unknown). A closing time at or before the opening time
    runs past midnight (22:00-02:00 becomes 22:00-26:00, as opening_hours writes it)."""
    if not days:
        return ""
    end_minutes = closes.hour * 60 + closes.minute
    if end_minutes <= opens.hour * 60 + opens.minute:
        end_minutes += 24 * 60
    span = f"{opens:%H:%M}-{end_minutes // 60:02d}:{end_minutes % 60:02d}"
    every_day = len(set(days)) == len(WEEKDAYS)
    rules = [span if every_day else f"{','.join(_day_ranges(days))} {span}"]
    if closed_on_holidays:
        rules.append("PH off")
    if closed_over_new_year:
        rules.append("Dec 29-Jan 03 off")
    return "; ".join(rules)


# --- desk hours in words, for paper (the emergency card) ---------------------------------

_DAY_WORDS = {
    "ja": ("月", "火", "水", "木", "金", "土", "日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SPAN = r"(\d{2}):(\d{2})-(\d{2}):(\d{2})"
_RULE = re.compile(
    rf"^(?:(?P<days>(?:Mo|Tu|We|Th|Fr|Sa|Su|PH)(?:[-,](?:Mo|Tu|We|Th|Fr|Sa|Su|PH))*)\s+)?"
    rf"(?P<spans>{_SPAN}(?:,{_SPAN})*|off|closed)$"
)
_DATES_OFF = re.compile(
    r"^(?P<m1>[A-Z][a-z]{2}) (?P<d1>\d{2})(?:-(?:(?P<m2>[A-Z][a-z]{2}) )?(?P<d2>\d{2}))?"
    r"\s+(?:off|closed)$"
)


def _clock(hour: str, minute: str, lang: str) -> str:
    """09:00 → 9 (ja, with 時 added by the caller) or 9:00; 08:30 → 8:30."""
    if minute == "00" and lang == "ja":
        return str(int(hour))
    return f"{int(hour)}:{minute}"


def _span_words(span: str, lang: str) -> str:
    """09:00-18:00 → 9–18時 (ja) or 9:00–18:00 (en); 08:30-17:15 → 8:30–17:15."""
    words = []
    for part in span.split(","):
        h1, m1, h2, m2 = re.fullmatch(_SPAN, part).groups()  # type: ignore[union-attr]
        if (h1, m1, h2, m2) == ("00", "00", "24", "00"):
            words.append("24時間" if lang == "ja" else "24 hours")
            continue
        text = f"{_clock(h1, m1, lang)}–{_clock(h2, m2, lang)}"
        words.append(f"{text}時" if lang == "ja" and m1 == m2 == "00" else text)
    return "、".join(words) if lang == "ja" else ", ".join(words)


def _days(spec: str) -> tuple[set[int], bool]:
    """Mo-Fr,Su → ({0..4, 6}, holidays named?)."""
    days: set[int] = set()
    holidays = False
    for part in spec.split(","):
        first, _, last = part.partition("-")
        if first == "PH":
            holidays = True
            continue
        start = WEEKDAYS.index(first)
        end = WEEKDAYS.index(last) if last else start
        days.update(range(start, end + 1) if end >= start else [*range(start, 7), *range(end + 1)])
    return days, holidays


def _day_words(days: set[int], holidays: bool, lang: str) -> str:
    """The days as people say them: 平日, 土日祝, 毎日, 月水金; Weekdays, Sat and Sun."""
    if days == set(range(7)):
        return "毎日" if lang == "ja" else "Every day"
    names: list[str] = []
    rest = set(days)
    if set(range(5)) <= rest:
        names.append("平日" if lang == "ja" else "Weekdays")
        rest -= set(range(5))
    names += [_DAY_WORDS[lang][d] for d in sorted(rest)]
    if holidays:
        names.append("祝" if lang == "ja" else "holidays")
    if lang == "ja":
        return "".join(names) if not set(range(5)) <= days and len(names) > 1 else " ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _date_words(match: re.Match[str], lang: str) -> str:
    m1, d1, m2, d2 = match.group("m1", "d1", "m2", "d2")
    if (m1, d1, m2 or m1, d2) == ("Dec", "29", "Jan", "03") or (m1, d1, m2, d2) == (
        "Dec",
        "31",
        "Jan",
        "03",
    ):
        return "年末年始休み" if lang == "ja" else "closed over the New Year"
    if lang == "en":
        last = f"–{(m2 + ' ') if m2 else ''}{int(d2)}" if d2 else ""
        return f"closed {m1} {int(d1)}{last}"
    first = f"{_MONTHS.index(m1) + 1}月{int(d1)}日"
    if not d2:
        return f"{first}休み"
    last = f"{_MONTHS.index(m2) + 1}月{int(d2)}日" if m2 else f"{int(d2)}日"
    return f"{first}–{last}休み"


def hours_words(expression: str | None, lang: str = "ja") -> str | None:
    """Desk hours as a person reads them on paper: `Mo-Fr 09:00-18:00; PH off;
    Dec 29-Jan 03 off` → 平日 9–18時、土日祝休み、年末年始休み. None when the expression is
    empty or uses a form this does not put into words (the caller says the hours are
    unconfirmed rather than showing the expression)."""
    if not expression or hours_problem(expression) is not None:
        return None
    text = expression.strip().rstrip(";")
    if text == "24/7":
        return "24時間・年中無休" if lang == "ja" else "24 hours, every day"
    opened: set[int] = set()
    holidays_open = holidays_off = False
    parts: list[str] = []
    closed: list[str] = []
    for rule in (r.strip() for r in text.split(";")):
        if match := _DATES_OFF.fullmatch(rule):
            closed.append(_date_words(match, lang))
            continue
        match = _RULE.fullmatch(rule)
        if match is None:
            return None
        days, holidays = _days(match["days"]) if match["days"] else (set(range(7)), False)
        if match["spans"] in ("off", "closed"):
            if days or not holidays:
                return None  # a weekday closed after opening: too rare to word safely
            holidays_off = True
            continue
        opened |= days
        holidays_open = holidays_open or holidays
        parts.append(f"{_day_words(days, holidays, lang)} {_span_words(match['spans'], lang)}")
    if not parts:
        return None
    shut = set(range(7)) - opened
    if shut or holidays_off:
        words = _day_words(shut, holidays_off and not holidays_open, lang) if shut else None
        if lang == "ja":
            closed.insert(0, f"{words}休み" if words else "祝日休み")
        else:
            closed.insert(
                0, f"closed {words or 'holidays'}".replace("closed Weekdays", "closed weekdays")
            )
    separator = "、" if lang == "ja" else "; "
    return separator.join([*parts, *closed])


def open_intervals(
    expression: str | None, start: dt.datetime, days: int = 14
) -> list[tuple[dt.datetime, dt.datetime]] | None:
    """The spans a desk is open from `start` for `days` days (Tokyo, holidays applied), so
    a page saved on a phone can say "open now" without the server: the phone compares its
    clock with spans worked out here by the one hours code. None when the hours are not
    known (no expression, or an 'unknown' rule), which the phone then says."""
    if not expression:
        return None
    hours = _parse(expression)
    at = start.astimezone(TOKYO)
    until = at + dt.timedelta(days=days)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for begin, end, state, _comment in hours.intervals(at, until):
        if state == opening_hours.State.UNKNOWN:
            return None
        if state != opening_hours.State.OPEN:
            continue
        begin = max(begin.astimezone(TOKYO), at)
        end = min(end.astimezone(TOKYO), until)
        if spans and spans[-1][1] == begin:  # one span across midnight, not two
            spans[-1] = (spans[-1][0], end)
        elif begin < end:
            spans.append((begin, end))
    return spans
