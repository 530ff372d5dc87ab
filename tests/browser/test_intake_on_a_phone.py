"""Issue 17's intake form on a phone (390×844, Japanese, no login): an agent sends an
incomplete request (refused field by field, nothing saved, what was typed kept), completes
it (saved), and staff see the checks on the request's page before accepting."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from madoguchi.orgs.models import Role
from madoguchi.subcontracts.models import SubcontractRequest
from madoguchi.subcontracts.services import issue_intake_link
from tests.browser.test_desk_in_a_browser import log_in
from tests.browser.test_new_site_on_a_phone import _no_sideways_scroll, phone  # noqa: F401
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]


def test_an_agent_sends_a_request_without_login_and_staff_see_the_checks(
    live_server: Any,
    phone: Any,  # noqa: F811
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="ten")
    _link, token = issue_intake_link(member.organization, name="代理店")
    page = phone
    page.goto(f"{live_server.url}/intake/{token}/")
    assert "ログイン" not in page.locator("main").inner_text()
    _no_sideways_scroll(page, "intake-0-form")

    # Incomplete: the agent gives its company and the customer's name, nothing else.
    page.fill("input[name=agent_name]", "株式会社サンプル光通信")
    page.fill("input[name=customer_name]", "鈴木 和子")
    page.click("button:has-text('依頼を送信する')")
    # The refused page is a new document: wait for it rather than read it mid-load.
    expect(page.locator("#form-errors")).to_be_visible()
    assert page.locator("input[name=agent_name]").input_value() == "株式会社サンプル光通信"
    caller = page.locator(".field:has(input[name=caller_name]) .errorlist")
    expect(caller).to_be_visible()
    assert not SubcontractRequest.objects.exists()
    _no_sideways_scroll(page, "intake-1-refused")

    # Complete: a house course sold for an apartment.
    page.fill("textarea[name=job]", "切り替え後の設定")
    page.fill("input[name=customer_address]", "東京都世田谷区三軒茶屋1-2-3 サンハイツ 205")
    page.fill("input[name=line_product]", "フレッツ光ネクスト マンション")
    page.check("input[name=course][value=detached]")
    page.check("input[name=building][value=multi-unit]")
    page.select_option("select[name=access]", "ntt-east")
    page.select_option("select[name=isp]", "so-net")
    page.fill("input[name=id_value_0]", "CAF1111222233")
    page.fill("input[name=id_value_1]", "demo1234")
    page.fill("textarea[name=promised]", "月額が1,000円安くなる")
    page.fill("input[name=agent_address]", "東京都新宿区西新宿2-8-1 サンプルビル5F")
    page.fill("input[name=agent_phone]", "03-6666-0202")
    page.fill("input[name=caller_name]", "田中 次郎")
    page.fill("input[name=payer]", "株式会社サンプル光通信")
    page.fill("input[name=amount_yen]", "8800")
    page.fill("input[name=pay_by]", "2026-02-27")
    page.click("button:has-text('依頼を送信する')")
    assert "受け付けました" in page.locator("h1").inner_text()
    request = SubcontractRequest.objects.get()
    assert request.organization == member.organization
    _no_sideways_scroll(page, "intake-2-sent")

    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/subcontracts/")
    assert "鈴木 和子" in page.locator("main").inner_text()
    _no_sideways_scroll(page, "intake-3-list")
    page.click("text=鈴木 和子")
    checks = page.locator("#checks").inner_text()
    assert "コース" in checks
    _no_sideways_scroll(page, "intake-4-request")

    page.click("button:has-text('この作業をお受けする')")
    request.refresh_from_db()
    assert request.case is not None
    assert "この作業のために作成したもの" in page.locator("#made").inner_text()
    _no_sideways_scroll(page, "intake-5-accepted")
    page.goto(f"{live_server.url}/subcontracts/links/")
    page.fill("input[name=name]", "サンプル光通信向け")
    page.click("button:has-text('リンクを作る')")
    assert "/intake/sub_" in page.locator("#intake-address").inner_text()
    _no_sideways_scroll(page, "intake-6-links")
