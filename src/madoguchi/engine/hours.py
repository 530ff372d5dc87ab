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
