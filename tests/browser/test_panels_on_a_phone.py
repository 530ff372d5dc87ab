"""The panels other apps serve, on a phone (390×844, Japanese): the desk, a case page, the
statistics and an agent's page show them once loaded after the page (the agents' money, the
same outage at several sites, the incident figures, an agent's requests and payments), and
without JavaScript each placeholder keeps its link to the full page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from madoguchi.agents.services import create_agent
from madoguchi.orgs.models import Role
from madoguchi.receivables.selectors import today
from madoguchi.receivables.services import create_receivable, record_payment
from madoguchi.subcontracts.services import receive_request
from tests.browser.conftest import SCREENSHOTS, open_page
from tests.browser.test_site_on_a_phone import PHONE, log_in, no_sideways_scroll, phone, pytestmark
from tests.factories import (
    CaseFactory,
    ContractFactory,
    MembershipFactory,
    SiteFactory,
    subcontract_values,
)

__all__ = ["phone", "pytestmark"]


@pytest.fixture
def desk(db: Any) -> dict[str, Any]:
    member = MembershipFactory(role=Role.OWNER, user__username="panels")
    organization = member.organization
    now = timezone.now()
    cases = []
    for n, name in enumerate(("山田商店", "佐藤歯科", "鈴木設計事務所")):
        site = SiteFactory(organization=organization, name=name, prefecture="東京都")
        ContractFactory(site=site, party="docomo-hikari", monthly_yen=5720)
        at = now - dt.timedelta(minutes=50 - 15 * n)
        cases.append(
            CaseFactory(site=site, services=["access"], outage_started=at, created=at, title=name)
        )
    agent = create_agent(organization, name="株式会社ひかりコネクト")
    due = today() - dt.timedelta(days=3)
    short = create_receivable(
        organization, agent=agent, description="回線切替の出張サポート", amount_yen=12000, due=due
    )
    record_payment(short, paid_on=due, amount_yen=11560, fee_yen=440)
    receive_request(organization, values=subcontract_values(agent_name=agent.name))
    return {"member": member, "cases": cases, "agent": agent}


def _loaded(page: Any, name: str) -> None:
    """Every placeholder replaced by its panel; the page as wide as the phone."""
    expect(page.locator("[data-panel]")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    no_sideways_scroll(page)


def test_the_panels_show_after_the_page_loads(
    live_server: Any, phone: Any, desk: dict[str, Any]
) -> None:
    page = phone
    log_in(page, live_server.url, desk["member"].user.username)

    page.goto(f"{live_server.url}/cases/")
    _loaded(page, "panels-desk-phone")
    assert "入金不足: 1件（440円）" in page.locator("#receivables").inner_text()
    suggestion = page.locator("#incident-suggestions").inner_text()
    assert "同じ障害の可能性" in suggestion
    assert "3拠点" in suggestion
    # the order of today: the suggestions first, the money between overdue and due soon
    order = page.evaluate("[...document.querySelectorAll('main > section[id]')].map((s) => s.id)")
    assert order == ["incident-suggestions", "overdue", "receivables", "due-soon", "open-cases"]

    page.goto(f"{live_server.url}/cases/{desk['cases'][0].pk}/")
    _loaded(page, "panels-case-phone")
    assert "山田商店" in page.locator("#incident-suggestions").inner_text()
    assert page.locator("#incident-suggestions button.primary").is_visible()

    page.goto(f"{live_server.url}/cases/stats/")
    _loaded(page, "panels-stats-phone")
    assert page.locator("h2#incidents").is_visible()

    page.goto(f"{live_server.url}/agents/{desk['agent'].pk}/")
    _loaded(page, "panels-agent-phone")
    assert "入金不足: 1件（440円）" in page.locator(".agent-payments").inner_text()
    assert page.locator("#agent-requests li").count() == 1


@pytest.fixture
def phone_without_script(chromium: Any) -> Iterator[Any]:
    yield from open_page(
        chromium,
        locale="ja-JP",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
    )


def test_without_javascript_each_placeholder_links_to_its_page(
    live_server: Any, phone_without_script: Any, desk: dict[str, Any]
) -> None:
    page = phone_without_script
    log_in(page, live_server.url, desk["member"].user.username)
    page.goto(f"{live_server.url}/cases/")
    page.screenshot(path=str(SCREENSHOTS / "panels-desk-no-script-phone.png"), full_page=True)
    no_sideways_scroll(page)
    links = page.locator("[data-panel] a")
    assert links.count() == 2
    page.click("[data-panel] a[href='/receivables/']")
    assert "株式会社ひかりコネクト" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/cases/{desk['cases'][0].pk}/")
    assert page.locator("[data-panel] a[href='/incidents/']").is_visible()
