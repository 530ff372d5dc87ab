"""One journey in a real browser: log in, open a demo site, see who to call, add a contract,
and see the assessment change. Chromium comes from Debian (/usr/bin/chromium); Playwright
drives it and never downloads a browser."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import (  # also imported from here by other browser tests
    CHROMIUM,
    FLAGS,  # noqa: F401
    SCREENSHOTS,
    open_page,
)
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests")
    page.click("main form button[type=submit]")


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport={"width": 1200, "height": 1000})


def test_log_in_see_who_to_call_and_add_a_contract(live_server: Any, browser_page: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 佐藤家, prefecture: 千葉県, building: detached}\n"
        "contracts:\n"
        "  - {ref: line, service: access, party: docomo-hikari, includes_isp: true,"
        " acquired: tenyo, start: 2016-02-01}\n"
        "symptoms: [phone-down]\n"
        "observations: {onu: {power: on, optical: on, auth: on, uni: on}}\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = browser_page

    log_in(page, live_server.url, member.user.username)
    page.click(f"text={site.name}")

    panel = page.locator("#call-now")
    assert "いま電話するところ" in panel.inner_text()
    assert "連絡先が分かりません" in panel.inner_text()  # nobody holds the phone on record
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "site-before.png"), full_page=True)

    page.click("text=契約を追加")
    page.fill("input[name=ref]", "phone")
    page.select_option("select[name=service]", "phone")
    page.fill("input.picker-filter", "NTT")  # the filter box picks NTT東日本 in 千葉県
    page.fill("input[name=product]", "ひかり電話")
    page.click("main form button:has-text('保存')")

    panel = page.locator("#call-now")
    assert "NTT東日本" in panel.inner_text()
    assert "113" in panel.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "site-after.png"), full_page=True)


def test_a_broken_callback_tops_the_dashboard(live_server: Any, browser_page: Any) -> None:
    import datetime as dt

    import time_machine
    from django.utils import timezone

    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 株式会社サンプル 本社, prefecture: 東京都}\n"
        "contracts:\n  - {ref: line, service: access, party: docomo-hikari, includes_isp: true}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = browser_page
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")

    page.fill("input[name=title]", "インターネット・電話・FAX 不通")
    page.click("button:has-text('ケースを開始')")
    assert "いま電話するところ" in page.locator("#call-assistant").inner_text()

    due = timezone.localtime() + dt.timedelta(hours=2)
    page.select_option("select[name=party]", "docomo-hikari")
    page.fill("input[name=person]", "受付 田中")
    page.fill("input[name=reference]", "A-2026-0610")
    page.fill("textarea[name=said]", "技術担当から2時間以内に折り返します")
    page.select_option("select[name=status]", "waiting")
    page.select_option("select[name=promise_what]", "callback")
    page.fill("input[name=promise_due]", due.strftime("%Y-%m-%dT%H:%M"))
    page.click("button:has-text('記録')")
    assert "A-2026-0610" in page.locator("#timeline").inner_text()

    with time_machine.travel(due + dt.timedelta(minutes=30), tick=True):
        page.goto(f"{live_server.url}/cases/")
        first = page.locator("#overdue .finding").first
        assert "ドコモ光" in first.inner_text()
        assert "分超過" in first.inner_text()  # how late, e.g. 30分超過
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dashboard-overdue.png"), full_page=True)


def test_no_page_breaks_the_content_security_policy(live_server: Any, browser_page: Any) -> None:
    """Every kind of page, the API docs and the admin load with the policy enforced: the
    browser reports no refused script, style or image."""
    member = MembershipFactory(role=Role.OWNER, user__is_staff=True, user__is_superuser=True)
    text = (
        "site: {name: 本社, prefecture: 東京都}\n"
        "contracts:\n  - {ref: line, service: access, party: docomo-hikari, includes_isp: true}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = browser_page
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.click("button:has-text('ケースを開始')")
    case_url = page.url
    for path in [
        "/sites/",
        f"/sites/{site.pk}/",
        f"/sites/{site.pk}/contracts/add/",
        "/sites/import/",
        "/cases/",
        "/cases/all/",
        "/cases/stats/",
        "/api/v1/docs",
        "/admin/",
        "/admin/directory/party/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None, path
        assert response.ok, path
        assert response.headers.get("content-security-policy"), path
        page.wait_for_load_state("networkidle")
    page.goto(case_url)
    page.wait_for_load_state("networkidle")
    assert "swagger-ui" in page.goto(f"{live_server.url}/api/v1/docs").text()
    # The schema is built on its first request: seconds on a loaded machine.
    page.wait_for_selector(".swagger-ui .info", timeout=60_000)
    assert refused == []
