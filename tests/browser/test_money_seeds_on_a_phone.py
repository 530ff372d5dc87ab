"""Seeds 001, 002 and 003 replayed on a phone (390×844, Japanese) from a new site, not the
demo: at each step the page says what the person needs, says it once, and shows no code or
ISO time.

- 001: the internet moved to ドコモ光 by 転用, ひかり電話 and ウイルスクリア stayed with NTT
  East, paid at a convenience store: the left-over option costs 5,280円 a year on its own.
- 002: a provider applied for twice went bankrupt: each contract is told apart, and once
  marked bankrupt the page says what a prepaid fee becomes and where to turn.
- 003: an agent at a refused agent's address is flagged on the list; its cut payment is
  named as recorded in the 督促状, and a payment four days late is late.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from madoguchi.contracts.models import Site
from madoguchi.orgs.models import Role
from tests.browser.conftest import open_page
from tests.browser.test_desk_in_a_browser import SCREENSHOTS, log_in
from tests.factories import MembershipFactory

pytestmark = [pytest.mark.browser]
PHONE = {"width": 390, "height": 844}
ISO = re.compile(r"(?<![\d-])(19|20)\d{2}-[01]\d-[0-3]\d(?![\d-])(T\d{2}:\d{2})?")
CODES = re.compile(
    r"(?<![./])\b(residual-wholesaler-option|unknown-charge|holder-ceased|duplicate-application|"
    r"initial-cancellation|convenience-store|unwanted-option|ntt-east|docomo-hikari|ceased)\b"
)


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


def _looked_at(page: Any, name: str) -> str:
    """Screenshot the page, check it reads as a person's page, and return its text."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide"
    text = str(page.locator("main").inner_text())
    for pattern in (ISO, CODES):
        found = pattern.search(text)
        assert found is None, f"{name}: {text[max(found.start() - 60, 0) : found.end() + 20]!r}"
    return text


def _said_once(page: Any, selector: str) -> list[str]:
    """The sentences of a part of the page, each of which must appear there only once."""
    items = [t.strip() for t in page.locator(selector).all_inner_texts() if t.strip()]
    repeated = [t for t, n in Counter(items).items() if n > 1]
    assert not repeated, f"said more than once: {repeated}"
    return items


def _new_site(page: Any, base: str, name: str, prefecture: str, building: str) -> None:
    """Step 1 of a new site: the place (step 2, who holds what, is the caller's)."""
    page.goto(f"{base}/sites/")
    page.click("text=拠点を追加")
    page.fill("input[name=name]", name)
    page.select_option("select[name=prefecture]", prefecture)
    page.check(f"input[name=building][value={building}]")
    page.click("button:has-text('次へ')")


def _add_contract(page: Any, site: Site, **values: str) -> None:
    page.goto(page.url.split("/sites/")[0] + f"/sites/{site.pk}/contracts/add/")
    page.fill("input[name=ref]", values.pop("ref"))
    page.select_option("select[name=service]", values.pop("service"))
    page.select_option("select[name=party]", values.pop("party"))
    for name, value in values.items():
        field = page.locator(f"[name={name}]").first
        tag = field.evaluate("e => e.tagName")
        if tag == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.click("main form button:has-text('保存')")
    assert f"/sites/{site.pk}/" in page.url


def _add_bill(page: Any, site: Site, party: str, month: str, item: str, yen: str) -> None:
    page.goto(page.url.split("/sites/")[0] + f"/sites/{site.pk}/bills/add/")
    page.select_option("select[name=party]", party)
    page.fill("input[name=month]", month)
    page.fill("input[name=item]", item)
    page.fill("input[name=yen]", yen)
    page.click("main form button:has-text('保存')")


def _report(page: Any, symptoms: list[str]) -> None:
    for symptom in symptoms:
        page.check(f"input[name=symptoms][value={symptom}]")
    page.locator("form:has(input[name=symptoms]) button[type=submit]").first.click()


def _finding(page: Any, words: str) -> str:
    return str(page.locator("#findings .finding", has_text=words).first.inner_text())


def test_seed_001_the_left_over_option_costs_its_own_yearly_amount(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="sato")
    page = phone
    base = live_server.url
    log_in(page, base, member.user.username)

    _new_site(page, base, "佐藤家", "千葉県", "detached")
    page.locator("select[name=access]").select_option("docomo-hikari")
    page.check("input[name=includes_isp]")
    page.locator("select[name=phone]").select_option("ntt-east")
    page.click("button:has-text('この内容で登録する')")
    site = Site.objects.get(organization=member.organization, name="佐藤家")
    _looked_at(page, "seed001-0-new-site")

    # The phone is dead; no lamps were read yet.
    _report(page, ["phone-down"])
    causes = " ".join(page.locator("#call-now .causes li").all_inner_texts())
    assert "回線は正常" not in causes
    assert "ランプ" in causes
    states = page.locator("figure.onu g.onu-lamp").evaluate_all(
        "gs => gs.map(g => g.dataset.state)"
    )
    assert set(states) == {"unknown"}  # no lamp drawn green before any was entered
    _looked_at(page, "seed001-1-phone-down")

    # What the paperwork says: 転用 in 2016, the option and the bill paid at a store.
    page.goto(f"{base}/sites/{site.pk}/events/add/")
    page.select_option("select[name=kind]", "tenyo")
    page.fill("input[name=date]", "2016-02-01")
    page.click("main form button:has-text('保存')")
    _add_contract(
        page,
        site,
        ref="vc",
        service="option",
        party="ntt-east",
        option="virus-clear",
        monthly_yen="440",
        payment="convenience-store",
    )
    phone_contract = site.contracts.get(service="phone")
    page.goto(f"{base}/sites/{site.pk}/contracts/{phone_contract.pk}/")
    page.select_option("select[name=payment]", "convenience-store")
    page.fill("input[name=monthly_yen]", "550")
    page.click("main form button:has-text('保存')")
    for item, yen in (("ひかり電話 基本料", "550"), ("フレッツ・ウイルスクリア", "440")):
        _add_bill(page, site, "ntt-east", "2026-11", item, yen)
    _add_bill(page, site, "ntt-east", "2026-11", "払込票発行手数料", "150")

    page.goto(f"{base}/sites/{site.pk}/")
    text = _looked_at(page, "seed001-2-findings")
    residual = _finding(page, "回線は NTT から移っていますが")
    assert "年間 5,280円" in residual
    assert "13,680円" not in text
    assert "ひかり電話" not in residual.split("→")[0]  # kept on purpose, not to cancel
    assert "払込票" not in residual
    _said_once(page, "#findings .finding")
    _said_once(page, "#call-now .causes li")


def test_seed_002_twin_contracts_are_told_apart_and_a_bankrupt_holder_is_answered(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER, user__username="tanaka")
    page = phone
    base = live_server.url
    log_in(page, base, member.user.username)

    _new_site(page, base, "田中家", "福岡県", "multi-unit")
    page.locator("select[name=access]").select_option("ntt-west")
    page.locator("select[name=isp]").select_option("so-net")
    page.click("button:has-text('この内容で登録する')")
    site = Site.objects.get(organization=member.organization, name="田中家")

    # Applied for twice on the web: two more contracts with the same provider, both inside
    # their 初期契約解除 window.
    for ref, start in (("isp2", "2026-12-01"), ("isp3", "2026-12-02")):
        _add_contract(
            page,
            site,
            ref=ref,
            service="isp",
            party="so-net",
            start=start,
            document_received="2026-12-03",
            monthly_yen="1100",
        )
    page.goto(f"{base}/sites/{site.pk}/")
    _report(page, ["unknown-charge"])
    text = _looked_at(page, "seed002-0-charge")
    assert "トラブルの報告はありません" not in text
    assert "覚えのない請求" in page.locator("#call-now").inner_text()
    windows = [f for f in _said_once(page, "#findings .finding") if "初期契約解除" in f]
    assert len(windows) == 2
    _said_once(page, "#findings ul.plain li")

    # The provider went bankrupt: marked on the page.
    page.check("input[name=ceased][value=so-net]")
    page.locator("form:has(input[name=symptoms]) button[type=submit]").first.click()
    text = _looked_at(page, "seed002-1-bankrupt")
    ceased = _finding(page, "事業をやめています")
    assert "破産債権" in ceased
    assert "188" in ceased
    assert "法テラス" in ceased
    _said_once(page, "#findings .finding")


def test_seed_003_a_lookalike_agent_is_flagged_and_its_cut_is_named(
    live_server: Any, phone: Any
) -> None:
    import datetime as dt

    from madoguchi.agents.models import AgentStatus
    from madoguchi.agents.services import create_agent
    from madoguchi.receivables.services import create_receivable, record_payment

    member = MembershipFactory(role=Role.OWNER, user__username="hirayama")
    org = member.organization
    create_agent(
        org,
        name="株式会社ライトコール",
        details=[("address", "東京都豊島区東池袋3丁目1番1号 サンシャインビル12F")],
        status=AgentStatus.REFUSED,
        status_reason="入金を一方的に減らした",
        status_since=dt.date(2025, 3, 14),
    )
    renamed = create_agent(
        org,
        name="ネクストライン株式会社",
        details=[("address", "豊島区東池袋三丁目１－１　ｻﾝｼｬｲﾝﾋﾞﾙ 12階")],
    )
    due = dt.date(2026, 11, 20)
    job = create_receivable(
        org, agent=renamed, description="山本様 宅 設定サポート", amount_yen=12000, due=due
    )
    record_payment(
        job,
        paid_on=due + dt.timedelta(days=4),
        amount_yen=10940,
        other_yen=1060,
        other_what="一方的な減額",
    )
    page = phone
    base = live_server.url
    log_in(page, base, member.user.username)

    page.goto(f"{base}/agents/")
    _looked_at(page, "seed003-0-agents")
    row = page.locator("li.agent-row", has_text="ネクストライン株式会社")
    assert "依頼を受ける" not in row.inner_text()
    assert "お断りした代理店と共通点あり" in row.inner_text()
    assert "株式会社ライトコール" in row.inner_text()

    page.goto(f"{base}/agents/{renamed.pk}/")
    payments = page.locator(".agent-payments").inner_text()
    assert "期日に遅れた入金: 1件" in payments
    _looked_at(page, "seed003-1-agent")

    letter = page.request.get(f"{base}/receivables/agents/{renamed.pk}/letter.txt")
    assert letter.ok
    body = letter.text()
    assert "一方的な減額 1,060円" in body
    assert "振込手数料 1,060円" not in body
