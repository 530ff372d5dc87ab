"""A stored site that no longer reads as a site file (a row naming a party removed since)
shows, on a phone, one page saying what to repair instead of a server error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.contracts.models import Contract
from madoguchi.orgs.models import Role
from tests.browser.conftest import CHROMIUM, open_page
from tests.browser.test_site_on_a_phone import PHONE, log_in, no_sideways_scroll, shot
from tests.factories import ContractFactory, MembershipFactory, SiteFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport=PHONE, device_scale_factor=2)


def test_an_unreadable_site_names_what_to_repair(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site = SiteFactory(organization=member.organization, name="木村邸")
    contract = ContractFactory(site=site)
    Contract.objects.filter(pk=contract.pk).update(party="gone-isp")  # as an older version left
    log_in(phone, live_server.url, member.user.username)
    response = phone.goto(f"{live_server.url}/sites/{site.pk}/")
    assert response.status == 409
    text = phone.inner_text("#unreadable")
    assert "この現場のデータを直すまで、判定できません" in text
    assert "gone-isp" in text
    no_sideways_scroll(phone)
    shot(phone, "phone-unreadable-site.png")
