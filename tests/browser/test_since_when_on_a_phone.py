"""Seed 000 on a phone (390 px, Japanese): "it stopped a little after noon". The case is
opened from the site page with いつから？ 今日の 12:00, and the outage lasts from that minute;
the outage form then takes any whole minute (no seconds stepping)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.test_desk_in_a_browser import SCREENSHOTS, log_in
from tests.browser.test_journey_on_a_phone import phone  # noqa: F401  (the 390 px fixture)
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]

SITE = (
    "site: {name: 事務所, prefecture: 東京都, building: detached, holder: business}\n"
    "contracts:\n"
    "  - {ref: line, service: access, party: ntt-east}\n"
    "symptoms: [internet-down]\n"
)


def test_since_noon_today_sets_the_outage_from_that_minute(
    live_server: Any,
    phone: Any,  # noqa: F811
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site, _warnings = import_site_text(member.organization, SITE)
    page = phone
    log_in(page, live_server.url, member.user.username)
    # The server's clock: 15:47:31, an odd second, as when the installer opened the case.
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 47, 31, tzinfo=TOKYO), tick=True):
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        page.fill("input[name=title]", "昼過ぎから突然つながらない")
        page.check("input[name=since][value=today]")
        page.fill("input[name=since_time]", "12:00")
        page.click("button:has-text('ケースを開始')")
        facts = page.locator(".heading .facts").inner_text()
        assert "3時間47分" in facts or "3時間48分" in facts, facts
        started = page.locator("#outage-times input[name=outage_started]")
        assert started.input_value() == "2026-11-20T12:00"
        assert started.get_attribute("step") == "60"
        # Any whole minute is valid on the phone's picker: 12:03 is accepted as typed.
        started.fill("2026-11-20T12:03")
        assert started.evaluate("e => e.checkValidity()")
        page.locator("#outage-times button").click()
        facts = page.locator(".heading .facts").inner_text()
        assert "3時間44分" in facts or "3時間45分" in facts, facts
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "since-noon-phone.png"), full_page=True)
