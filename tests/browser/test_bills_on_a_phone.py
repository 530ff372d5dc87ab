"""A seed-001 household on a phone (390×844): its マネーフォワード ME export is uploaded,
the shared NTTファイナンス payee is mapped once, and the site then asks NTT East what its
monthly charge is for (a payee's name is no service to cancel)."""

from __future__ import annotations

from typing import Any

from madoguchi.contracts.models import BillLine
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.bills.test_bills import seed001_statement
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_site_on_a_phone import log_in, no_sideways_scroll, phone, pytestmark
from tests.factories import MembershipFactory

__all__ = ["phone", "pytestmark"]

HOUSEHOLD = (
    "site: {name: 佐藤家, prefecture: 千葉県, building: detached}\n"
    "contracts:\n"
    "  - {ref: line, service: access, party: docomo-hikari, includes_isp: true,"
    " acquired: tenyo, start: 2016-02-01, monthly_yen: 5720}\n"
    "events:\n  - {date: 2016-02-01, kind: tenyo, contract: line}\n"
)


def test_upload_a_statement_map_ntt_once_and_see_the_residual_option(
    live_server: Any, phone: Any, tmp_path: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site, _ = import_site_text(member.organization, HOUSEHOLD)
    statement = tmp_path / "収入・支出詳細_2025-11-01_2026-02-28.csv"
    statement.write_bytes(seed001_statement())
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    assert "今も" not in page.locator("main").inner_text()  # no NTT bill on record yet
    page.click("text=明細ファイルを取り込む")
    page.set_input_files("input[name=file]", str(statement))
    page.click("button:has-text('確認する')")
    preview = page.locator("#preview").inner_text()
    assert "どの会社の請求ですか" in preview
    assert "振替 (とばします): 4" in preview
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bills-preview-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.select_option("select[name=payee_0]", "ntt-east")
    page.click("button:has-text('この内容で保存する')")
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "請求明細を 9 行追加しました" in main
    # A payee's name is no service to cancel: the line matches no contract, so the page
    # asks NTT East what it is for
    assert "NTTファイナンス」(2025年11月、2025年12月、2026年1月、2026年2月" in main
    assert "に当たる契約が記録にありません" in main
    assert "は今もNTT東日本との契約・請求のままです" not in main
    assert "年間 14,256円" in main  # 12 × the 1,188円 NTT East billed in the latest month
    assert "NTT東日本から毎月 1,188円" in main  # a recurring charge without a contract
    page.screenshot(path=str(SCREENSHOTS / "bills-imported-phone.png"), full_page=True)
    chart = page.locator("#bill-chart")
    assert "会社ごとの月額" in chart.inner_text()
    assert chart.bounding_box()["width"] <= 390
    chart.screenshot(path=str(SCREENSHOTS / "bills-chart-phone.png"))
    no_sideways_scroll(page)
    assert BillLine.objects.filter(site=site).count() == 9

    page.goto(f"{live_server.url}/sites/{site.pk}/bills/import/")  # asked once: not again
    page.set_input_files("input[name=file]", str(statement))
    page.click("button:has-text('確認する')")
    preview = page.locator("#preview").inner_text()
    assert "どの会社の請求ですか" not in preview
    assert "取り込み済み (とばします): 9" in preview
