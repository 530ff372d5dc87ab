"""The desks taken away for when the server is out of reach: the contacts file read back with
a vCard library, the card's QR code decoded back to a contact, the saved page and the single
file, the installable app's manifest and service worker, logout clearing the device, and
the site page saying which copies are out of date."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import vobject
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from madoguchi.contracts.models import Contract, Customer, OfflineCopy, Site
from madoguchi.contracts.services import save_row
from madoguchi.engine.hours import open_intervals
from madoguchi.engine.model import TOKYO, Desk
from madoguchi.engine.phonebook import contact_numbers
from madoguchi.engine.results import Route
from madoguchi.orgs.models import Organization
from madoguchi.sitefiles.contacts import site_phonebook
from tests.conftest import World
from tests.sitefiles.test_card import _qr_codes, needs_poppler
from tests.walks.test_no_codes import leaks


@pytest.fixture
def demo(db: Any) -> Organization:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Organization.objects.get(slug="demo")


@pytest.fixture
def client(demo: Organization) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    return client


def _site(demo: Organization, name: str = "鈴木商店") -> Site:
    """A demo site by name: 鈴木商店 holds its ISP at So-net (a desk with hours, unverified)."""
    return Site.objects.get(organization=demo, name=name)


def _cards(content: bytes) -> list[Any]:
    return list(vobject.readComponents(content.decode("utf-8")))


def test_the_contacts_file_reads_back_one_contact_per_desk(
    demo: Organization, client: Client
) -> None:
    for site in Site.objects.filter(organization=demo).order_by("pk"):
        response = client.get(f"/sites/{site.pk}/contacts.vcf")
        assert response.status_code == 200
        assert response["Content-Type"] == "text/vcard; charset=utf-8"
        assert response.content.count(b"\r\n") == response.content.count(b"\n")  # CRLF only
        cards = _cards(response.content)
        entries = site_phonebook(Site.objects.get(pk=site.pk))
        assert len(cards) == len(entries), site.name
        if not entries:  # every contract of the site has ended: no service is held today
            assert site.name == "中村邸"
            continue
        for card, entry in zip(cards, entries, strict=True):
            assert card.version.value == "3.0"
            assert card.fn.value == entry.name
            assert card.fn.value.endswith(f"({site.name})")
            numbers = [tel.value for tel in card.contents.get("tel", [])]
            assert numbers == [n.number for n in entry.numbers]
            note = card.note.value
            assert "受付" in note
            for value in entry.ids.values():
                assert value in note, (site.name, value)
            assert not leaks(note, "ja"), leaks(note, "ja")
        assert not OfflineCopy.objects.filter(site=site).exists()  # looking is not saving


def test_a_contact_is_named_by_company_and_purpose_and_says_what_is_unconfirmed(
    demo: Organization, client: Client
) -> None:
    site = _site(demo)
    cards = _cards(client.get(f"/sites/{site.pk}/contacts.vcf").content)
    sonet = next(c for c in cards if c.fn.value.startswith("So-net"))
    assert sonet.fn.value == f"So-net 光 故障 ({site.name})"
    assert "0120-80-7761" in [t.value for t in sonet.contents["tel"]]
    assert "毎日 9–18時" in sonet.note.value
    assert any("要確認" in c.note.value for c in cards)


def test_each_number_is_labelled_with_the_phones_it_works_from() -> None:
    desk = Desk(slug="fault", purposes=["fault"], phone="113", mobile_phone="0120-444-113")
    route = Route(
        service="access",
        party="x",
        desk="fault",
        phone="113",
        open_now=None,
        next_open=None,
        why="",
    )
    found = contact_numbers(route, desk)
    assert [(n.number, n.works_from) for n in found.numbers] == [
        ("113", None),  # no phone_from: any phone, as the format says
        ("0120-444-113", ("mobile",)),
    ]
    assert found.dial == "0120-444-113"  # the line is down: the person calls from a mobile


def test_a_short_code_alone_is_never_the_number_to_dial() -> None:
    desk = Desk(slug="fault", purposes=["fault"], phone="113")
    route = Route(
        service="access",
        party="x",
        desk="fault",
        phone="113",
        open_now=None,
        next_open=None,
        why="",
    )
    found = contact_numbers(route, desk)
    assert found.dial is None  # docomo's 113 from a fixed line reaches NTT
    assert [n.number for n in found.numbers] == ["113"]


def test_the_label_of_a_number_is_in_the_contact(demo: Organization, client: Client) -> None:
    site = _site(demo, "田中邸")
    text = client.get(f"/sites/{site.pk}/contacts.vcf").content.decode()
    # NTT East's 光 fault desk, dialled from any phone, with its label in the same group
    fault = r"(item\d+)\.TEL[^\r]*PREF:0120-000-113\r\n(.*\r\n)*\1\.X-ABLABEL:どの電話からも"
    assert re.search(fault, text)


def test_the_contacts_of_every_site_of_a_customer(demo: Organization, client: Client) -> None:
    sites = [_site(demo, "鈴木商店"), _site(demo, "田中邸")]
    customer = Customer.objects.create(organization=demo, name="山田工務店")
    Site.objects.filter(pk__in=[s.pk for s in sites]).update(customer=customer)
    response = client.post("/sites/contacts.vcf", {"organization": "demo", "customer": customer.pk})
    assert response.status_code == 200
    names = [c.fn.value for c in _cards(response.content)]
    for site in sites:
        assert any(name.endswith(f"({site.name})") for name in names)
    assert OfflineCopy.objects.filter(kind="contacts").count() == 2
    assert "契約者名: 山田工務店 (要確認" in response.content.decode()


def test_the_api_gives_the_contacts(world: World) -> None:
    response = world.api("get", f"/api/v1/sites/{world.site_a.pk}/phonebook")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vcard")
    _cards(response.content)
    assert world.api("get", f"/api/v1/sites/{world.site_b.pk}/phonebook").status_code == 404


@needs_poppler
def test_the_cards_qr_code_is_the_first_call_desk_as_a_contact(
    demo: Organization, client: Client, tmp_path: Path
) -> None:
    site = _site(demo)
    codes = _qr_codes(client.get(f"/sites/{site.pk}/card.pdf").content, tmp_path)
    contacts = [c for c in codes if c.startswith("BEGIN:VCARD")]
    assert len(contacts) == 1
    card = vobject.readOne(contacts[0])
    # ソフトバンク光 holds the line but has no number on record: the first desk with one
    first = next(e for e in site_phonebook(site) if e.dial)
    assert first.dial == "0120-80-7761"
    assert card.fn.value == first.name
    assert first.dial in [t.value for t in card.contents["tel"]]
    assert f"http://testserver/sites/{site.pk}/" in codes  # the second, small code


def test_open_spans_follow_holidays() -> None:
    start = dt.datetime(2026, 12, 31, 20, 0, tzinfo=TOKYO)
    spans = open_intervals("Mo-Fr 09:00-18:00; PH off", start, 14)
    assert spans is not None
    days = [s.date() for s, _e in spans]
    assert dt.date(2027, 1, 1) not in days  # 元日 is a holiday
    assert dt.date(2027, 1, 11) not in days  # 成人の日
    assert days[0] == dt.date(2027, 1, 4)
    assert open_intervals(None, start) is None


def test_the_saved_page_carries_number_ids_time_and_spans(
    demo: Organization, client: Client
) -> None:
    site = _site(demo, "株式会社サンプル 本社")
    response = client.get(f"/sites/{site.pk}/offline/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a class="dial" href="tel:0120-000-113">' in page  # NTT East's 光 fault desk
    assert 'data-copy-value="CAF0000001"' in page
    assert "現在の情報" in page
    assert 'id="offline-data"' in page
    assert '"spans"' in page
    assert "<style" not in page  # the served page keeps to the policy
    assert response["Content-Security-Policy"]


def test_the_single_file_is_self_contained(demo: Organization, client: Client) -> None:
    site = _site(demo)
    response = client.post(f"/sites/{site.pk}/offline.html")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    page = response.content.decode()
    assert "<style>" in page
    assert "<script>" in page
    assert not re.search(r'(src|href)="(?!tel:|#)', page), re.findall(r'(?:src|href)="[^"]*', page)
    assert "http" not in page.replace("http://testserver", "")
    assert OfflineCopy.objects.filter(site=site, kind="page").count() == 1


def test_the_site_page_says_which_copies_are_out_of_date(
    demo: Organization, client: Client
) -> None:
    site = _site(demo)
    client.post(f"/sites/{site.pk}/contacts.vcf")
    client.post(f"/sites/{site.pk}/offline.html")
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert 'id="contacts-stale"' not in page
    assert 'id="offline-page-stale"' not in page
    assert 'id="card-stale"' not in page  # never printed: nothing to say
    contract = Contract.objects.filter(site=site, party="so-net").first()
    assert contract is not None
    save_row(contract, values={"ids": {**contract.ids, "isp_user_id": "zz999999"}})
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert 'id="contacts-stale"' in page
    assert 'id="offline-page-stale"' in page
    client.post(f"/sites/{site.pk}/contacts.vcf")
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert 'id="contacts-stale"' not in page
    assert 'id="offline-page-stale"' in page


def test_the_manifest_and_the_service_worker(client: Client) -> None:
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["short_name"] == "窓口"
    assert manifest["lang"] == "ja"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert finders.find(name), icon["src"]
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    assert worker["Content-Type"].startswith("text/javascript")
    assert "__ASSETS__" not in worker.content.decode()


def test_logout_tells_the_browser_to_forget_the_saved_sites(client: Client) -> None:
    response = client.post("/accounts/logout/")
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_a_customers_contacts_take_the_same_queries_for_more_sites(
    demo: Organization, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    customer = Customer.objects.create(organization=demo, name="山田工務店")
    sites = list(Site.objects.filter(organization=demo).order_by("pk"))

    def queries(count: int) -> int:
        Site.objects.filter(pk__in=[s.pk for s in sites[:count]]).update(customer=customer)
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/sites/contacts.vcf", {"customer": customer.pk})
        assert response.status_code == 200
        return len(captured)

    # From the first site with cases on, every related set is read (a prefetch is skipped
    # while no site has cases): more sites then cost no more queries.
    with_cases = next(i for i, site in enumerate(sites) if site.cases.exists())
    assert queries(with_cases + 2) == queries(len(sites))
