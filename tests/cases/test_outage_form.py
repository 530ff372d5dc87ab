"""The case page's outage form, rendered once per language, zone and whether the outage
ended, with the case's times written in: what the form itself renders for those times."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from madoguchi.cases.forms import OutageForm, outage_form

UTC = dt.UTC
TIMES = [
    (dt.datetime(2026, 12, 6, 14, 59, 31, tzinfo=UTC), None),  # 23:59 in Tokyo
    (dt.datetime(2026, 12, 6, 15, 0, tzinfo=UTC), dt.datetime(2026, 12, 7, 3, 7, 59, tzinfo=UTC)),
    (dt.datetime(2025, 1, 1, 0, 0, tzinfo=UTC), dt.datetime(2025, 1, 1, 0, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "UTC"])
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(("started", "ended"), TIMES)
def test_the_form_is_what_the_form_renders(
    language: str, zone: str, started: dt.datetime, ended: dt.datetime | None
) -> None:
    with translation.override(language), timezone.override(zone):
        expected = OutageForm(initial={"outage_started": started, "outage_ended": ended}).as_p()
        assert outage_form(started, ended) == expected


def test_the_case_s_times_are_in_it_in_local_time() -> None:
    started, ended = TIMES[1]
    with translation.override("ja"), timezone.override("Asia/Tokyo"):
        html = outage_form(started, ended)
    assert 'value="2026-12-07T00:00"' in html
    assert 'value="2026-12-07T12:07"' in html
    assert "1901" not in html
