"""Every response carries the Content-Security-Policy: no inline script or style, no plugin,
never framed, so a stored link or text that slipped past validation cannot run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import madoguchi
from tests.conftest import World

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# <style>, style="", onclick="" and <script> without src: all refused by the policy.
INLINE = re.compile(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\bsrc=)")
PAGES = [
    "/sites/",
    "/sites/{site}/",
    "/sites/{site}/contracts/add/",
    "/sites/{site}/events/add/",
    "/sites/{site}/export/",
    "/sites/{site}/offline/",
    "/sw.js",
    "/manifest.webmanifest",
    "/sites/import/",
    "/cases/",
    "/cases/all/",
    "/cases/stats/",
    "/cases/{case}/",
    "/api/v1/docs",
    "/api/v1/openapi.json",
    "/api/v1/sites",
    "/sites/999999/",  # a 404 too
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_policy(world: World, path: str) -> None:
    url = path.format(site=world.site_a.pk, case=world.case_a.pk)
    response = world.clients["alice"].get(url)
    assert response.status_code in (200, 404), url
    assert response["Content-Security-Policy"] == POLICY


def test_the_login_page_carries_the_policy(world: World) -> None:
    response = world.clients["anonymous"].get("/accounts/login/")
    assert response["Content-Security-Policy"] == POLICY


def test_no_page_template_has_inline_script_or_style() -> None:
    """The policy refuses them; a new one would silently not work in the browser."""
    root = Path(madoguchi.__file__).parent
    for template in root.rglob("templates/**/*.html"):
        if template.name in ("report.html", "card.html", "letter.html"):  # PDF only, never served
            continue
        if template.name == "offline_file.html":  # a downloaded file, opened from the phone
            continue
        found = INLINE.search(template.read_text(encoding="utf-8"))
        assert found is None, (template, found)
