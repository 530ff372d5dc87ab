"""The emergency card: every demo site's card as a PDF, read back as a person (pdftotext),
as a picture (pdftoppm, with its QR code decoded back to the site's page) and as a printer
(pdffonts: the Japanese font embedded); the batch of a customer's or an organization's
sites; and the site page saying when the printed card is out of date."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from madoguchi.contracts.models import CardPrint, Contract, Customer, Site
from madoguchi.contracts.services import save_row
from madoguchi.engine.hours import hours_words
from madoguchi.orgs.models import Organization
from tests.conftest import World
from tests.walks.test_no_codes import leaks

POPPLER = all(shutil.which(tool) for tool in ("pdftotext", "pdftoppm", "pdffonts"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@pytest.fixture
def demo(db: Any) -> Organization:
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Organization.objects.get(slug="demo")


@pytest.fixture
def client(demo: Organization) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo"))
    return client


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True)
    return done.stdout.decode()


def _qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    path = tmp_path / "card.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "200", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for page in sorted(tmp_path.glob("page*.png")):
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(page))]
    return found


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off", "平日 9–18時、土日祝休み、年末年始休み"),
        ("24/7", "24時間・年中無休"),
        ("Mo-Fr 08:30-17:15; PH off", "平日 8:30–17:15、土日祝休み"),
        ("Mo-Fr 09:00-21:00; Sa 09:00-17:00; PH off", "平日 9–21時、土 9–17時、日祝休み"),
        (
            "Mo-Fr 09:00-16:00; Sa,Su,PH 10:00-16:00; Dec 29-Jan 03 off",
            "平日 9–16時、土日祝 10–16時、年末年始休み",
        ),
        ("09:00-18:00; Jan 01-02 off", "毎日 9–18時、1月1日–2日休み"),
        ("Mo-Fr 09:00-18:00", "平日 9–18時、土日休み"),
        ("", None),
        (None, None),
        ("not hours", None),
        ("Mo-Fr 09:00-18:00; We off", None),  # not worded rather than worded wrong
    ],
)
def test_hours_in_words(expression: str | None, words: str | None) -> None:
    assert hours_words(expression) == words


def test_hours_in_english_words() -> None:
    assert hours_words("Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off", "en") == (
        "Weekdays 9:00–18:00; closed Sat, Sun and holidays; closed over the New Year"
    )


@needs_poppler
def test_every_demo_sites_card(
    demo: Organization, client: Client, tmp_path: Path, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    for site in Site.objects.filter(organization=demo).order_by("pk"):
        for size in ("a4", "a6"):
            response = client.get(f"/sites/{site.pk}/card.pdf?size={size}")
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            pdf = response.content
            text = _pdf_text(pdf, tmp_path)
            flat = " ".join(text.split())
            assert "困ったときの連絡先" in flat
            assert site.name in flat
            for heading in ("インターネット", "電話・FAX", "テレビ", "メール"):
                assert heading in flat
            assert "総務省 電気通信消費者相談センター" in flat
            assert "188" in flat
            assert "印刷日" in flat
            held = [c for c in site.contracts.all() if c.ids]
            for contract in held:  # the IDs to read out, for the services on the card
                if contract.service in ("access", "isp", "phone", "tv", "mail"):
                    for value in contract.ids.values():
                        assert value in flat, (site.name, value)
            assert re.search(r"\b(113|0120-[\d-]+|0\d{1,4}-\d{2,4}-\d{3,4})\b", flat), site.name
            assert "受付" in flat
            assert not leaks(flat, "ja"), (site.name, leaks(flat, "ja"))
            codes = _qr_codes(pdf, tmp_path)
            assert f"http://testserver/sites/{site.pk}/" in codes
            for page in tmp_path.glob("page*.png"):
                page.unlink()
        fonts = subprocess.run(
            ["pdffonts", str(tmp_path / "card.pdf")], capture_output=True, text=True
        ).stdout
        cjk = [line for line in fonts.splitlines() if "CJK" in line]
        assert cjk, fonts
        assert all(" yes " in line.split("CID", 1)[-1] or "yes" in line for line in cjk)
        assert not CardPrint.objects.filter(site=site).exists()  # looking is not printing


@needs_poppler
def test_a_card_says_hours_and_unverified(
    demo: Organization, client: Client, tmp_path: Path
) -> None:
    site = Site.objects.filter(organization=demo, contracts__party="so-net").first()
    assert site is not None
    text = " ".join(_pdf_text(client.get(f"/sites/{site.pk}/card.pdf").content, tmp_path).split())
    assert "0120-80-7761" in text
    assert "毎日 9–18時" in text
    assert "要確認" in text


def test_printing_is_recorded_and_a_changed_contract_makes_the_card_stale(
    demo: Organization, client: Client
) -> None:
    site = Site.objects.filter(organization=demo).order_by("pk").first()
    assert site is not None
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert "まだ印刷していません" in page
    response = client.post(f"/sites/{site.pk}/card.pdf", {"size": "a6"})
    assert response.status_code == 200
    assert CardPrint.objects.filter(site=site).count() == 1
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert 'id="card-stale"' not in page
    contract = Contract.objects.filter(site=site).exclude(ids={}).first() or site.contracts.first()
    assert contract is not None
    save_row(contract, values={"ids": {**contract.ids, "customer_id": "CAF9999999"}})
    page = client.get(f"/sites/{site.pk}/").content.decode()
    assert 'id="card-stale"' in page
    client.post(f"/sites/{site.pk}/card.pdf", {"size": "a4"})
    assert 'id="card-stale"' not in client.get(f"/sites/{site.pk}/").content.decode()


def test_a_changed_desk_makes_the_card_stale(world: World) -> None:
    from madoguchi.directory.models import Desk, Party

    party = Party.objects.create(
        organization=world.org_a, slug="a-shop", name="A設備", kind="installer"
    )
    desk = Desk.objects.create(party=party, slug="a-desk", purposes=["fault"], phone="03-1111-1111")
    Contract.objects.create(
        organization=world.org_a, site=world.site_a, ref="shop", service="equipment", party="a-shop"
    )
    alice = world.clients["alice"]
    assert alice.post(f"/sites/{world.site_a.pk}/card.pdf").status_code == 200
    assert 'id="card-stale"' not in alice.get(f"/sites/{world.site_a.pk}/").content.decode()
    save_row(world.contract_a, values={"party": "so-net"})
    assert 'id="card-stale"' in alice.get(f"/sites/{world.site_a.pk}/").content.decode()
    del desk


def _batch_pdf(client: Client, data: dict[str, object]) -> bytes:
    """Ask for a card batch (made on the queue: at once with the tests' immediate backend)
    and download it from its page."""
    response = client.post("/sites/cards/", data, follow=True)
    assert response.status_code == 200
    link = re.search(r'id="card-batch-file" href="([^"]+)"', response.content.decode())
    assert link is not None
    download = client.get(link.group(1))
    assert download["Content-Type"] == "application/pdf"
    return b"".join(download.streaming_content)


@needs_poppler
def test_the_cards_of_a_customer_and_of_the_organization(
    demo: Organization, client: Client, tmp_path: Path
) -> None:
    sites = list(Site.objects.filter(organization=demo).order_by("name"))
    pdf = _batch_pdf(client, {"organization": "demo", "size": "a4"})
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    for site in sites:
        assert site.name in text
    assert CardPrint.objects.filter(organization=demo).count() == len(sites)
    customer = Customer.objects.create(organization=demo, name="山田工務店")
    Site.objects.filter(pk__in=[sites[0].pk, sites[2].pk]).update(customer=customer)
    sites = list(Site.objects.filter(organization=demo).order_by("name"))
    pdf = _batch_pdf(client, {"organization": "demo", "customer": customer.pk, "size": "a6"})
    text = " ".join(_pdf_text(pdf, tmp_path).split())
    for site in sites:
        assert (site.name in text) == (site.customer_id == customer.pk)


def test_a_viewer_may_look_at_the_card_but_not_record_a_print(world: World) -> None:
    vera = world.clients["vera"]
    assert vera.get(f"/sites/{world.site_a.pk}/card.pdf").status_code == 200
    assert vera.post(f"/sites/{world.site_a.pk}/card.pdf").status_code == 403
    assert world.clients["mallory"].get(f"/sites/{world.site_a.pk}/card.pdf").status_code == 404
    response = world.clients["mallory"].post(
        "/sites/cards/", {"organization": "org-a"}, follow=True
    )
    assert world.site_a.name.encode() not in response.content
    assert not CardPrint.objects.filter(site=world.site_a).exists()
