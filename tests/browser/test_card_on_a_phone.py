"""The emergency card on a phone (390 px, Japanese): the site page's card section, printed
(a PDF comes back), then out of date once a contract changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from madoguchi.contracts.models import CardPrint
from madoguchi.contracts.services import save_row
from madoguchi.orgs.models import Role
from madoguchi.sitefiles.siteio import import_site_text
from tests.browser.conftest import CHROMIUM
from tests.browser.test_site_on_a_phone import EXAMPLES, log_in, no_sideways_scroll, shot
from tests.browser.test_site_on_a_phone import phone as phone  # the fixture
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def test_print_the_card_and_see_it_go_out_of_date(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    text = (EXAMPLES / "seed004-sonet-cut-before-end.yaml").read_text(encoding="utf-8")
    site, _warnings = import_site_text(member.organization, text)
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/#emergency-card")
    assert "まだ印刷していません" in page.inner_text("#emergency-card")
    no_sideways_scroll(page)
    page.locator("#emergency-card").screenshot(path=_path("phone-card-section.png"))
    with page.expect_download() as download:
        page.click("#emergency-card button[value=a6]")
    assert download.value.suggested_filename.endswith("-a6.pdf")
    assert CardPrint.objects.filter(site=site).count() == 1
    # A changed contract, through the service the contract's page and the API use.
    for contract in site.contracts.all():
        save_row(contract, values={"ids": {"customer_id": "CAF0000099"}})
    page.reload()
    assert "印刷したカードは古くなっています" in page.inner_text("#emergency-card")
    no_sideways_scroll(page)
    page.locator("#emergency-card").screenshot(path=_path("phone-card-stale.png"))
    page.goto(f"{live_server.url}/sites/")
    no_sideways_scroll(page)
    shot(page, "phone-site-list-cards.png")


def _path(name: str) -> str:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / name)


def test_make_and_revoke_the_calendar_address_on_a_phone(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/calendar/")
    assert "まだありません" in page.inner_text("#calendar-feed")
    page.click("#calendar-feed button[value=make]")
    page.wait_for_load_state()
    address = page.input_value("#feed-address")
    assert address.startswith(f"{live_server.url}/calendar/feed/cal_")
    no_sideways_scroll(page)
    shot(page, "phone-calendar-address.png")
    page.click("#calendar-feed button[value=revoke]")
    page.wait_for_load_state()
    assert "無効にしました" in page.inner_text("main")
    no_sideways_scroll(page)


def test_set_the_reminder_address_on_a_phone(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.STAFF)
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/cases/reminders/")
    page.fill("input[name=email]", "staff@example.jp")
    page.uncheck("input[name=contract_ends]")
    no_sideways_scroll(page)
    shot(page, "phone-reminder-settings.png")
    page.click("#reminder-settings button[type=submit]")
    page.wait_for_load_state()
    assert "保存しました" in page.inner_text("main")
    member.user.refresh_from_db()
    assert member.user.email == "staff@example.jp"


def test_the_cards_of_every_site_are_made_on_the_queue_and_offered(
    live_server: Any, phone: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    for name in ("seed004-sonet-cut-before-end.yaml", "seed001-phone-stays-with-ntt.yaml"):
        import_site_text(member.organization, (EXAMPLES / name).read_text(encoding="utf-8"))
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/")
    page.click("form.cards-all button")
    page.wait_for_load_state()
    assert "2枚のカードができました。" in page.inner_text("#card-batch")
    no_sideways_scroll(page)
    shot(page, "phone-card-batch-ready.png")
    with page.expect_download() as download:
        page.click("#card-batch-file")
    assert download.value.suggested_filename.endswith("-a4.pdf")
    assert CardPrint.objects.filter(organization=member.organization).count() == 2


def test_the_card_batch_page_shows_progress_on_a_phone(live_server: Any, phone: Any) -> None:
    from django.utils import timezone

    from madoguchi.contracts.models import CardBatch

    member = MembershipFactory(role=Role.OWNER)
    batch = CardBatch.objects.create(
        organization=member.organization,
        user=member.user,
        site_ids=list(range(1, 41)),
        base_url=live_server.url,
        done=12,
        worker="elsewhere:1",
        heartbeat=timezone.now(),
    )
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/cards/{batch.pk}/")
    assert "40枚中 12枚できました" in page.inner_text("#card-batch")
    no_sideways_scroll(page)
    shot(page, "phone-card-batch-progress.png")
