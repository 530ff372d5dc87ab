"""An installer on a phone (390×844) opens the money ranking from the site list and sees the
seed-001 household first, with what its findings cost a year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from madoguchi.money.models import SiteMoney
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_site_on_a_phone import log_in, no_sideways_scroll, phone, pytestmark, shot
from tests.factories import MembershipFactory

__all__ = ["phone", "pytestmark"]

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_the_ranking_shows_the_demo_household_with_its_yearly_amount(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    for name in ("seed001-phone-stays-with-ntt", "seed004-sonet-cut-before-end"):
        import_site_text(member.organization, (EXAMPLES / f"{name}.yaml").read_text())
    # each import stamped its site as changed; the ranking refreshes them as it loads
    assert not SiteMoney.objects.filter(organization=member.organization).exists()
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/")
    page.click("#money-ranking")
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "見つかったお金 (拠点別)" in main
    first = page.locator("table.money-ranking tbody tr").first.inner_text()
    assert "年間 14,256円" in first  # the options left (7,656円) + the unwanted one (6,600円)
    assert "NTT東日本: 転用後もNTTに残る契約・請求" in first
    shot(page, "money-ranking-phone.png")
    no_sideways_scroll(page)
    page.locator("table.money-ranking tbody tr").first.locator("a").click()
    page.wait_for_load_state()
    findings = page.locator("#findings")
    assert "直近の請求 638円 (2026年2月) × 12か月" in findings.inner_text()
    findings.screenshot(path=str(SCREENSHOTS / "money-findings-phone.png"))
    no_sideways_scroll(page)
