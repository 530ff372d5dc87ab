"""The demo on a phone (390×844, Japanese): no page scrolls sideways, the menu is usable,
the buttons a stressed person taps are at least 44 px, the call-now answer comes first, and
the site page prints without forms or navigation. Screenshots go to build/phone-*.png."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from tests.browser.conftest import CHROMIUM, SCREENSHOTS, open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed"),
]
WIDTH, HEIGHT = 390, 844
TAP = 44


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(
        chromium,
        locale="ja-JP",
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


def _no_sideways_scroll(page: Any, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, f"{name}: the page is {width} px wide on a {WIDTH} px phone"


def _tall_enough(page: Any, selector: str, name: str) -> int:
    """Every visible element matching `selector` is at least 44 px tall and wide."""
    boxes = [box for box in (el.bounding_box() for el in page.query_selector_all(selector)) if box]
    small = [b for b in boxes if b["height"] < TAP - 0.5 or b["width"] < TAP - 0.5]
    assert not small, f"{name}: {selector} smaller than {TAP} px: {small}"
    return len(boxes)


def _shoot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"phone-{name}.png"), full_page=True)


def test_the_demo_on_a_phone(live_server: Any, phone: Any) -> None:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    site = Site.objects.get(name="小林邸")  # seed004: a case with an overdue callback
    case = Case.objects.get(site=site)
    page = phone

    page.goto(f"{live_server.url}/accounts/login/")
    _no_sideways_scroll(page, "login")
    _tall_enough(page, "main button[type=submit], main input[name=username]", "login")
    page.fill("input[name=username]", "demo")
    page.fill("input[name=password]", "madoguchi-demo")
    page.press("input[name=password]", "Enter")
    page.wait_for_url("**/sites/")

    pages = {
        "sites": "/sites/",
        "site": f"/sites/{site.pk}/",
        "case": f"/cases/{case.pk}/",
        "dashboard": "/cases/",
        "all-cases": "/cases/all/",
        "stats": "/cases/stats/",
        "contract-form": f"/sites/{site.pk}/contracts/add/",
        "import": "/sites/import/",
        "not-found": "/sites/999999/",
    }
    for name, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        _no_sideways_scroll(page, name)
        # The menu: every entry on screen, one line each, big enough to tap.
        links = page.query_selector_all("header.top nav a, header.top nav button")
        assert len(links) >= 3, name
        for link in links:
            box = link.bounding_box()
            assert box is not None, name
            assert box["x"] >= 0, name
            assert box["x"] + box["width"] <= WIDTH, name
            assert box["height"] >= TAP - 0.5, f"{name}: menu entry {link.inner_text()!r}"
            assert box["height"] < 2 * TAP, f"{name}: menu entry {link.inner_text()!r} wraps"
        _tall_enough(page, "main button:visible, main a.button:visible, main select:visible", name)
        _shoot(page, name)

    # The answer first: on the site and the case page the call-now block is the first
    # section, the number a full-width tel: button.
    for path in (f"/sites/{site.pk}/", f"/cases/{case.pk}/"):
        page.goto(f"{live_server.url}{path}")
        first = page.locator("main section").first
        assert "call-now" in (first.get_attribute("class") or ""), path
        tel = first.locator(".phone a[href^='tel:']")
        box = tel.bounding_box()
        assert box is not None, path
        assert box["height"] >= TAP, path
        assert box["width"] >= WIDTH - 80, path
        assert first.locator(".status").inner_text().strip(), path  # open now, in words

    # The menu works: the desk is one tap away.
    page.click("header.top nav >> text=デスク")
    page.wait_for_url("**/cases/")
    assert "デスク" in page.locator("h1").inner_text()

    # Paper: the site page prints without the menu, forms or buttons.
    page.goto(f"{live_server.url}/sites/{site.pk}/")
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert page.locator("main form:visible").count() == 0
    assert page.locator("main button:visible").count() == 0
    assert page.locator("#call-now .phone").is_visible()
    _shoot(page, "site-print")
    page.emulate_media(media="screen")
