"""The 申入書 and the case report hold (seed 004): the letter goes to the party that owes, asks
only for what is still owed, quotes only what is on record, and is signed by a person with
an address, a phone and the contract's IDs; the report shows no code, ISO time or empty
section. The PDFs are read back as text (pdftotext)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from madoguchi.cases.models import Case, EntryKind, Outcome
from madoguchi.cases.report import letter_pdf, letter_text, report_pdf
from madoguchi.cases.services import PromiseSpec, log_entry, open_case, set_outage, settle_promise
from madoguchi.contracts.services import save_sender
from madoguchi.engine.model import TOKYO
from tests.conftest import World
from tests.factories import ContractFactory, SiteFactory

CUT = dt.datetime(2009, 1, 31, 0, 0, tzinfo=TOKYO)
NOW = dt.datetime(2009, 2, 2, 10, 0, tzinfo=TOKYO)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="no poppler-utils")


@pytest.fixture
def sonet(world: World) -> Case:
    """Seed 004: So-net cut the line on the contract's last day, and refused to restore it."""
    site = SiteFactory(organization=world.org_a, name="小林邸", holder="person")
    ContractFactory(
        site=site,
        ref="sonet",
        party="so-net",
        start=dt.date(2005, 4, 1),
        end=dt.date(2009, 1, 31),
        monthly_yen=6300,
        ids={"isp_user_id": "kobayashi-0131"},
    )
    case = open_case(site, user=None, outage_started=CUT, now=CUT)
    log_entry(
        case, user=None, kind=EntryKind.CALL_OUT, at=CUT + dt.timedelta(hours=9, minutes=5),
        party="so-net", person="K", said="解約待ちの状態です",
    )  # fmt: skip
    log_entry(
        case, user=None, kind=EntryKind.CALL_IN, at=CUT + dt.timedelta(hours=10),
        party="so-net", person="O", said="この回答は社としての回答ですので変わりません",
        outcome=Outcome.REFUSED,
    )  # fmt: skip
    return case


def _letter(case: Case) -> str:
    with translation.override("ja"):
        return letter_text(case, now=NOW)


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    return "".join(text.split())  # pdftotext breaks lines where the PDF wraps them


def test_the_letter_is_addressed_to_the_holder_with_its_desk(sonet: Case) -> None:
    addressee = _letter(sonet).splitlines()[2]
    assert addressee.startswith("So-net")
    assert "御中" in addressee
    assert "相談センター" not in addressee


def test_the_letter_names_the_holders_desk_with_the_number_to_dial(sonet: Case) -> None:
    addressee = _letter(sonet).splitlines()[2]
    assert addressee.endswith("御中（電話 0120-80-7761）")


def test_the_next_rung_is_where_to_turn_without_an_answer(sonet: Case) -> None:
    text = _letter(sonet)
    assert "ご回答をいただけない場合は、総務省 電気通信消費者相談センター" in text


def test_restoration_is_asked_while_the_outage_lasts(sonet: Case) -> None:
    assert "復旧させてください" in _letter(sonet)


def test_restoration_is_not_asked_once_restored(sonet: Case) -> None:
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=1, hours=12))
    assert "復旧させてください" not in _letter(sonet)


def test_the_amount_is_claimed_with_the_date(sonet: Case) -> None:
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=2))
    text = _letter(sonet)
    assert re.search(
        r"停止期間の料金 [\d,]+円 を、本書の日付（2009年2月2日\(月\)）をもって請求", text
    )


def test_a_written_answer_is_asked(sonet: Case) -> None:
    assert "書面でご回答ください" in _letter(sonet)


def test_no_broken_promise_is_claimed_when_none_was_broken(sonet: Case) -> None:
    text = _letter(sonet)
    assert "守られませんでした" not in text
    assert "上席への取り次ぎにも応じませんでした" in text


def test_a_broken_promise_on_record_is_quoted(sonet: Case) -> None:
    entry = log_entry(
        sonet,
        user=None,
        kind=EntryKind.CALL_IN,
        at=CUT + dt.timedelta(hours=11),
        party="so-net",
        promise=PromiseSpec(by="so-net", what="escalation", due=CUT + dt.timedelta(hours=18)),
    )
    settle_promise(entry.promises.get(), user=None, kept=False, at=CUT + dt.timedelta(hours=19))
    assert "守られませんでした" in _letter(sonet)


def test_an_overdue_promise_not_marked_broken_is_not_quoted(sonet: Case) -> None:
    log_entry(
        sonet,
        user=None,
        kind=EntryKind.CALL_IN,
        at=CUT + dt.timedelta(hours=11),
        party="so-net",
        promise=PromiseSpec(by="so-net", what="escalation", due=CUT + dt.timedelta(hours=18)),
    )
    assert "守られませんでした" not in _letter(sonet)


def test_the_letter_carries_the_sender_and_the_contract_ids(sonet: Case) -> None:
    save_sender(sonet.site, name="小林 一郎", address="東京都港区1-2-3", phone="03-1234-5678")
    text = _letter(sonet)
    assert "差出人: 小林 一郎" in text
    assert "住所: 東京都港区1-2-3" in text
    assert "電話: 03-1234-5678" in text
    assert "kobayashi-0131" in text


def test_the_sender_form_keeps_the_sender_on_the_site(sonet: Case, world: World) -> None:
    url = reverse("cases:sender", args=[sonet.pk])
    body = {"sender_name": "小林 一郎", "sender_address": "東京都港区", "sender_phone": "03-1"}
    world.clients["alice"].post(url, body)
    sonet.site.refresh_from_db()
    assert (sonet.site.sender_name, sonet.site.sender_phone) == ("小林 一郎", "03-1")


def test_the_sender_form_refuses_an_empty_name_naming_it(sonet: Case, world: World) -> None:
    url = reverse("cases:sender", args=[sonet.pk])
    body = {"sender_name": "", "sender_address": "東京都港区", "sender_phone": "03-1"}
    page = world.clients["alice"].post(url, body, follow=True, HTTP_ACCEPT_LANGUAGE="ja")
    assert "お名前" in page.content.decode()
    sonet.site.refresh_from_db()
    assert sonet.site.sender_address == ""


def test_a_viewer_cannot_set_the_sender(sonet: Case, world: World) -> None:
    url = reverse("cases:sender", args=[sonet.pk])
    body = {"sender_name": "x", "sender_address": "y", "sender_phone": "z"}
    assert world.clients["vera"].post(url, body).status_code == 403


@needs_pdftotext
def test_the_letter_pdf_reads_back_addressee_and_demands(sonet: Case, tmp_path: Path) -> None:
    save_sender(sonet.site, name="小林 一郎", address="東京都港区1-2-3", phone="03-1234-5678")
    with translation.override("ja"):
        text = _pdf_text(letter_pdf(sonet, now=NOW), tmp_path)
    assert "So-net" in text.split("御中")[0]
    assert "復旧させてください" in text
    assert "書面でご回答ください" in text
    assert "差出人:小林一郎" in text
    assert "case-" not in text
    assert not ISO.search(text)


@needs_pdftotext
def test_the_report_pdf_has_no_code_iso_time_or_empty_table(sonet: Case, tmp_path: Path) -> None:
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=1))
    with translation.override("ja"):
        text = _pdf_text(report_pdf(sonet, now=NOW), tmp_path)
    assert "case-" not in text
    assert "ケースcase" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}\d{2}:\d{2}", text)  # ISO with its space squeezed
    assert "約束(" not in text  # no promises: no promise table


@needs_pdftotext
def test_the_report_pdf_lists_promises_when_there_are(sonet: Case, tmp_path: Path) -> None:
    log_entry(
        sonet,
        user=None,
        kind=EntryKind.CALL_IN,
        party="so-net",
        promise=PromiseSpec(by="so-net", what="callback", due=NOW),
        settle_callbacks=False,
    )
    with translation.override("ja"):
        text = _pdf_text(report_pdf(sonet, now=NOW), tmp_path)
    assert "約束(" in text
