"""Deleting on a phone (390 px, Japanese, without JavaScript): the button names what it
deletes, a page asks once, and only its button deletes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.contracts.models import Event
from madoguchi.notifications.models import SiteContact
from madoguchi.orgs.models import Role
from tests.browser.conftest import CHROMIUM, open_page
from tests.browser.test_site_on_a_phone import PHONE, log_in, no_sideways_scroll, shot
from tests.factories import EventFactory, MembershipFactory, SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def phone_without_js(chromium: Any) -> Iterator[Any]:
    yield from open_page(
        chromium, locale="ja-JP", viewport=PHONE, device_scale_factor=2, java_script_enabled=False
    )


def test_delete_an_event_asks_once_without_javascript(
    live_server: Any, phone_without_js: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site = SiteFactory(organization=member.organization, name="木村邸")
    event = EventFactory(site=site, note="工事の立ち会い")
    page = phone_without_js
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/events/{event.pk}/")
    assert page.inner_text("#delete") == "この出来事を削除"
    page.click("#delete")
    page.wait_for_load_state()
    assert page.inner_text("#confirm-question") == "この出来事を削除しますか？"
    assert "工事の立ち会い" in page.inner_text("main")
    assert Event.objects.filter(pk=event.pk).exists()
    no_sideways_scroll(page)
    shot(page, "phone-delete-event-question.png")
    page.click("#confirm-delete")
    page.wait_for_load_state()
    assert "出来事を削除しました。" in page.inner_text("main")
    assert not Event.objects.filter(pk=event.pk).exists()


def test_delete_a_customer_contact_asks_once_without_javascript(
    live_server: Any, phone_without_js: Any
) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site = SiteFactory(organization=member.organization, name="木村邸")
    contact = SiteContact.objects.create(
        organization=member.organization, site=site, name="木村 花子", email="hanako@example.jp"
    )
    page = phone_without_js
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/sites/{site.pk}/contacts/")
    page.click("text=この連絡先を削除")
    page.wait_for_load_state()
    assert page.inner_text("#confirm-question") == "この連絡先を削除しますか？"
    assert "木村 花子" in page.inner_text("main")
    assert SiteContact.objects.filter(pk=contact.pk).exists()
    no_sideways_scroll(page)
    shot(page, "phone-delete-contact-question.png")
    page.click("#confirm-delete")
    page.wait_for_load_state()
    assert not SiteContact.objects.filter(pk=contact.pk).exists()
