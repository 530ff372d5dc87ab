"""Times people enter on a phone (seed 000, "since noon"): every whole minute is accepted,
seconds are dropped, the fields start at now, and "いつから？" opens a case from that minute."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from madoguchi.cases.forms import LogForm, OpenCaseForm, OutageForm, blank_log_form, outage_form
from madoguchi.cases.models import Case
from tests.conftest import World

TOKYO = dt.timezone(dt.timedelta(hours=9))
# 15:47:31 in Tokyo: a page opened at an odd second, as in seed 000.
NOW = dt.datetime(2026, 6, 10, 15, 47, 31, tzinfo=TOKYO)


def test_time_inputs_step_by_the_minute() -> None:
    html = str(OutageForm()["outage_started"])
    assert 'step="60"' in html


def test_a_time_with_seconds_is_kept_to_the_minute() -> None:
    form = OutageForm({"outage_started": "2026-06-10T12:00:59"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outage_started"].second == 0


def test_a_whole_minute_is_accepted() -> None:
    form = OutageForm({"outage_started": "2026-06-10T12:00"})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["outage_started"]).strftime("%H:%M") == "12:00"


@time_machine.travel(NOW, tick=False)
def test_the_call_form_starts_at_this_minute() -> None:
    html = blank_log_form([("ntt-east", "NTT東日本")], "ntt-east")
    assert 'name="at" value="2026-06-10T15:47"' in html
    assert 'name="promise_due" value="2026-06-10T15:47"' in html


@time_machine.travel(NOW, tick=False)
def test_an_empty_call_time_is_this_minute() -> None:
    form = LogForm({"kind": "call-out"}, parties=[])
    assert form.is_valid(), form.errors
    assert form.entry_values()["at"] == NOW.replace(second=0)


@time_machine.travel(NOW, tick=False)
def test_since_today_at_noon() -> None:
    form = OpenCaseForm({"since": "today", "since_time": "12:00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outage_started"] == dt.datetime(2026, 6, 10, 12, 0, tzinfo=TOKYO)


@time_machine.travel(NOW, tick=False)
def test_since_yesterday_evening() -> None:
    form = OpenCaseForm({"since": "yesterday", "since_time": "18:30"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outage_started"] == dt.datetime(2026, 6, 9, 18, 30, tzinfo=TOKYO)


@time_machine.travel(NOW, tick=False)
def test_since_now_is_this_minute() -> None:
    form = OpenCaseForm({"since": "now"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["outage_started"] == NOW.replace(second=0)


@time_machine.travel(NOW, tick=False)
def test_a_time_still_to_come_today_is_refused_naming_the_field() -> None:
    form = OpenCaseForm({"since": "today", "since_time": "18:00"})
    assert not form.is_valid()
    assert "since_time" in form.errors


@time_machine.travel(NOW, tick=False)
def test_today_without_a_time_asks_for_it() -> None:
    form = OpenCaseForm({"since": "today"})
    assert not form.is_valid()
    assert "since_time" in form.errors


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_opening_from_the_site_page_since_noon(world: World) -> None:
    url = reverse("cases:open", args=[world.site_a.pk])
    world.clients["alice"].post(url, {"title": "止まった", "since": "today", "since_time": "12:00"})
    case = Case.objects.get(site=world.site_a, title="止まった")
    assert case.outage_started == dt.datetime(2026, 6, 10, 12, 0, tzinfo=TOKYO)


@pytest.mark.django_db
def test_the_site_page_asks_since_when(world: World) -> None:
    page = world.clients["alice"].get(
        reverse("sites:detail", args=[world.site_a.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    )
    text = page.content.decode()
    assert "いつから？" in text
    assert 'name="since_time"' in text


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_outage_form_is_written_as_the_form_writes_it(language: str) -> None:
    started = dt.datetime(2026, 6, 10, 12, 0, 59, tzinfo=TOKYO)
    ended = dt.datetime(2026, 6, 10, 18, 30, tzinfo=TOKYO)
    with translation.override(language):
        expected = OutageForm(initial={"outage_started": started, "outage_ended": ended}).as_p()
        assert outage_form(started, ended) == expected
        assert outage_form(started, None) != expected  # each pair of times its own


def test_the_outage_form_speaks_the_pages_language() -> None:
    started = dt.datetime(2026, 6, 10, 12, 0, tzinfo=TOKYO)
    with translation.override("ja"):
        japanese = outage_form(started, None)
    with translation.override("en"):
        english = outage_form(started, None)
    assert "障害発生" in japanese
    assert "outage started" in english
