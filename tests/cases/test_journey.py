"""The trouble journey on the server: a call's outcome changes the answer, the escalation
ladder moves on a refusal or a broken promise, the user sets the outage times, and the
report and the complaint letter carry this case's facts only."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from madoguchi.cases.assessment import assess_site, load_site_file_rows
from madoguchi.cases.ladder import ladder_progress
from madoguchi.cases.models import Case, EntryKind, Outcome, Promise, PromiseKind, Status
from madoguchi.cases.report import letter_pdf, letter_text, report_markdown
from madoguchi.cases.selectors import timeline
from madoguchi.cases.services import (
    CaseError,
    PromiseSpec,
    log_entry,
    open_case,
    set_outage,
    settle_promise,
)
from madoguchi.contracts.models import Site
from madoguchi.engine.model import TOKYO
from tests.conftest import World, forget_stored_sites
from tests.factories import ContractFactory, EventFactory, SiteFactory

CUT = dt.datetime(2009, 1, 31, 9, 0, tzinfo=TOKYO)
LAST_DAY = dt.date(2009, 1, 31)


@pytest.fixture
def sonet(world: World) -> Case:
    """Seed 004: So-net cut the line a day before the contract's last day."""
    site = SiteFactory(organization=world.org_a, name="小林邸", holder="person")
    ContractFactory(
        site=site,
        ref="sonet",
        party="so-net",
        start=dt.date(2005, 4, 1),
        end=LAST_DAY,
        monthly_yen=6300,
    )
    EventFactory(site=site, date=dt.date(2009, 1, 20), kind="cancel-request", contract="sonet")
    return open_case(site, user=None, outage_started=CUT, now=CUT)


@pytest.fixture
def ntt(world: World) -> Case:
    """Seed 000: the site's record says NTT東日本 holds the line; NTT says it does not."""
    site = SiteFactory(organization=world.org_a, name="工事先", prefecture="東京都")
    ContractFactory(site=site, ref="flets", party="ntt-east", includes_isp=False)
    return open_case(site, user=None)


def _first_party(case: Case) -> str | None:
    first = assess_site(load_site_file_rows(Site.objects.get(pk=case.site_id))).first_call
    return first.party if first else None


def _refuse(case: Case, at: dt.datetime, person: str = "O") -> None:
    log_entry(
        case, user=None, kind=EntryKind.CALL_IN, at=at, party="so-net", person=person,
        said="この回答は社としての回答ですので変わりません", outcome=Outcome.REFUSED,
    )  # fmt: skip


def test_a_no_contract_answer_adds_the_party_to_the_site(ntt: Case) -> None:
    log_entry(ntt, user=None, kind=EntryKind.CALL_IN, party="ntt-east", outcome=Outcome.NO_CONTRACT)
    assert Site.objects.get(pk=ntt.site_id).said_no_contract == ["ntt-east"]


def test_a_no_contract_answer_changes_the_first_call(ntt: Case) -> None:
    assert _first_party(ntt) == "ntt-east"
    log_entry(ntt, user=None, kind=EntryKind.CALL_IN, party="ntt-east", outcome=Outcome.NO_CONTRACT)
    assert _first_party(ntt) != "ntt-east"


def test_a_no_contract_answer_needs_the_party(ntt: Case) -> None:
    with pytest.raises(CaseError):
        log_entry(ntt, user=None, kind=EntryKind.CALL_IN, outcome=Outcome.NO_CONTRACT)
    assert ntt.entries.count() == 1


def test_a_refused_site_write_undoes_the_call(ntt: Case) -> None:
    with pytest.raises(CaseError):
        log_entry(ntt, user=None, kind=EntryKind.CALL_IN, party="no-such", outcome="no-contract")
    assert ntt.entries.count() == 1
    assert Site.objects.get(pk=ntt.site_id).said_no_contract == []


def test_a_callback_outcome_makes_a_promise(sonet: Case) -> None:
    due = CUT + dt.timedelta(hours=2)
    spec = PromiseSpec(by="so-net", what=PromiseKind.CALLBACK, due=due)
    log_entry(
        sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", outcome="callback", promise=spec
    )
    assert list(Promise.objects.filter(case=sonet).values_list("what", "due")) == [
        ("callback", due)
    ]


def test_a_promise_outcome_without_a_due_time_is_refused(sonet: Case) -> None:
    with pytest.raises(CaseError):
        log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", outcome="visit")


def test_a_resolved_outcome_resolves_the_case(sonet: Case) -> None:
    log_entry(sonet, user=None, kind=EntryKind.CALL_IN, party="so-net", outcome=Outcome.RESOLVED)
    assert Case.objects.get(pk=sonet.pk).status == Status.RESOLVED


def _ladder(case: Case):  # type: ignore[no-untyped-def]
    site = load_site_file_rows(Site.objects.get(pk=case.site_id))
    return ladder_progress(assess_site(site).escalation, timeline(case))


def test_the_ladder_starts_at_the_holder(sonet: Case) -> None:
    ladder = _ladder(sonet)
    assert (ladder.rung, ladder.rungs[0].party) == (0, "so-net")


def test_a_refusal_moves_the_case_up_a_rung(sonet: Case) -> None:
    _refuse(sonet, CUT + dt.timedelta(minutes=30))
    ladder = _ladder(sonet)
    assert ladder.rung == 1
    assert ladder.next is not None


def test_a_broken_promise_moves_the_case_up_a_rung(sonet: Case) -> None:
    spec = PromiseSpec(by="so-net", what=PromiseKind.ESCALATION, due=CUT + dt.timedelta(hours=1))
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT, promise=spec)
    settle_promise(sonet.promises.get(), user=None, kept=False, at=CUT + dt.timedelta(hours=2))
    assert _ladder(sonet).rung == 1


def test_refusal_and_broken_promise_reach_the_ministry(sonet: Case) -> None:
    _refuse(sonet, CUT + dt.timedelta(minutes=30), person="N")
    _refuse(sonet, CUT + dt.timedelta(hours=1))
    ladder = _ladder(sonet)
    assert ladder.next is not None
    assert ladder.next.party == "soumu-telecom-consumer-center"


def test_outage_times_are_set_backdated_with_an_entry(sonet: Case) -> None:
    started, ended = CUT - dt.timedelta(days=1), CUT + dt.timedelta(days=2)
    entry = set_outage(sonet, user=None, started=started, ended=ended)
    sonet.refresh_from_db()
    assert (sonet.outage_started, sonet.outage_ended) == (started, ended)
    assert entry is not None
    assert entry.kind == EntryKind.NOTE


def test_unchanged_outage_times_add_no_entry(sonet: Case) -> None:
    assert set_outage(sonet, user=None, started=CUT, ended=None) is None


def test_an_outage_cannot_end_before_it_starts(sonet: Case) -> None:
    with pytest.raises(CaseError):
        set_outage(sonet, user=None, started=CUT, ended=CUT - dt.timedelta(hours=1))


def test_a_kept_time_can_be_backdated(sonet: Case, world: World) -> None:
    spec = PromiseSpec(by="so-net", what=PromiseKind.CALLBACK, due=CUT + dt.timedelta(hours=3))
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT, promise=spec)
    promise = sonet.promises.get()
    url = reverse("cases:promise-settle", args=[sonet.pk, promise.pk, "kept"])
    world.clients["alice"].post(url, {"at": "2009-01-31T11:00"})
    promise.refresh_from_db()
    assert promise.kept == dt.datetime(2009, 1, 31, 11, 0, tzinfo=TOKYO)


def test_the_outage_form_sets_the_times(sonet: Case, world: World) -> None:
    url = reverse("cases:outage", args=[sonet.pk])
    world.clients["alice"].post(
        url, {"outage_started": "2009-01-31T00:00", "outage_ended": "2009-02-02T12:00"}
    )
    sonet.refresh_from_db()
    assert sonet.outage_ended == dt.datetime(2009, 2, 2, 12, 0, tzinfo=TOKYO)


def test_a_viewer_cannot_set_the_outage(sonet: Case, world: World) -> None:
    response = world.clients["vera"].post(reverse("cases:outage", args=[sonet.pk]), {})
    assert response.status_code == 403


def test_the_case_page_shows_the_next_rung_with_its_number(sonet: Case, world: World) -> None:
    _refuse(sonet, CUT + dt.timedelta(minutes=30), person="N")
    _refuse(sonet, CUT + dt.timedelta(hours=1))
    page = world.clients["alice"].get(reverse("cases:detail", args=[sonet.pk])).content.decode()
    assert "電気通信消費者相談センター" in page
    assert "03-5253-5900" in page


def test_the_case_page_says_how_to_find_the_holder(ntt: Case, world: World) -> None:
    log_entry(ntt, user=None, kind=EntryKind.CALL_IN, party="ntt-east", outcome=Outcome.NO_CONTRACT)
    page = world.clients["alice"].get(reverse("cases:detail", args=[ntt.pk])).content.decode()
    assert 'id="find-holder"' in page


def test_the_case_page_names_the_first_desk_called(sonet: Case, world: World) -> None:
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT)
    page = world.clients["alice"].get(reverse("cases:detail", args=[sonet.pk])).content.decode()
    assert "最初に連絡した窓口" in page


def test_the_case_page_shows_what_can_be_claimed(sonet: Case, world: World) -> None:
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT)
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=2, hours=1))
    page = world.clients["alice"].get(reverse("cases:detail", args=[sonet.pk])).content.decode()
    assert 'id="owed"' in page
    assert "420円" in page


def test_the_case_page_reads_a_flat_number_of_queries(sonet: Case, world: World) -> None:
    url = reverse("cases:detail", args=[sonet.pk])
    client = world.clients["alice"]
    client.get(url)
    forget_stored_sites()  # each read below takes the site's document from its rows
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for minute in range(6):
        _refuse(sonet, CUT + dt.timedelta(minutes=minute))
        log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT)
    with CaptureQueriesContext(connection) as many:
        client.get(url)  # the writes raised the site's version: its rows are read again
    assert len(many) == len(few)


def test_the_report_carries_the_contract_and_its_last_day(sonet: Case) -> None:
    text = report_markdown(sonet)
    assert "2009年1月31日" in text
    assert "解約" in text


def test_the_report_leaves_out_other_cases(sonet: Case, world: World) -> None:
    text = report_markdown(sonet)
    assert world.case_a.ref not in text.replace(sonet.ref, "")


def test_the_letter_holds_the_refusal_and_the_cut(sonet: Case) -> None:
    _refuse(sonet, CUT + dt.timedelta(hours=1))
    text = letter_text(sonet)
    assert "申入書" in text
    assert "上席への取り次ぎにも応じませんでした" in text
    assert "2009年1月31日(土) 09:00" in text


def test_the_letter_is_addressed_to_the_holder_and_names_the_next_rung(sonet: Case) -> None:
    _refuse(sonet, CUT, person="N")
    _refuse(sonet, CUT + dt.timedelta(hours=1))
    text = letter_text(sonet)
    assert "So-net" in text.splitlines()[2]
    assert "電気通信消費者相談センター" in text.split("以上")[0].splitlines()[-2]


@pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed")
def test_the_letter_pdf_embeds_a_japanese_font(sonet: Case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_pdf(sonet))
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    assert " yes " in fonts
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout
    assert "申入書" in text


# --- the API and the CLI ---------------------------------------------------------------


def _user(world: World, role: str = "owner") -> str:
    return world.org_a.memberships.get(role=role).user.username


def test_the_api_logs_an_outcome(ntt: Case, world: World) -> None:
    body = {"kind": "call-in", "party": "ntt-east", "outcome": "no-contract"}
    response = world.api("post", f"/api/v1/cases/{ntt.pk}/entries", body)
    assert response.status_code == 201
    assert response.json()["outcome"] == "no-contract"


def test_the_api_refuses_a_broken_outcome_on_an_entry(ntt: Case, world: World) -> None:
    body = {"kind": "call-in", "party": "ntt-east", "outcome": "broken"}
    assert world.api("post", f"/api/v1/cases/{ntt.pk}/entries", body).status_code == 422


def test_the_api_gives_the_ladder_state(sonet: Case, world: World) -> None:
    _refuse(sonet, CUT, person="N")
    state = world.api("get", f"/api/v1/cases/{sonet.pk}/journey").json()
    assert state["rungs"][state["rung"]]["phone"] == "03-5253-5900"
    assert state["say"]


def test_the_api_gives_the_owed_amount(sonet: Case, world: World) -> None:
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT)
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=2, hours=1))
    owed = world.api("get", f"/api/v1/cases/{sonet.pk}/journey").json()["owed"]
    assert [(o["party"], o["amount_yen"]) for o in owed] == [("so-net", 420)]


def test_the_api_sets_the_outage(sonet: Case, world: World) -> None:
    body = {"started": "2009-01-31T00:00:00+09:00", "ended": "2009-02-01T00:00:00+09:00"}
    response = world.api("put", f"/api/v1/cases/{sonet.pk}/outage", body)
    assert response.json()["outage_ended"].startswith("2009-01-31T15:00")


def test_the_api_settles_a_promise_backdated(sonet: Case, world: World) -> None:
    spec = PromiseSpec(by="so-net", what=PromiseKind.CALLBACK, due=CUT + dt.timedelta(hours=3))
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT, promise=spec)
    promise = sonet.promises.get()
    url = f"/api/v1/promises/{promise.pk}/broken?at=2009-01-31T13:00:00%2B09:00"
    assert world.api("post", url).json()["broken"].startswith("2009-01-31T04:00")


def test_the_api_gives_the_letter_as_text(sonet: Case, world: World) -> None:
    response = world.api("get", f"/api/v1/cases/{sonet.pk}/letter")
    assert "申入書" in response.content.decode()


def test_the_cli_logs_an_outcome(ntt: Case, world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    args = ["log", str(ntt.pk), "--kind", "call-in", "--party", "ntt-east"]
    call_command(
        "case", "--user", _user(world), *args, "--outcome", "no-contract", stdout=StringIO()
    )
    assert Site.objects.get(pk=ntt.site_id).said_no_contract == ["ntt-east"]


def test_the_cli_prints_the_journey(sonet: Case, world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    _refuse(sonet, CUT, person="N")
    out = StringIO()
    call_command("case", "--user", _user(world), "journey", str(sonet.pk), stdout=out)
    assert "→ 2. 総務省" in out.getvalue()


def test_the_cli_prints_the_letter(sonet: Case, world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("case", "--user", _user(world), "letter", str(sonet.pk), stdout=out)
    assert "申入書" in out.getvalue()


def test_a_resolved_case_still_shows_what_can_be_claimed(sonet: Case, world: World) -> None:
    log_entry(sonet, user=None, kind=EntryKind.CALL_OUT, party="so-net", at=CUT)
    set_outage(sonet, user=None, started=CUT, ended=CUT + dt.timedelta(days=2, hours=1))
    log_entry(sonet, user=None, kind=EntryKind.CALL_IN, party="so-net", outcome=Outcome.RESOLVED)
    page = world.clients["alice"].get(reverse("cases:detail", args=[sonet.pk])).content.decode()
    assert "420円" in page
