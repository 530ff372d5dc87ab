"""Seed 003 on a phone (390×844, Japanese): a colleague adds a new sales agent whose address
is a refused agent's, written another way, and is told at once, on the preview and again
on the new agent's page; the register and the refused agent's page are screenshotted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.services import create_agent
from madoguchi.orgs.models import Role
from tests.browser.test_desk_in_a_browser import log_in
from tests.browser.test_new_site_on_a_phone import _no_sideways_scroll, phone  # noqa: F401
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]
FLAG = "同じ所在地: 以前お断りした 株式会社ライトコール (2025年3月、理由: 振込手数料を引いて入金"


def test_a_new_agent_at_a_refused_agents_address_is_flagged(
    live_server: Any,
    phone: Any,  # noqa: F811
) -> None:
    member = MembershipFactory(role=Role.STAFF, user__username="aki")
    refused = create_agent(
        member.organization,
        name="株式会社ライトコール",
        details=[
            ("address", "〒170-0013 東京都豊島区東池袋3丁目1番1号 サンシャインビル12F"),
            ("phone", "03-5000-1234"),
            ("person", "佐藤"),
        ],
        status=AgentStatus.REFUSED,
        status_reason="振込手数料を引いて入金。約束した出張費の支払いが遅れた。",
        status_since=dt.date(2025, 3, 14),
    )
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/cases/")
    page.click("main >> text=販売代理店")
    _no_sideways_scroll(page, "agents-0-list")
    page.click("text=代理店を追加")

    page.fill("input[name=name]", "ネクストライン株式会社")
    page.select_option("select[name=detail_kind_0]", "address")
    page.fill("input[name=detail_value_0]", "豊島区東池袋三丁目１－１　ｻﾝｼｬｲﾝﾋﾞﾙ 12階")
    page.select_option("select[name=detail_kind_1]", "phone")
    page.fill("input[name=detail_value_1]", "03-5000-2200")
    page.click("button:has-text('登録済みの代理店と照らし合わせる')")

    flag = page.locator("section.similar")
    assert FLAG in flag.inner_text()
    assert not Agent.objects.filter(name="ネクストライン株式会社").exists()
    assert page.locator("input[name=detail_value_0]").input_value().startswith("豊島区東池袋")
    _no_sideways_scroll(page, "agents-1-preview-flag")

    page.click("button.primary:has-text('保存')")
    new = Agent.objects.get(name="ネクストライン株式会社")
    assert page.url.endswith(f"/agents/{new.pk}/")
    assert FLAG in page.locator("section.similar").inner_text()
    _no_sideways_scroll(page, "agents-2-new-agent")

    page.click(f"section.similar a[href='/agents/{refused.pk}/']")
    status = page.locator("section.agent-status")
    assert "お断り" in status.inner_text()
    box = status.bounding_box()
    assert box is not None
    assert box["y"] < 844  # the status is on the first screen, before anything else
    _no_sideways_scroll(page, "agents-3-refused-agent")
