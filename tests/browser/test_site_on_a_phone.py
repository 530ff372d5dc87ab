"""A household on a phone (390×844, Japanese): a demo file whose `now:` is long past is
imported through the web page and its page shows today's time; bill lines are added by hand
and the finding that reads them appears at once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.contracts.models import Site
from madoguchi.engine.messages import day_text
from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, open_page
from tests.factories import MembershipFactory

EXAMPLES = Path(__file__).parents[2] / "examples"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport=PHONE, device_scale_factor=2)


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests")
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()


WIDE = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
  .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 40))
"""


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], (page.url, width, page.evaluate(WIDE))


def shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_an_imported_demo_file_is_checked_at_todays_time(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    demo = EXAMPLES / "seed001-phone-stays-with-ntt.yaml"
    assert 'now: "2026-03-04' in demo.read_text(encoding="utf-8")
    page = phone
    log_in(page, live_server.url, member.user.username)

    page.goto(f"{live_server.url}/sites/import/")
    no_sideways_scroll(page)
    shot(page, "phone-import.png")
    page.set_input_files("input[name=files]", str(demo))
    page.click("main form button:has-text('取り込む')")
    page.wait_for_load_state()

    site = Site.objects.get(organization=member.organization)
    assert site.assess_at is None
    today = dt.datetime.now(TOKYO)
    shown = f"いま {day_text('ja', today.date())}"
    panel = page.locator("#call-now").inner_text()
    assert shown in panel, panel
    main = page.locator("main").inner_text()
    # Neither the fixed-time notice nor a "時点 (固定)" clock: the file's now: is not kept.
    assert "時刻に固定して判定しています" not in main
    assert "(固定)" not in main
    no_sideways_scroll(page)
    shot(page, "phone-imported-site.png")
    page.locator("#call-now").screenshot(path=str(SCREENSHOTS / "phone-imported-call-now.png"))

    # The same file again: the page offers to update the site rather than add a second one.
    page.goto(f"{live_server.url}/sites/import/")
    page.set_input_files("input[name=files]", str(demo))
    page.click("main form button:has-text('取り込む')")
    assert "この拠点はすでにあります" in page.locator("main").inner_text()
    no_sideways_scroll(page)
    shot(page, "phone-import-again.png")
    page.click("button:has-text('更新する')")
    page.wait_for_load_state()
    assert Site.objects.filter(organization=member.organization).count() == 1


def test_bill_lines_by_hand_show_the_residual_option(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 佐藤家, prefecture: 千葉県, building: detached}\n"
        "contracts:\n"
        "  - {ref: line, service: access, party: docomo-hikari, product: ドコモ光 1ギガ,"
        " includes_isp: true, acquired: tenyo, start: 2016-02-01}\n"
        "  - {ref: phone, service: phone, party: ntt-east, product: ひかり電話}\n"
        "events:\n  - {date: 2016-02-01, kind: tenyo, contract: line}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    assert "ウイルスクリア" not in page.locator("#findings").inner_text()

    month = dt.datetime.now(TOKYO).strftime("%Y-%m")
    page.click("text=請求を追加")
    no_sideways_scroll(page)
    page.select_option("select[name=party]", label="NTT東日本")
    page.fill("input[name=month]", month)
    page.fill("input[name=item]", "ウイルスクリア")
    page.fill("input[name=yen]", "440")
    shot(page, "phone-bill-form.png")
    page.click("main form button:has-text('保存')")
    page.wait_for_load_state()

    findings = page.locator("#findings").inner_text()
    assert "ウイルスクリア" in findings, findings
    assert "NTT東日本" in findings, findings
    bills = page.locator("#bills").inner_text()
    assert "440円" in bills
    no_sideways_scroll(page)
    shot(page, "phone-site-with-bills.png")

    for section in ("call-now", "findings", "trouble", "bills"):
        page.locator(f"#{section}").screenshot(path=str(SCREENSHOTS / f"phone-{section}.png"))


def test_a_fixed_time_is_shown_as_fixed_with_a_way_back(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    demo = EXAMPLES / "seed001-phone-stays-with-ntt.yaml"
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/import/")
    page.set_input_files("input[name=files]", str(demo))
    page.check("input[name=keep_time]")
    page.click("main form button:has-text('取り込む')")
    page.wait_for_load_state()

    banner = page.locator("#fixed-time").inner_text()
    assert "2026年3月4日(水) 10:00" in banner, banner
    assert "3月4日(水) 10:00 時点 (固定)" in page.locator("#call-now").inner_text()
    no_sideways_scroll(page)
    page.locator("#fixed-time").screenshot(path=str(SCREENSHOTS / "phone-fixed-time.png"))

    page.click("button:has-text('いまの時刻で判定する')")
    page.wait_for_load_state()
    assert page.locator("#fixed-time").count() == 0
    assert "いま " in page.locator("#call-now").inner_text()
