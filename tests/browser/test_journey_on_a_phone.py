"""The trouble journey on a phone (390×844, Japanese), replaying two seed stories:

- 004: So-net cuts the line on the contract's last day; the desk refuses to pass the caller
  to a supervisor and a promise is broken; the case moves to 総務省 電気通信消費者相談センター,
  shown with its number, and the complaint letter's PDF holds the contract's last day, the
  cut and the refusal.
- 000: an installer logs NTT's callback "NTTとは契約がありません"; the first call becomes
  "find the holder"; once the real holder is recorded, the call-now answer names it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import SCREENSHOTS, open_page
from tests.browser.test_desk_in_a_browser import log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport={"width": 390, "height": 844})


def _log(
    page: Any, party: str, at: str, person: str, said: str, outcome: str = "", kind: str = ""
) -> None:
    form = page.locator("#log")
    if kind:
        form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=at]").fill(at)
    form.locator("select[name=party]").select_option(party)
    form.locator("input[name=person]").fill(person)
    form.locator("textarea[name=said]").fill(said)
    if outcome:
        form.locator("select[name=outcome]").select_option(outcome)
    form.locator("button:has-text('記録')").click()


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide"


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_seed_004_refusal_and_broken_promise_reach_the_ministry(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 小林邸, prefecture: 東京都, building: detached, holder: person}\n"
        "contracts:\n"
        "  - {ref: sonet, service: access, party: so-net, includes_isp: true,"
        " start: 2005-04-01, end: 2009-01-31, monthly_yen: 6300}\n"
        "events:\n"
        "  - {date: 2009-01-20, kind: cancel-request, contract: sonet, note: 解約を申し込み}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    # The story's day: the server's clock (not the browser's) is 2009-01-31 13:00.
    with time_machine.travel(dt.datetime(2009, 1, 31, 13, 0, tzinfo=TOKYO), tick=True):
        _replay_004(live_server, page, site)


def _replay_004(live_server: Any, page: Any, site: Any) -> None:
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.fill("input[name=title]", "契約最終日の前に回線を切られた")
    page.click("button:has-text('ケースを開始')")

    outage = page.locator("#outage-times")
    outage.locator("input[name=outage_started]").fill("2009-01-31T00:00")
    outage.locator("button").click()
    _log(page, "so-net", "2009-01-31T09:05", "K", "解約待ちの状態。テクニカルでは何もできない")
    _log(
        page,
        "so-net",
        "2009-01-31T09:15",
        "N",
        "この回答は社としての回答ですので変わりません",
        outcome="refused",
    )
    form = page.locator("#log")
    form.locator("select[name=promise_what]").select_option("escalation")
    form.locator("input[name=promise_due]").fill("2009-01-31T18:00")
    _log(
        page,
        "so-net",
        "2009-01-31T10:00",
        "O (リーダー)",
        "本件の対応責任者は私です。上司は出てきません",
    )
    page.locator("#promises button:has-text('守られなかったと記録')").click()

    ladder = page.locator("#ladder").inner_text()
    assert "電気通信消費者相談センター" in ladder
    assert "03-5253-5900" in ladder
    assert "伝えること" in ladder
    steps = page.locator("#steps").inner_text()
    assert "対応を断られた" in steps
    assert "約束が守られなかった" in steps
    _fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "journey-004-phone.png"), full_page=True)

    href = page.locator("#ladder a:has-text('申入書 (PDF)')").get_attribute("href")
    pdf = SCREENSHOTS / "journey-004-letter.pdf"
    pdf.write_bytes(page.request.get(f"{live_server.url}{href}").body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            pdf,
            SCREENSHOTS / "journey-004-letter",
        ],
        check=True,
    )
    letter = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    flat = "".join(letter.split())  # pdftotext breaks long lines where the PDF wraps them
    assert "契約最終日2009年1月31日" in flat
    assert "サービス停止日時:2009年1月31日(土)00:00" in flat
    assert "上席への取り次ぎにも応じませんでした" in flat
    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True).stdout
    assert "CJK" in fonts


def test_seed_000_no_contract_then_find_the_holder(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 株式会社ビルド 事務所, prefecture: 東京都, building: detached,"
        " holder: business}\n"
        "contracts:\n"
        "  - {ref: flets, service: access, party: ntt-east}\n"
        "  - {ref: hikari-denwa, service: phone, party: ntt-east, product: ひかり電話}\n"
        "symptoms: [phone-down]\n"
        "observations: {onu: {power: on, optical: on, auth: off, uni: on}}\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.fill("input[name=title]", "昼過ぎから突然つながらない")
    page.click("button:has-text('ケースを開始')")
    assert "NTT東日本" in page.locator("#call-assistant").inner_text()

    _log(
        page,
        "ntt-east",
        "2026-11-20T15:30",
        "",
        "NTTとは契約がありません",
        outcome="no-contract",
        kind="call-in",
    )

    assert "NTT東日本" not in page.locator("#call-assistant .desk").all_inner_texts()
    holder = page.locator("#find-holder").inner_text()
    assert "申込書の控え" in holder
    _fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "journey-000-phone.png"), full_page=True)

    # The application copy names ドコモ光 (line and ドコモ光電話): recorded, it is the desk to call.
    for ref, service in (("docomo", "access"), ("docomo-phone", "phone")):
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        page.click("text=契約を追加")
        page.fill("input[name=ref]", ref)
        page.select_option("select[name=service]", service)
        page.fill("input.picker-filter", "ドコモ光")
        page.click("main form button:has-text('保存')")
    page.screenshot(path=str(SCREENSHOTS / "journey-000-holder.png"), full_page=True)
    assert "ドコモ光" in page.locator("#call-now .desk").inner_text()
