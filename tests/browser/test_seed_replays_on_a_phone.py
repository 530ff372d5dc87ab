"""Seeds 000 and 004 replayed end to end on a phone (390 px, Japanese) from a new site: after
each call the case waits on the right party, the outage runs from the minute entered, the
letter (read back from its PDF) is addressed to the holder and asks only what is owed, and
no page shows a code or an ISO time."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from typing import Any

import pytest
import time_machine

from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.test_desk_in_a_browser import SCREENSHOTS, log_in
from tests.browser.test_journey_on_a_phone import _fits, phone  # noqa: F401
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed"),
]
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T| )\d{2}:\d{2}")


def _log(page: Any, kind: str, party: str, at: str, said: str, **more: str) -> None:
    form = page.locator("#log")
    form.locator("select[name=kind]").select_option(kind)
    form.locator("input[name=at]").fill(at)
    form.locator("select[name=party]").select_option(party)
    form.locator("textarea[name=said]").fill(said)
    if "person" in more:
        form.locator("input[name=person]").fill(more["person"])
    if "outcome" in more:
        form.locator("select[name=outcome]").select_option(more["outcome"])
    if "due" in more:
        form.locator("input[name=promise_due]").fill(more["due"])
    form.locator("button:has-text('記録')").click()


def _header(page: Any) -> str:
    """The status and whom the case waits on (the header's first part)."""
    return str(page.locator(".heading .facts").inner_text()).split("·")[0]


def _outage(page: Any) -> str:
    return str(page.locator(".heading .facts").inner_text()).split("·")[1]


def _no_codes(page: Any) -> None:
    text = page.locator("main").inner_text()
    assert "case-" not in text
    assert not ISO.search(text), ISO.search(text)


def _pdf(page: Any, url: str, name: str) -> str:
    path = SCREENSHOTS / name
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page.request.get(url).body())
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    return "".join(text.split())


def test_seed_000_replayed_from_a_new_site(live_server: Any, phone: Any) -> None:  # noqa: F811
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 株式会社ビルド 事務所, prefecture: 東京都, building: detached,"
        " holder: business}\n"
        "contracts:\n"
        "  - {ref: flets, service: access, party: ntt-east}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    # The next afternoon, when the holder is called: the outage began yesterday at noon.
    with time_machine.travel(dt.datetime(2026, 11, 21, 15, 0, 17, tzinfo=TOKYO), tick=True):
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        page.fill("input[name=title]", "昼過ぎから突然つながらない")
        page.check("input[name=since][value=yesterday]")
        page.fill("input[name=since_time]", "12:00")
        page.click("button:has-text('ケースを開始')")
        assert "1日3時間" in _outage(page)
        case_url = page.url

        _log(
            page, "call-out", "ntt-east", "2026-11-20T12:40", "自動ガイダンスで故障を申告",
            outcome="callback", due="2026-11-20T14:40",
        )  # fmt: skip
        assert "先方の対応待ち" in _header(page)
        assert "NTT東日本" in _header(page)

        _log(
            page, "call-in", "ntt-east", "2026-11-20T14:40", "NTTとは契約がありません",
            outcome="no-contract",
        )  # fmt: skip
        header = _header(page)
        assert "回線の契約先を探す" in header
        assert "NTT東日本" not in header
        assert "守られた" in page.locator("#promises").inner_text()
        assert "#overdue" not in page.content()
        _no_codes(page)
        _fits(page)

        # The application copy names ドコモ光: recorded as the line's holder.
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        page.click("text=契約を追加")
        page.fill("input[name=ref]", "docomo")
        page.select_option("select[name=service]", "access")
        page.fill("input.picker-filter", "ドコモ光")
        page.click("main form button:has-text('保存')")

        page.goto(case_url)
        _log(
            page, "call-out", "docomo-hikari", "2026-11-21T10:00", "故障を申告",
            outcome="callback", due="2026-11-21T13:00",
        )  # fmt: skip
        header = _header(page)
        assert "ドコモ光" in header
        assert "NTT東日本" not in header
        _log(
            page, "call-in", "docomo-hikari", "2026-11-21T13:05", "技術者が明日午後に伺います",
            outcome="visit", due="2026-11-22T14:00",
        )  # fmt: skip
        assert "ドコモ光" in _header(page)
        _no_codes(page)
        _fits(page)
        page.screenshot(path=str(SCREENSHOTS / "replay-000-case.png"), full_page=True)

        page.goto(f"{live_server.url}/cases/")
        row = page.locator("tr", has_text="昼過ぎから突然つながらない").first.inner_text()
        assert "ドコモ光" in row
        assert "NTT東日本" not in row
        _no_codes(page)

        page.goto(f"{live_server.url}/cases/stats/")
        stats = page.locator("main").inner_text()
        # The case counts for ドコモ光, who held the line; NTT only kept its callback.
        assert re.search(r"ドコモ光\s+1\s", stats), stats
        assert re.search(r"NTT東日本\s+0\s", stats), stats


def test_seed_004_replayed_from_a_new_site(live_server: Any, phone: Any) -> None:  # noqa: F811
    member = MembershipFactory(role=Role.OWNER)
    text = (
        "site: {name: 小林邸, prefecture: 東京都, building: detached, holder: person}\n"
        "contracts:\n"
        "  - {ref: sonet, service: access, party: so-net, includes_isp: true,"
        " start: 2005-04-01, end: 2009-01-31, monthly_yen: 6300,"
        " ids: {isp_user_id: kobayashi-0131}}\n"
        "events:\n"
        "  - {date: 2009-01-20, kind: cancel-request, contract: sonet, note: 解約を申し込み}\n"
        "symptoms: [internet-down]\n"
    )
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    with time_machine.travel(dt.datetime(2009, 1, 31, 13, 0, 41, tzinfo=TOKYO), tick=True):
        page.goto(f"{live_server.url}/sites/{site.pk}/")
        page.fill("input[name=title]", "契約最終日の前に回線を切られた")
        page.click(".open-case summary")
        page.fill("#since-at", "2009-01-31T00:00")
        page.click("button:has-text('ケースを開始')")
        assert "13時間0分" in _outage(page)
        case_url = page.url

        _log(page, "call-out", "so-net", "2009-01-31T09:05", "解約待ちの状態", person="K")
        assert "So-net" in _header(page)
        _log(
            page, "call-in", "so-net", "2009-01-31T09:15",
            "この回答は社としての回答ですので変わりません", person="N", outcome="refused",
        )  # fmt: skip
        assert "So-net" in _header(page)
        _log(
            page, "call-in", "so-net", "2009-01-31T10:00", "上司は出てきません",
            person="O", outcome="refused",
        )  # fmt: skip
        assert "So-net" in _header(page)
        ladder = page.locator("#ladder").inner_text()
        assert "約束が守られず" not in ladder
        assert "約束が守られ" not in ladder

        letter = page.locator("#letter")
        letter.locator("input[name=sender_name]").fill("小林 一郎")
        letter.locator("input[name=sender_address]").fill("東京都港区芝1-2-3")
        letter.locator("input[name=sender_phone]").fill("03-1234-5678")
        letter.locator("button:has-text('保存')").click()
        _no_codes(page)
        _fits(page)
        page.screenshot(path=str(SCREENSHOTS / "replay-004-case.png"), full_page=True)

        pdf = _pdf(page, f"{case_url}letter.pdf", "replay-004-letter.pdf")
        addressee = pdf.split("御中")[0]
        assert "So-net" in addressee
        assert "相談センター" not in addressee
        assert "復旧させてください" in pdf
        assert "書面でご回答ください" in pdf
        assert "守られませんでした" not in pdf
        assert "上席への取り次ぎにも応じませんでした" in pdf
        assert "差出人:小林一郎" in pdf
        assert "kobayashi-0131" in pdf
        assert "ご回答をいただけない場合は、総務省電気通信消費者相談センター" in pdf
        assert "case-" not in pdf

        # Restored the next day: the letter no longer asks for it, and claims the amount.
        outage = page.locator("#outage-times")
        outage.locator("input[name=outage_ended]").fill("2009-02-01T10:00")
        outage.locator("button").click()
        pdf = _pdf(page, f"{case_url}letter.pdf", "replay-004-letter-restored.pdf")
        assert "復旧させてください" not in pdf
        assert "をもって請求します" in pdf

        report = _pdf(page, f"{case_url}report.pdf", "replay-004-report.pdf")
        assert "case-" not in report
        assert not re.search(r"\d{4}-\d{2}-\d{2}\d{2}:\d{2}", report)
        assert "約束(" not in report
        _no_codes(page)
