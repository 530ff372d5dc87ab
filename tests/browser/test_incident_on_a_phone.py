"""Issue 29 on a phone (390×844, Japanese): three customers of one installer lose the same
operator's line within the hour; the desk suggests one incident, the installer confirms it,
logs the operator's answer once, makes the customers' link, and a customer opens it without
a login and sees what is down, since when and what the operator said."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from madoguchi.incidents.models import Incident
from madoguchi.orgs.models import Role
from tests.browser.test_desk_in_a_browser import log_in
from tests.browser.test_new_site_on_a_phone import _no_sideways_scroll, phone  # noqa: F401
from tests.factories import CaseFactory, ContractFactory, MembershipFactory, SiteFactory

pytestmark = [pytest.mark.browser]


def test_the_desk_suggests_an_incident_and_a_customer_sees_its_page(
    live_server: Any,
    phone: Any,  # noqa: F811
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="ines")
    now = timezone.now()
    for n, name in enumerate(("山田商店", "佐藤歯科", "鈴木設計事務所")):
        site = SiteFactory(organization=member.organization, name=name, prefecture="東京都")
        ContractFactory(site=site, party="docomo-hikari", monthly_yen=5720)
        at = now - dt.timedelta(minutes=50 - 15 * n)
        CaseFactory(site=site, services=["access"], outage_started=at, created=at)
    page = phone
    log_in(page, live_server.url, member.user.username)

    page.goto(f"{live_server.url}/cases/")
    suggestion = page.locator("#incident-suggestions")
    assert "同じ障害の可能性" in suggestion.inner_text()
    assert "3拠点" in suggestion.inner_text()
    _no_sideways_scroll(page, "incident-0-dashboard")

    page.click("button:has-text('1つの障害にまとめる')")
    incident = Incident.objects.get()
    assert incident.links.count() == 3
    assert "ドコモ光" in page.locator("h1").inner_text()
    _no_sideways_scroll(page, "incident-1-confirmed")

    page.fill("textarea[name=said]", "東京都内の設備故障。復旧作業中とのこと")
    page.fill("input[name=reference]", "DH-2026-1206")
    page.click("button:has-text('すべての案件に記録する')")
    assert "東京都内の設備故障" in page.locator("#updates").inner_text()
    page.click("button:has-text('お客さま向けリンクを作る')")
    status_url = page.locator("#customers a").first.get_attribute("href")
    assert status_url
    assert "/status/" in status_url
    _no_sideways_scroll(page, "incident-2-called")

    customer = page.context.browser.new_page(
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )
    customer.goto(status_url.replace("http://testserver", live_server.url))
    text = customer.locator("main").inner_text()
    assert "つながりません" in text
    assert "東京都内の設備故障" in text
    for private in ("山田商店", "佐藤歯科", "鈴木設計事務所", "DH-2026-1206", "ログイン"):
        assert private not in text
    _no_sideways_scroll(customer, "incident-3-status-page")
    customer.close()
