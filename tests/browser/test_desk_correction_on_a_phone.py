"""Correcting a catalog desk for one's organization, on a phone (390 px, Japanese): from the
site's contract map, the page asks for the numbers, the hours as ticks and times (never
opening_hours syntax) and the reason; the site's big button then dials the corrected number
and says it is the organization's own correction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_desk_in_a_browser import CHROMIUM
from tests.browser.test_site_on_a_phone import EXAMPLES, log_in, no_sideways_scroll, shot
from tests.browser.test_site_on_a_phone import phone as phone  # the fixture
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
EXAMPLE = EXAMPLES / "docomo-phone-down-dials-from-mobile.yaml"


def test_a_corrected_number_is_dialled_and_shown_as_the_organizations_own(
    live_server: Any, phone: Any
) -> None:
    page = phone
    member = MembershipFactory(role=Role.OWNER)
    site, _warnings = import_site_text(member.organization, EXAMPLE.read_text(encoding="utf-8"))
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.locator("#contract-map a:has-text('訂正する')").first.click()
    page.wait_for_load_state()
    assert "カタログの内容" in page.locator("main").inner_text()
    page.fill("input[name=mobile_phone]", "0120-123-456")
    page.check("input[name=hours_mode][value=days]")
    page.fill("textarea[name=reason]", "12/6 に電話で案内された番号")
    no_sideways_scroll(page)
    shot(page, "phone-desk-correction.png")
    page.click("button:has-text('訂正を保存する')")
    page.wait_for_load_state()
    # back on the site page: the big button dials the corrected number
    assert page.locator("#call-now .phone a").get_attribute("href") == "tel:0120-123-456"
    assert "この組織での訂正" in page.locator("#call-now").inner_text()
    no_sideways_scroll(page)
    page.locator("#call-now").screenshot(path=str(SCREENSHOTS / "phone-corrected-call-now.png"))
