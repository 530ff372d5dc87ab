"""Dialling from the phone in hand, on a phone (390 px, Japanese): a ドコモ光 household whose
internet and phone are down gets a big button that dials a number working from a mobile
(0120-800-000, never docomo's 113), and its card under 電話・FAX prints numbers for mobiles."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.test_desk_in_a_browser import CHROMIUM
from tests.browser.test_site_on_a_phone import EXAMPLES, log_in, no_sideways_scroll, shot
from tests.browser.test_site_on_a_phone import phone as phone  # the fixture
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]
EXAMPLE = EXAMPLES / "docomo-phone-down-dials-from-mobile.yaml"


def _docomo_site(live_server: Any, page: Any) -> Any:
    member = MembershipFactory(role=Role.OWNER)
    site, _warnings = import_site_text(member.organization, EXAMPLE.read_text(encoding="utf-8"))
    log_in(page, live_server.url, member.user.username)
    return site


def test_the_big_button_dials_a_number_that_works_from_a_mobile(
    live_server: Any, phone: Any
) -> None:
    page = phone
    site = _docomo_site(live_server, page)
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    button = page.locator("#call-now .phone a")
    assert button.get_attribute("href") == "tel:0120-800-000"
    box = button.bounding_box()
    assert box is not None
    assert box["height"] >= 44
    others = page.inner_text("#call-now .other-numbers")
    assert "ドコモの携帯電話から" in others
    assert "113" in others
    no_sideways_scroll(page)
    shot(page, "phone-dial-docomo-phone-down.png")


def test_the_card_under_phone_and_fax_prints_numbers_for_mobiles(
    live_server: Any, phone: Any, tmp_path: Path
) -> None:
    page = phone
    site = _docomo_site(live_server, page)
    page.goto(f"{live_server.url}/sites/{site.pk}/#emergency-card")
    with page.expect_download() as download:
        page.click("#emergency-card button[value=a4]")
    pdf = tmp_path / "card.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The card puts symptoms with the same desks under one heading (インターネット・電話・FAX・…
    # が使えない for a household with one holder), so the section is the heading naming 電話.
    heading = re.search(r"^.*電話.*が使えない$", text, re.MULTILINE)
    assert heading is not None, text
    phone_section = " ".join(text[heading.end() :].split("ONU", 1)[0].split())
    assert "0120-800-000" in phone_section
    # docomo's 113 only beside the phones it works from, never alone
    # (113 as a number: the desk's name, ドコモ113センター, is not one)
    numbers_113 = re.findall(r"(?<![\w-])113(?![\w-])", phone_section)
    assert len(numbers_113) == phone_section.count("ドコモの携帯電話から: 113")
