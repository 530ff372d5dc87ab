"""Desk hours: OpenStreetMap `opening_hours` evaluated in Tokyo with Japanese holidays.

`PH` in an expression means a Japanese public holiday (the holiday calendar comes with
opening-hours-py, `country="JP"`). Parsed expressions are cached: a catalog has a few
dozen distinct ones and the engine evaluates them for every assessment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import opening_hours

from madoguchi.engine.timezone import TOKYO


@dataclass(frozen=True, slots=True)
class DeskStatus:
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
    """Whether a desk is open at `now` and, when closed, when it next opens."""
    if not expression:
        return UNKNOWN
    hours = _parse(expression)
    at = now.astimezone(TOKYO)
    state, _comment = hours.state(at)
    if state == opening_hours.State.OPEN:
        return DeskStatus(open_now=True, next_open=None)
    if state == opening_hours.State.UNKNOWN:
        return UNKNOWN
    limit = at + _HORIZON
    for start, _end, interval_state, _c in hours.intervals(at, limit):
        if interval_state == opening_hours.State.OPEN:
            return DeskStatus(open_now=False, next_open=start.astimezone(TOKYO))
    return DeskStatus(open_now=False, next_open=None)


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
