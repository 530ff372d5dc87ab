"""A case without a title (an imported site file may give none) is named by what is down
and since when, in words, never by its file reference."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from madoguchi.cases.models import Case
from madoguchi.engine.model import TOKYO
from tests.conftest import World
from tests.factories import CaseFactory

STARTED = dt.datetime(2026, 1, 31, 9, 5, tzinfo=TOKYO)


def _untitled(world: World, **fields: object) -> Case:
    case: Case = CaseFactory(site=world.site_a, ref="outage-0131", title="", **fields)
    return case


def test_an_untitled_case_says_what_is_down_since_when(world: World) -> None:
    case = _untitled(world, services=["access", "isp", "phone"], outage_started=STARTED)
    with translation.override("ja"):
        assert str(case) == "インターネット・電話がつながらない (2026年1月31日(土)から)"
    with translation.override("en"):
        assert str(case) == "Internet and phone down (since Sat 31 Jan 2026)"


def test_an_untitled_case_without_services_or_start_is_still_words(world: World) -> None:
    with translation.override("ja"):
        assert str(_untitled(world)) == "通信がつながらない"


def test_a_title_is_kept_as_it_is(world: World) -> None:
    case = CaseFactory(site=world.site_a, title="2階の電話だけ不通", services=["phone"])
    assert str(case) == "2階の電話だけ不通"


def test_the_desk_lists_and_the_case_page_name_it_in_words(world: World) -> None:
    case = _untitled(world, services=["access"], outage_started=STARTED, status="open")
    client = world.clients["alice"]
    name = "インターネットがつながらない (2026年1月31日(土)から)"
    for url in ("/cases/", "/cases/all/", f"/sites/{world.site_a.pk}/"):
        page = client.get(url).content.decode()
        assert f">{name}</a>" in page, url
    for url in ("/cases/", "/cases/all/"):  # (the assessment's findings cite the file's ref)
        assert "outage-0131" not in client.get(url).content.decode()
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f"<h1>{name} <small" in page
    assert f"<title>{name} — " in page
