"""When the line is down, on a phone (390 px, Japanese): a site page opened once is readable
with the network off (the number, the IDs, the time it was saved, a tel: link), and nothing
of it is after logout; the single saved file, opened from the phone's files with the network
off, says whether the desk is open at the phone's clock, holidays and the year end included."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine

from madoguchi.contracts.models import OfflineCopy
from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.test_desk_in_a_browser import CHROMIUM, SCREENSHOTS
from tests.browser.test_site_on_a_phone import EXAMPLES, PHONE, log_in, no_sideways_scroll
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The worker's Chromium (tests/browser/conftest.py): each test opens its own contexts."""
    return chromium


def _phone(browser: Any) -> Any:
    return browser.new_context(
        locale="ja-JP",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        service_workers="allow",
    )


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)


def test_a_site_opened_once_reads_offline_until_logout(live_server: Any, browser: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (EXAMPLES / "seed000-office-unknown-collabo.yaml").read_text(encoding="utf-8")
    site, _warnings = import_site_text(member.organization, text)
    context = _phone(browser)
    page = context.new_page()
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    state = page.locator("#offline-use .offline-state")
    state.filter(has_text="接続なしでも見られます").wait_for(timeout=15000)
    no_sideways_scroll(page)
    page.click("#offline-use button.pin")  # 「オフラインで使う」: kept up to date
    page.locator("#offline-use button.pin[aria-pressed=true]").wait_for(timeout=15000)
    page.locator("#offline").screenshot(path=str(SCREENSHOTS / "phone-offline-section.png"))

    context.set_offline(True)
    page.reload()
    body = page.inner_text("body")
    assert "現在の情報" in body  # the saved page, not the server's
    assert "CAF0000001" in body
    dial = page.locator("#offline-call-now a.dial")  # NTT East's 光 fault desk, from a mobile
    assert dial.get_attribute("href") == "tel:0120-000-113"
    assert "0120-000-113" in dial.inner_text()
    no_sideways_scroll(page)
    _shot(page, "offline-site")

    context.set_offline(False)
    page.goto(f"{live_server.url}/sites/")
    assert page.evaluate("caches.keys().then(k => k.length)") >= 1
    page.click("form.logout button")
    page.wait_for_url("**/accounts/login/**")
    # The login page forgets the kept sites as it loads; wait for that rather than race it.
    page.wait_for_function("caches.keys().then((keys) => keys.length === 0)", timeout=15000)
    page.wait_for_function(
        "navigator.serviceWorker.getRegistrations().then((found) => found.length === 0)",
        timeout=15000,
    )
    context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        shown = page.content()
    except Exception:  # no service worker left: the browser's own "no connection"
        shown = ""
    assert "CAF0000001" not in shown
    assert site.name not in shown
    context.close()


def test_the_saved_file_says_open_or_closed_from_the_phones_files(
    live_server: Any, browser: Any, tmp_path: Path
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (EXAMPLES / "year-end-closed-desk.yaml").read_text(encoding="utf-8")
    site, _warnings = import_site_text(member.organization, text)
    context = _phone(browser)
    page = context.new_page()
    saved_at = dt.datetime(2026, 12, 28, 9, 0, tzinfo=TOKYO)  # a Monday before the year end
    with time_machine.travel(saved_at, tick=True):
        log_in(page, live_server.url, member.user.username)
        page.goto(f"{live_server.url}/sites/{site.pk}/#offline")
        with page.expect_download() as download:
            page.click("#offline button:has-text('オフライン用ページを保存')")
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
    assert path.name.endswith(".html")
    assert OfflineCopy.objects.filter(site=site, kind="page").count() == 1
    context.close()

    context = _phone(browser)
    context.set_offline(True)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    naniwa = page.locator("#offline-map .desk-entry", has_text="なにわISP").locator(".open-now")

    page.clock.set_fixed_time(dt.datetime(2026, 12, 28, 10, 0, tzinfo=TOKYO))
    page.goto(path.as_uri())
    assert naniwa.inner_text().startswith("● 受付中")
    assert "きょう 18:00 まで" in naniwa.inner_text()
    body = page.inner_text("body")
    assert "06-0000-0000" in body
    assert "2026年12月28日(月) 09:00 現在の情報" in body
    assert page.locator("a[href='tel:06-0000-0000']").count() >= 1
    no_sideways_scroll(page)
    _shot(page, "offline-file-open")

    page.clock.set_fixed_time(dt.datetime(2026, 12, 30, 10, 0, tzinfo=TOKYO))  # 年末年始休み
    page.reload()
    assert naniwa.inner_text() == "○ 受付時間外・1月4日(月) 09:00 から"
    _shot(page, "offline-file-closed")

    page.clock.set_fixed_time(dt.datetime(2027, 1, 20, 10, 0, tzinfo=TOKYO))  # past 14 days
    page.reload()
    assert "14日を過ぎた" in naniwa.inner_text()
    assert all(url.startswith("file://") for url in requests), requests
    context.close()


def test_a_session_ended_elsewhere_forgets_the_saved_sites(live_server: Any, browser: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (EXAMPLES / "seed000-office-unknown-collabo.yaml").read_text(encoding="utf-8")
    site, _warnings = import_site_text(member.organization, text)
    context = _phone(browser)
    page = context.new_page()
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.locator("#offline-use .offline-state").filter(has_text="接続なしでも見られます").wait_for(
        timeout=15000
    )
    context.clear_cookies()  # the session ended on the server (expired, or logged out there)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.wait_for_url("**/accounts/login/**")
    page.wait_for_function("caches.keys().then(k => k.length === 0)", timeout=15000)
    context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        shown = page.content()
    except Exception:
        shown = ""
    assert "CAF0000001" not in shown
    context.close()
