"""A desk's status from the spans kept per expression is the status worked out afresh."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from madoguchi.engine import hours
from madoguchi.engine.catalog import load_catalog
from madoguchi.engine.hours import UNKNOWN, DeskStatus, desk_status
from madoguchi.engine.model import TOKYO


def _afresh(expression: str, at: dt.datetime) -> DeskStatus:
    """The status without the kept spans: the expression evaluated at `at`."""
    status, _until = hours._status_until(hours._parse(expression), at.astimezone(TOKYO))
    return status


def _times() -> list[dt.datetime]:
    """Every 13 minutes over the New Year and Golden Week, and each state change ± 1 µs."""
    times = []
    for first, days in (
        (dt.datetime(2026, 12, 26, tzinfo=TOKYO), 12),
        (dt.datetime(2027, 4, 28, tzinfo=TOKYO), 9),
    ):
        times += [first + dt.timedelta(minutes=13 * i) for i in range(days * 24 * 60 // 13)]
    return times


EXPRESSIONS = sorted(
    {d.hours for p in load_catalog().parties.values() for d in p.desks if d.hours}
    | {"24/7", "off", "Mo-Fr 09:00-17:00; PH off; Sa unknown", "Dec 24 10:00-11:00"}
)


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_kept_spans_answer_as_a_fresh_evaluation(expression: str) -> None:
    parsed = hours._parse(expression)
    times = _times()
    changes = [c for t in times[::40] if (c := parsed.next_change(t)) is not None]
    one = dt.timedelta(microseconds=1)
    times += [t for c in changes for t in (c - one, c, c + one)]
    expected = {t: _afresh(expression, t) for t in times}
    for order in (sorted(times), random.Random(26).sample(times, len(times))):
        hours._SPANS.clear()
        assert [desk_status(expression, t) for t in order] == [expected[t] for t in order]


def test_a_desk_closed_for_good_is_asked_afresh_each_time() -> None:
    """Its answer (no opening within the horizon) depends on the time asked: never kept."""
    hours._SPANS.clear()
    at = dt.datetime(2026, 12, 1, 10, tzinfo=TOKYO)
    assert desk_status("off", at) == DeskStatus(open_now=False, next_open=None)
    assert "off" not in hours._SPANS
    assert desk_status("", at) is UNKNOWN
