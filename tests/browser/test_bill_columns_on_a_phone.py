"""A bank's card statement no preset knows, on a phone (390×844): the preview asks which
column is what, the person picks them from the file's own headers, sees the lines to add and
saves; the next month's file from the same card imports without asking. The organization's
sheet page and a background import's progress page are looked at too."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from madoguchi.bills.models import BillImport
from madoguchi.contracts.models import BillLine
from madoguchi.orgs.models import Role
from tests.bills.test_bills_columns import card_csv, card_statement
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_site_on_a_phone import log_in, no_sideways_scroll, phone, pytestmark
from tests.factories import MembershipFactory, SiteFactory

__all__ = ["phone", "pytestmark"]


def test_map_an_unknown_card_statement_once_and_import_it(
    live_server: Any, phone: Any, tmp_path: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site = SiteFactory(organization=member.organization, name="佐藤家")
    statement = tmp_path / "meisai_202602.csv"
    statement.write_bytes(card_statement())
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/bills/import/")
    page.set_input_files("input[name=file]", str(statement))
    page.click("button:has-text('確認する')")
    asked = page.locator("#columns").inner_text()
    assert "どの列に何が書かれていますか" in asked
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "bills-columns-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.select_option("select[name=col_date]", "利用日")
    page.select_option("select[name=col_payee]", "利用店名")
    page.select_option("select[name=col_amount]", "利用金額")
    page.click("button:has-text('この対応で確認する')")
    preview = page.locator("#preview").inner_text().replace(":\n", ": ")
    assert "追加する行: 4" in preview
    assert "電話・ネット以外の支出 (とばします): 1" in preview
    page.screenshot(path=str(SCREENSHOTS / "bills-columns-preview-phone.png"), full_page=True)
    page.click("button:has-text('この内容で保存する')")
    page.wait_for_load_state()
    assert "請求明細を 4 行追加しました" in page.locator("main").inner_text()
    assert BillLine.objects.filter(site=site).count() == 4

    later = tmp_path / "meisai_202603.csv"
    later.write_bytes(card_csv(['2026/03/05,ソネット 光 月額,本人,1回払い,"5,280",2026/04']))
    page.goto(f"{live_server.url}/sites/{site.pk}/bills/import/")
    page.set_input_files("input[name=file]", str(later))
    page.click("button:has-text('確認する')")
    assert page.locator("#columns").count() == 0  # remembered: not asked again
    assert "追加する行: 1" in page.locator("#preview").inner_text().replace(":\n", ": ")


def test_the_sheet_page_and_a_progress_page_on_a_phone(
    live_server: Any, phone: Any, tmp_path: Any
) -> None:
    member = MembershipFactory(role=Role.STAFF)
    site = SiteFactory(organization=member.organization, name="佐藤家")
    SiteFactory(organization=member.organization, name="鈴木家 (千葉市花見川区の二世帯住宅)")
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/")
    page.click("text=複数拠点の請求一覧表を取り込む")
    assert "複数拠点の請求一覧表を取り込む" in page.locator("h1").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "bills-sheet-phone.png"), full_page=True)
    no_sideways_scroll(page)
    sheet = tmp_path / "顧客別請求.csv"
    sheet.write_text(
        "site,party,month,item,yen\n佐藤家,NTT東日本,2026-01,ひかり電話,550\n"
        "鈴木家 (千葉市花見川区の二世帯住宅),so-net,2026-01,月額,1320\n"
        "田中家,so-net,2026-01,月額,1320\n"
    )
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button:has-text('確認する')")
    assert (
        "4行目「site」列: 「田中家」という拠点が見つかりません"
        in page.locator("#preview").inner_text()
    )
    page.screenshot(path=str(SCREENSHOTS / "bills-sheet-problems-phone.png"), full_page=True)
    no_sideways_scroll(page)
    sheet.write_text(sheet.read_text().rsplit("田中家", 1)[0])
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button:has-text('確認する')")
    page.screenshot(path=str(SCREENSHOTS / "bills-sheet-preview-phone.png"), full_page=True)
    no_sideways_scroll(page)
    page.click("button:has-text('この内容で保存する')")
    page.wait_for_load_state()
    assert "請求明細を 2 行追加しました" in page.locator("main").inner_text()

    job = BillImport.objects.create(
        organization=member.organization,
        site=site,
        user=member.user,
        name="収入・支出詳細_2025.csv",
        token="phone-shot",
        rows=240_000,
        lines=96_000,
        heartbeat=timezone.now(),
    )
    page.goto(f"{live_server.url}/sites/bills/imports/{job.pk}/")
    assert "240,000 行のうち 96,000 行を読みました (40%)" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "bills-progress-phone.png"), full_page=True)
    no_sideways_scroll(page)
    BillImport.objects.filter(pk=job.pk).update(state=BillImport.State.FAILED)
    page.reload()
    assert "取り込みは最後まで終わりませんでした" in page.locator("main").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "bills-progress-failed-phone.png"), full_page=True)
