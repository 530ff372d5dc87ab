"""The numbers people call, on a phone (390×844, Japanese): the call-now block and the
contract map show each number with how the desk answers and what the call costs, in words,
without codes; the facts page fits the screen too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from madoguchi.contracts.models import Site
from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import SCREENSHOTS, open_page
from tests.browser.test_site_on_a_phone import (
    PHONE,
    log_in,
    no_sideways_scroll,
    pytestmark,  # noqa: F401  (browser only, skipped without chromium)
    shot,
)
from tests.directory.test_facts import WEST_HIKARI
from tests.factories import MembershipFactory
from tests.walks.test_no_codes import leaks


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport=PHONE, device_scale_factor=2)


def test_the_call_now_block_shows_number_answer_and_cost(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site, _warnings = import_site_text(member.organization, WEST_HIKARI)
    Site.objects.filter(pk=site.pk).update(assess_at=dt.datetime(2026, 3, 7, 18, 0, tzinfo=TOKYO))
    page = phone
    log_in(page, live_server.url, member.user.username)

    page.goto(f"{live_server.url}/sites/{site.pk}/")
    no_sideways_scroll(page)
    shot(page, "phone-numbers-site.png")
    call_now = page.locator("#call-now")
    call_now.screenshot(path=str(SCREENSHOTS / "phone-numbers-call-now.png"))
    text = call_now.inner_text()
    assert "0120-248995" in text
    assert "録音で受付、あとで折り返し連絡" in text
    assert "修理は9:00〜17:00" in text
    assert "通話無料" in text
    assert not leaks(text, "ja")
    note = call_now.locator(".call-note")
    assert note.is_visible()
    box = note.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 390
    contract_map = page.locator("#contract-map").inner_text()
    assert "携帯電話からは 0800-2000116" in contract_map
    assert not leaks(contract_map, "ja")

    page.goto(f"{live_server.url}/facts/")
    no_sideways_scroll(page)
    shot(page, "phone-facts.png")
    assert not leaks(page.locator("main").inner_text(), "ja")
