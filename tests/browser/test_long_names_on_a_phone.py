"""Names at their limit wrap instead of widening a page (390 px, Japanese): a site, a customer,
a company and a case title of 200 characters without a space, a product and a note at theirs,
on the dashboard, the site list, the site page and the case page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from madoguchi.cases.models import EntryKind, Outcome
from madoguchi.cases.services import PromiseSpec, log_entry, open_case
from madoguchi.contracts.models import Contract, Customer, Site
from madoguchi.directory.models import Desk, Party
from madoguchi.engine import bounds
from madoguchi.orgs.models import Role
from tests.browser.conftest import CHROMIUM, open_page
from tests.browser.test_site_on_a_phone import PHONE, log_in, no_sideways_scroll, shot
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]


def _long(mark: str, limit: int = bounds.NAME) -> str:
    return (mark * limit)[:limit]


@pytest.fixture
def phone(chromium: Any) -> Iterator[Any]:
    yield from open_page(chromium, locale="ja-JP", viewport=PHONE, device_scale_factor=2)


def test_long_names_wrap_on_a_phone(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    org = member.organization
    party = Party.objects.create(organization=org, slug="long", name=_long("P"), kind="isp")
    Desk.objects.create(
        party=party, slug="long-desk", name=_long("D"), phone="0" * bounds.PHONE,
        purposes=["fault"],
    )  # fmt: skip
    customer = Customer.objects.create(organization=org, name=_long("C"))
    site = Site.objects.create(
        organization=org, customer=customer, name=_long("S"), prefecture="東京都",
        symptoms=["internet-down"],
    )  # fmt: skip
    Contract.objects.create(
        organization=org, site=site, ref=_long("r", bounds.REF), service="access", party="long",
        product=_long("G"), note=_long("N", 2_000), ids={_long("k", bounds.ID_LABEL): _long("9")},
    )  # fmt: skip
    started = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    case = open_case(site, user=None, title=_long("T"), outage_started=started)
    log_entry(
        case, user=None, kind=EntryKind.CALL_OUT, party="long", person=_long("p", bounds.PERSON),
        reference=_long("8", bounds.REFERENCE), said=_long("W", 2_000),
        outcome=Outcome.CALLBACK,
        promise=PromiseSpec(by="long", what="callback", due=started + dt.timedelta(hours=1)),
    )  # fmt: skip
    page = phone
    log_in(page, live_server.url, member.user.username)
    for name, path in (
        ("dashboard", "/cases/"),
        ("site-list", "/sites/"),
        ("site", f"/sites/{site.pk}/"),
        ("case", f"/cases/{case.pk}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        assert "S" * 50 in page.content() or "T" * 50 in page.content(), name
        shot(page, f"phone-long-names-{name}.png")
        no_sideways_scroll(page)


def test_a_said_text_over_its_limit_stays_in_the_form(live_server: Any, phone: Any) -> None:
    member = MembershipFactory(role=Role.OWNER)
    site = Site.objects.create(organization=member.organization, name="自宅", prefecture="東京都")
    case = open_case(site, user=None, title="不通")
    page = phone
    log_in(page, live_server.url, member.user.username)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    said = "言" * (bounds.NOTE + 5)
    page.fill("form.log-form textarea[name=said]", said)
    page.click("form.log-form button[type=submit]")
    alert = page.locator("form.log-form .length-error")
    words = "言われたこと は 10,000 文字以内で入力してください（今 10,005 文字）"
    assert alert.inner_text() == words
    assert page.url.endswith(f"/cases/{case.pk}/")  # not sent: nothing lost
    assert page.input_value("form.log-form textarea[name=said]") == said
    assert not case.entries.filter(said__startswith="言").exists()
