"""What every browser test shares: Debian's Chromium, launched once per test process.

Launching Chromium costs about a second of CPU; a fresh browser context per test gives the
same isolation (cookies, storage, cache) for a few milliseconds. With pytest-xdist each
worker process has its own browser.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.directory.services import sync_catalog

CHROMIUM = os.environ.get("MADOGUCHI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(os.environ.get("MADOGUCHI_SCREENSHOTS", Path(__file__).parents[2] / "build"))
# No background connections: this machine's network is closed, and Chromium's own traffic
# (updates, sync, QUIC probes) would only be refused.
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _catalog(transactional_db: Any) -> None:
    sync_catalog()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The worker's one Chromium; each test opens its own context with `open_page`."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # fixtures around it are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def open_page(chromium: Any, **options: Any) -> Iterator[Any]:
    """A page in a new browser context (no cookie or storage of another test), closed after."""
    context = chromium.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()
