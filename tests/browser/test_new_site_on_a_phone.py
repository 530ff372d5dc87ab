"""Issue 12's journeys on a phone (390×844, Japanese): a household creates its site from
nothing and sees who to call; an installer adds a customer with two sites and a local
reseller with its own desk hours, then finds both sites by the reseller's Japanese name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from madoguchi.contracts.models import Site
from madoguchi.orgs.models import Role
from tests.browser.conftest import SCREENSHOTS, open_page
from tests.browser.test_desk_in_a_browser import log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(
        chromium,
        locale="ja-JP",
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def _no_sideways_scroll(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide"


def _pick(page: Any, service: str, typed: str) -> None:
    """Type into the filter box above a service's picker (picker.js selects the first hit)."""
    field = page.locator(f"select[name={service}]")
    field.locator("xpath=preceding-sibling::input[1]").fill(typed)


def test_a_household_creates_its_site_and_sees_who_to_call(live_server: Any, phone: Any) -> None:
    # A short name: the header (not these pages) still grows with it on a phone.
    member = MembershipFactory(role=Role.OWNER, user__username="mika")
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/")
    _no_sideways_scroll(page, "newsite-0-list")
    page.click("text=拠点を追加")

    page.fill("input[name=name]", "自宅")
    page.select_option("select[name=prefecture]", "東京都")
    page.check("input[name=building][value=detached]")
    _no_sideways_scroll(page, "newsite-1-place")
    page.click("button:has-text('次へ')")

    assert "何を契約していますか" in page.locator("h1").inner_text()
    _pick(page, "access", "ドコモ")
    assert page.locator("select[name=access]").input_value() == "docomo-hikari"
    page.check("input[name=includes_isp]")
    _pick(page, "phone", "NTT")  # in 東京都: NTT東日本
    assert page.locator("select[name=phone]").input_value() == "ntt-east"
    _no_sideways_scroll(page, "newsite-2-holders")
    page.click("button:has-text('この内容で登録する')")

    site = Site.objects.get(organization=member.organization, name="自宅")
    assert page.url.endswith(f"/sites/{site.pk}/")
    page.check("input[name=symptoms][value=internet-down]")
    page.locator("form:has(input[name=symptoms]) button[type=submit]").first.click()
    panel = page.locator("#call-now")
    assert "ドコモ光" in panel.inner_text()
    _no_sideways_scroll(page, "newsite-3-call-now")

    # The line came from NTT's フレッツ光 by 転用, and NTT東日本 still bills ウイルスクリア.
    line = site.contracts.get(service="access")
    page.goto(f"{live_server.url}/sites/{site.pk}/contracts/{line.pk}/")
    page.select_option("select[name=acquired]", "tenyo")
    page.click("main form button:has-text('保存')")
    for month in ("2026-09", "2026-10"):
        page.click("text=請求を追加")
        page.select_option("select[name=party]", label="NTT東日本")
        page.fill("input[name=month]", month)
        page.fill("input[name=item]", "ウイルスクリア")
        page.fill("input[name=yen]", "440")
        page.click("main form button:has-text('保存')")
        page.wait_for_load_state()
    findings = page.locator("#findings").inner_text()
    assert "回線は NTT から移っていますが" in findings, findings  # residual-wholesaler-option
    assert "ウイルスクリア" in findings, findings
    assert "NTT東日本" in findings, findings
    assert "440円" in page.locator("#bills").inner_text()
    _no_sideways_scroll(page, "newsite-4-residual-option")


def test_an_installer_adds_a_customer_a_reseller_and_finds_both_sites(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="ken")
    page = phone
    log_in(page, live_server.url, member.user.username)

    # The first site: a new customer, and the local reseller with its desk hours.
    page.goto(f"{live_server.url}/sites/new/")
    page.fill("input[name=name]", "山田商店 本店")
    page.fill("input[name=new_customer]", "山田商店")
    page.fill("input[name=address]", "大阪府大阪市北区梅田1-1")
    page.check("input[name=building][value=multi-unit]")
    page.click("button:has-text('次へ')")
    _pick(page, "access", "NTT")  # in 大阪府: NTT西日本
    assert page.locator("select[name=access]").input_value() == "ntt-west"
    _pick(page, "isp", "ぷらら")
    page.select_option("select[name=support]", "_new")
    page.click("text=一覧にない会社を追加する")
    page.fill("input[name=party_name]", "なにわ電器")
    page.fill("input[name=party_phone]", "06-1234-5678")
    for day in ("5",):  # 土曜も営業 (月〜金は最初から選ばれている)
        page.check(f"input[name=days][value='{day}']")
    page.fill("input[name=opens]", "10:00")
    page.fill("input[name=closes]", "19:00")
    _no_sideways_scroll(page, "installer-1-reseller")
    page.click("button:has-text('この内容で登録する')")
    assert "拠点を登録しました" in page.content()

    # The second site of the same customer, supported by the same reseller.
    page.goto(f"{live_server.url}/sites/new/")
    page.fill("input[name=name]", "山田商店 倉庫")
    page.select_option("select[name=customer]", label="山田商店")
    page.select_option("select[name=prefecture]", "大阪府")
    page.click("button:has-text('次へ')")
    _pick(page, "access", "ソフトバンク")
    page.check("input[name=includes_isp]")
    _pick(page, "support", "なにわ")
    _no_sideways_scroll(page, "installer-2-second-site")
    page.click("button:has-text('この内容で登録する')")

    page.goto(f"{live_server.url}/sites/")
    page.fill("input[name=q]", "なにわ電器")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    listed = page.locator("main").inner_text()
    assert "山田商店 本店" in listed
    assert "山田商店 倉庫" in listed
    _no_sideways_scroll(page, "installer-3-search")

    site = Site.objects.get(name="山田商店 本店")
    assert site.customer is not None
    assert site.customer.sites.count() == 2
    desk = site.contracts.get(service="support")
    from madoguchi.directory.models import Party

    reseller = Party.objects.get(organization=member.organization, slug=desk.party)
    assert reseller.desks.get().hours == "Mo-Sa 10:00-19:00; PH off; Dec 29-Jan 03 off"


def test_a_contract_is_added_on_a_phone_without_a_slug_or_json(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="aya")
    site = Site.objects.create(
        organization=member.organization, name="実家", prefecture="大阪府", region="west"
    )
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/contracts/add/")
    page.fill("input[name=ref]", "光回線")
    page.select_option("select[name=service]", label="光回線")
    page.locator("input.picker-filter").fill("ソネット")
    assert page.locator("select[name=party]").input_value() == "so-net"
    page.check("input[name=includes_isp]")
    page.fill("input[name=id_value_0]", "CAF1234567")
    _no_sideways_scroll(page, "contract-form")
    page.click("main form button:has-text('保存')")
    contract = site.contracts.get()
    assert contract.party == "so-net"
    assert contract.ids == {"customer_id": "CAF1234567"}
