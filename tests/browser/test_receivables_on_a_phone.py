"""Seed 003 on a phone (390×844): the agent's payment for a support job comes in 440円 short,
the bank fee deducted; staff record it and the page, the list and the desk flag it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.agents.services import create_agent
from madoguchi.orgs.models import Role
from madoguchi.receivables.selectors import today
from madoguchi.receivables.services import create_receivable
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_site_on_a_phone import log_in, no_sideways_scroll, phone, pytestmark
from tests.factories import MembershipFactory

__all__ = ["phone", "pytestmark"]


def test_record_a_short_payment_and_see_it_flagged(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.STAFF)
    agent = create_agent(member.organization, name="株式会社ひかりコネクト")
    receivable = create_receivable(
        member.organization,
        agent=agent,
        description="山本様 宅 回線切替の出張サポート",
        amount_yen=12000,
        due=today() - dt.timedelta(days=3),
    )
    create_receivable(
        member.organization,
        agent=agent,
        description="山本様 宅 設定やり直しの再訪問",
        amount_yen=8800,
        due=today() - dt.timedelta(days=1),
    )
    page = phone
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/receivables/")
    page.screenshot(path=str(SCREENSHOTS / "receivables-list-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.click("text=山本様 宅 回線切替の出張サポート")
    assert "未入金（期日から3日経過）" in page.locator("#standing").inner_text()
    page.fill("input[name=amount_yen]", "11560")
    page.fill("input[name=fee_yen]", "440")
    page.screenshot(path=str(SCREENSHOTS / "receivables-pay-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.click("button:has-text('入金を記録する')")
    page.wait_for_load_state()
    standing = page.locator("#standing").inner_text()
    assert "440円 不足" in standing
    assert "振込手数料を差し引かれています" in standing
    assert "期日から3日経過" in standing
    page.screenshot(path=str(SCREENSHOTS / "receivables-short-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/receivables/agents/{agent.pk}/")
    record = page.locator(".agent-payments").inner_text()
    assert "入金不足: 1件（440円）" in record
    assert "期日を過ぎた未入金: 1件（8,800円）" in record
    page.screenshot(path=str(SCREENSHOTS / "receivables-agent-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.goto(f"{live_server.url}/cases/")
    panel = page.locator("#receivables").inner_text()
    assert "入金不足: 1件（440円）" in panel
    page.locator("#receivables").screenshot(path=str(SCREENSHOTS / "receivables-desk-phone.png"))
    no_sideways_scroll(page)
    assert receivable.payments.get().deductions.get().amount_yen == 440
    page.goto(f"{live_server.url}/receivables/add/?agent={agent.pk}")
    page.screenshot(path=str(SCREENSHOTS / "receivables-add-phone.png"), full_page=True)
    no_sideways_scroll(page)
