"""The case report and the 申入書 are built for the largest case the product allows: every text
at its limit (engine/bounds.py) and as many contracts, events and promises as a site file may
hold (engine/limits.py). A PDF prints at most PDF_ROWS rows of a section ("…他 N 件") and
PDF_TEXT characters of a text, so it is built in seconds however large the case (measured, not
timed here: see the README)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from madoguchi.cases.models import Case, EntryKind, Outcome, Promise, TimelineEntry
from madoguchi.cases.report import PDF_ROWS, PDF_TEXT, letter_pdf, letter_text, report_pdf
from madoguchi.contracts.models import Contract, Event, Site
from madoguchi.engine import bounds
from madoguchi.engine.limits import SITE_RECORDS
from madoguchi.engine.model import TOKYO
from tests.conftest import World

NOW = dt.datetime(2026, 2, 2, 10, 0, tzinfo=TOKYO)
STARTED = dt.datetime(2026, 1, 31, 9, 0, tzinfo=TOKYO)
needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="no poppler-utils")
# Timeline entries have no record limit: as many as the promises, each a refusal at its limit.
ENTRIES = SITE_RECORDS["cases[].promises"]


def _text(limit: int, mark: str = "長") -> str:
    return (mark * limit)[:limit]


@pytest.fixture
def largest(world: World) -> Case:
    org = world.org_a
    site = Site.objects.create(
        organization=org,
        name=_text(bounds.NAME, "名"),
        prefecture="東京都",
        sender_name=_text(bounds.PERSON, "人"),
        sender_address=_text(bounds.ADDRESS, "所"),
        sender_phone="0" * bounds.PHONE,
    )
    ids = {
        f"{i:02d}" + _text(bounds.ID_LABEL - 2, "番"): _text(bounds.ID_VALUE, "1")
        for i in range(bounds.IDS)
    }
    Contract.objects.bulk_create(
        Contract(
            organization=org,
            site=site,
            position=i,
            ref=f"c{i}",
            service="access",
            party="so-net",
            product=_text(bounds.NAME, "品"),
            start=dt.date(2020, 4, 1),
            monthly_yen=bounds.YEN_MAX,
            ids=ids,
            note=_text(bounds.NOTE, "契"),
        )
        for i in range(SITE_RECORDS["contracts"])
    )
    Event.objects.bulk_create(
        Event(
            organization=org,
            site=site,
            position=i,
            date=dt.date(2026, 1, 10),
            kind="other",
            party="so-net",
            note=_text(bounds.NOTE, "出"),
        )
        for i in range(SITE_RECORDS["events"])
    )
    case = Case.objects.create(
        organization=org, site=site, ref="big", title=_text(bounds.NAME, "題"),
        outage_started=STARTED, services=["access"], note=_text(bounds.NOTE, "記"),
    )  # fmt: skip
    TimelineEntry.objects.bulk_create(
        TimelineEntry(
            organization=org,
            case=case,
            kind=EntryKind.CALL_IN,
            party="so-net",
            at=STARTED + dt.timedelta(minutes=i),
            person=_text(bounds.PERSON, "担"),
            reference=_text(bounds.REFERENCE, "9"),
            said=_text(bounds.NOTE, "言"),
            outcome=Outcome.REFUSED,
        )
        for i in range(ENTRIES)
    )
    Promise.objects.bulk_create(
        Promise(
            organization=org,
            case=case,
            by="so-net",
            what=_text(bounds.PROMISE, "約"),
            amount_yen=bounds.YEN_MAX,
            due=STARTED + dt.timedelta(hours=i),
            broken=STARTED + dt.timedelta(hours=i + 1),
            note=_text(bounds.NOTE, "束"),
        )
        for i in range(SITE_RECORDS["cases[].promises"])
    )
    return case


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout


def _pages(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "pages.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@needs_pdftotext
def test_the_largest_report_is_built_with_the_rows_left_out_counted(
    largest: Case, tmp_path: Path
) -> None:
    with translation.override("ja"):
        data = report_pdf(largest, now=NOW)
    text = "".join(_pdf_text(data, tmp_path).split())
    assert data.startswith(b"%PDF")
    assert f"…他{SITE_RECORDS['events'] - PDF_ROWS:,}件" in text
    assert f"…他{ENTRIES - PDF_ROWS:,}件" in text
    assert _text(PDF_TEXT + 1, "言") not in text  # a long text is cut
    assert _pages(data, tmp_path) < 200


@needs_pdftotext
def test_the_largest_letter_is_built_with_the_rows_left_out_counted(
    largest: Case, tmp_path: Path
) -> None:
    with translation.override("ja"):
        data = letter_pdf(largest, now=NOW)
    text = "".join(_pdf_text(data, tmp_path).split())
    assert data.startswith(b"%PDF")
    assert "御中" in text
    assert f"…他{SITE_RECORDS['cases[].promises'] - PDF_ROWS:,}件" in text
    assert _pages(data, tmp_path) < 200


def test_the_pasted_letter_cuts_a_long_said_text(largest: Case) -> None:
    with translation.override("ja"):
        text = letter_text(largest, now=NOW)
    assert _text(PDF_TEXT, "言") in text
    assert _text(PDF_TEXT + 1, "言") not in text
