"""Calendar feeds: the private address (made, revoked), the feed parsed back by icalendar and
by recurring-ical-events, UIDs that survive a moved promise, times in Asia/Tokyo, another
user's address reading nothing of this organization, and the queries a feed takes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import recurring_ical_events
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import Contract, Site
from madoguchi.orgs.models import CalendarFeed, Organization
from madoguchi.orgs.services import issue_calendar_feed
from tests.conftest import World
from tests.factories import CaseFactory, PromiseFactory, SiteFactory


def _address(client: Client) -> str:
    page = client.post("/calendar/", {"action": "make"}).content.decode()
    match = re.search(r'value="http://testserver(/calendar/feed/[^"]+\.ics)"', page)
    assert match, page
    return match.group(1)


def _events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.fixture
def demo(db: Any) -> Organization:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Organization.objects.get(slug="demo")


@pytest.fixture
def client(demo: Organization) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    return client


def test_the_feed_of_the_demo_parses_back_with_two_parsers(
    demo: Organization, client: Client
) -> None:
    address = _address(client)
    assert CalendarFeed.objects.count() == 1
    assert address.split("/")[-1].removesuffix(".ics") not in CalendarFeed.objects.get().digest
    response = Client().get(address)  # no login: the address is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = _events(response.content)
    assert events
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    for event in events:
        assert "-" not in str(event["SUMMARY"]).split(":")[-1][:3]  # words, not a code
        assert event.walk("VALARM")
        start = event.decoded("DTSTART")
        if isinstance(start, dt.datetime):
            assert str(start.tzinfo) == "Asia/Tokyo"
    assert calendar.walk("VTIMEZONE")
    # deadlines of the demo: 初期契約解除 and contract ends among them, promises too
    text = response.content.decode()
    assert "初期契約解除" in " ".join(str(e["SUMMARY"]) for e in events) or "契約" in text
    assert any(u.startswith("promise-") for u in uids)
    assert any(u.startswith("contract-end-") or u.startswith("initial-") for u in uids)
    # a second parser reads the same events over the years they fall in
    between = recurring_ical_events.of(calendar).between((2020, 1, 1), (2031, 1, 1))
    assert sorted(str(e["UID"]) for e in between) == sorted(uids)


def test_a_moved_promise_keeps_its_uid(world: World) -> None:
    alice = world.clients["alice"]
    address = _address(alice)
    before = {str(e["UID"]): e for e in _events(Client().get(address).content)}
    uid = f"promise-{world.promise_a.pk}@madoguchi"
    assert uid in before
    Promise.objects.filter(pk=world.promise_a.pk).update(
        due=world.promise_a.due + dt.timedelta(days=2)
    )
    after = {str(e["UID"]): e for e in _events(Client().get(address).content)}
    assert set(after) == set(before)
    moved = after[uid].decoded("DTSTART") - before[uid].decoded("DTSTART")
    assert moved == dt.timedelta(days=2)


def test_a_kept_promise_leaves_the_feed(world: World) -> None:
    address = _address(world.clients["alice"])
    Promise.objects.filter(pk=world.promise_a.pk).update(kept=dt.datetime.now(dt.UTC))
    uids = {str(e["UID"]) for e in _events(Client().get(address).content)}
    assert f"promise-{world.promise_a.pk}@madoguchi" not in uids


def test_another_users_address_reads_nothing_of_this_organization(world: World) -> None:
    address = _address(world.clients["mallory"])
    body = Client().get(address).content.decode()
    assert world.site_a.name not in body
    assert f"promise-{world.promise_a.pk}@" not in body
    mine = Client().get(_address(world.clients["alice"])).content.decode()
    assert world.site_a.name in mine
    assert "B社 倉庫" not in mine


def test_a_revoked_or_replaced_address_gets_404(world: World) -> None:
    alice = world.clients["alice"]
    first = _address(alice)
    second = _address(alice)  # a new one replaces the old
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    alice.post("/calendar/", {"action": "revoke"})
    assert Client().get(second).status_code == 404
    assert not CalendarFeed.objects.filter(user__username=world.site_a.name).exists()
    assert Client().get("/calendar/feed/cal_nothing.ics").status_code == 404


def test_the_page_shows_the_address_once(world: World) -> None:
    alice = world.clients["alice"]
    assert "カレンダー" in alice.get("/calendar/").content.decode()
    address = _address(alice)
    assert address not in alice.get("/calendar/").content.decode()


def test_ics_per_site_and_per_case(world: World) -> None:
    alice = world.clients["alice"]
    site = alice.get(f"/calendar/site-{world.site_a.pk}.ics")
    assert site.status_code == 200
    assert "attachment" in site["Content-Disposition"]
    assert f"promise-{world.promise_a.pk}@madoguchi" in {
        str(e["UID"]) for e in _events(site.content)
    }
    case = alice.get(f"/calendar/case-{world.case_a.pk}.ics")
    assert case.status_code == 200
    other = PromiseFactory(case=CaseFactory(site=world.site_a))
    uids = {
        str(e["UID"]) for e in _events(alice.get(f"/calendar/case-{world.case_a.pk}.ics").content)
    }
    assert f"promise-{world.promise_a.pk}@madoguchi" in uids
    assert f"promise-{other.pk}@madoguchi" not in uids
    mallory = world.clients["mallory"]
    assert mallory.get(f"/calendar/site-{world.site_a.pk}.ics").status_code == 404
    assert mallory.get(f"/calendar/case-{world.case_a.pk}.ics").status_code == 404


def test_the_feed_takes_the_same_queries_for_three_sites_or_thirty(world: World) -> None:
    alice = world.org_a.memberships.order_by("pk").first()
    assert alice is not None
    _row, token = issue_calendar_feed(alice.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(f"/calendar/feed/{token}.ics").status_code == 200
        return len(queries)

    for _ in range(2):
        PromiseFactory(case=CaseFactory(site=SiteFactory(organization=world.org_a)))
    count()  # the directory's cache is filled once
    few = count()
    for _ in range(27):
        PromiseFactory(case=CaseFactory(site=SiteFactory(organization=world.org_a)))
    assert Site.objects.filter(organization=world.org_a).count() >= 30
    assert Case.objects.filter(organization=world.org_a).count() >= 30
    assert count() == few


def test_a_promise_event_gives_the_number_to_dial_from_a_mobile(world: World) -> None:
    site = world.clients["alice"].get(f"/calendar/site-{world.site_a.pk}.ics")
    events = {str(e["UID"]): e for e in _events(site.content)}
    description = str(events[f"promise-{world.promise_a.pk}@madoguchi"]["DESCRIPTION"])
    assert "電話: ドコモ光" in description
    assert "0120-800-000 (携帯電話から)" in description
    assert " 113 " not in description


def test_a_contract_end_event_gives_the_holders_desk_and_number(world: World) -> None:
    end = timezone.localdate() + dt.timedelta(days=20)
    Contract.objects.filter(pk=world.contract_a.pk).update(start=dt.date(2024, 1, 1), end=end)
    site = world.clients["alice"].get(f"/calendar/site-{world.site_a.pk}.ics")
    ends = [e for e in _events(site.content) if str(e["UID"]).startswith("contract-end-")]
    assert ends
    assert "電話: ドコモ光" in str(ends[0]["DESCRIPTION"])
    assert "0120-800-000 (携帯電話から)" in str(ends[0]["DESCRIPTION"])
