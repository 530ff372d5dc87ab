"""Receivables (issue 17, part 3; seed 003): what agents promised to pay and what came in —
on time, late, short with the bank fee deducted, never — on the pages, the desk, the reminder
job, the dunning letter, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.agents.models import Agent
from madoguchi.agents.services import create_agent
from madoguchi.receivables.letter import letter_pdf, letter_text
from madoguchi.receivables.models import Payment, Receivable
from madoguchi.receivables.reminders import send_receivable_reminders
from madoguchi.receivables.selectors import (
    LATE,
    NOT_DUE,
    PAID,
    SHORT,
    UNPAID,
    open_receivables,
    organization_totals,
    standing,
    today,
    totals,
    with_sums,
)
from madoguchi.receivables.services import ReceivableError, create_receivable, record_payment
from tests.conftest import World

DUE = dt.date(2026, 4, 30)


@pytest.fixture
def agent(world: World) -> Agent:
    return create_agent(world.org_a, name="株式会社ひかりコネクト")


def _receivable(
    agent: Agent, *, yen: int = 12000, due: dt.date = DUE, what: str = ""
) -> Receivable:
    return create_receivable(
        agent.organization,
        agent=agent,
        description=what or "山本様 宅 設定サポート",
        amount_yen=yen,
        due=due,
    )


def _standing(receivable: Receivable, on: dt.date) -> Any:
    return standing(with_sums(Receivable.objects.filter(pk=receivable.pk), on).get(), on)


# --- what a receivable stands at ---------------------------------------------------------


def test_a_short_payment_with_the_bank_fee_deducted_is_short_by_the_fee(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE, amount_yen=11560, fee_yen=440)
    s = _standing(receivable, DUE + dt.timedelta(days=3))
    assert (s.state, s.open_yen, s.fee_deducted) == (SHORT, 440, 440)
    assert s.fee_explains
    assert s.days_overdue == 3


def test_a_shortfall_larger_than_the_fee_is_not_explained_by_it(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE, amount_yen=10000, fee_yen=440)
    s = _standing(receivable, DUE)
    assert (s.state, s.open_yen, s.fee_explains) == (SHORT, 2000, False)


def test_a_late_payment_counts_the_days_late(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE + dt.timedelta(days=12), amount_yen=12000)
    s = _standing(receivable, DUE + dt.timedelta(days=20))
    assert (s.state, s.days_late, s.open_yen, s.days_overdue) == (LATE, 12, 0, 0)


def test_an_unpaid_receivable_past_due_counts_the_days_overdue(agent: Agent) -> None:
    receivable = _receivable(agent)
    s = _standing(receivable, DUE + dt.timedelta(days=10))
    assert (s.state, s.open_yen, s.days_overdue) == (UNPAID, 12000, 10)


def test_a_receivable_is_not_overdue_on_its_due_day(agent: Agent) -> None:
    s = _standing(_receivable(agent), DUE)
    assert (s.state, s.open_yen, s.days_overdue) == (NOT_DUE, 12000, 0)


def test_an_over_payment_is_paid_with_the_excess(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE - dt.timedelta(days=1), amount_yen=13000)
    s = _standing(receivable, DUE + dt.timedelta(days=1))
    assert (s.state, s.open_yen, s.over_yen) == (PAID, 0, 1000)


def test_two_payments_that_add_up_are_paid_in_full(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE - dt.timedelta(days=5), amount_yen=6000)
    record_payment(receivable, paid_on=DUE, amount_yen=6000)
    assert _standing(receivable, DUE + dt.timedelta(days=1)).state == PAID


def test_a_payment_without_an_amount_is_refused_naming_the_field(agent: Agent) -> None:
    with pytest.raises(ReceivableError) as refused:
        record_payment(_receivable(agent), paid_on=DUE, amount_yen=0)
    assert refused.value.field == "amount_yen"
    assert not Payment.objects.exists()


def test_another_organizations_agent_cannot_be_billed(world: World, agent: Agent) -> None:
    with pytest.raises(ReceivableError):
        create_receivable(world.org_b, agent=agent, description="x", amount_yen=1, due=DUE)


def test_the_totals_count_each_state_in_one_query(agent: Agent) -> None:
    on = DUE + dt.timedelta(days=5)
    record_payment(_receivable(agent), paid_on=DUE, amount_yen=11560, fee_yen=440)
    record_payment(_receivable(agent), paid_on=DUE + dt.timedelta(days=2), amount_yen=12000)
    record_payment(_receivable(agent), paid_on=DUE, amount_yen=12000)
    _receivable(agent, yen=8800)
    _receivable(agent, due=on + dt.timedelta(days=9))
    with CaptureQueriesContext(connection) as captured:
        t = totals(Receivable.objects.filter(agent=agent), on)
    assert len(captured) == 1
    assert (t["paid"], t["late"], t["short"], t["unpaid"], t["not_due"]) == (1, 1, 1, 1, 1)
    assert (t["short_yen"], t["short_fee_yen"], t["unpaid_yen"]) == (440, 440, 8800)
    assert (t["judged"], t["overdue_total"], t["open_total"]) == (4, 9240, 9240 + 12000)


@pytest.mark.parametrize("days_after_due", [-1, 0, 1, 5, 40])
def test_the_desks_prepared_totals_are_the_totals(
    world: World, agent: Agent, days_after_due: int
) -> None:
    """The desk's panel runs `totals` compiled once with placeholders: for any day and any
    set of organizations it answers what `totals` answers, in one query."""
    on = DUE + dt.timedelta(days=days_after_due)
    record_payment(_receivable(agent), paid_on=DUE, amount_yen=11560, fee_yen=440)
    record_payment(_receivable(agent), paid_on=DUE + dt.timedelta(days=2), amount_yen=12000)
    _receivable(agent, yen=8800)
    _receivable(agent, due=DUE + dt.timedelta(days=9))
    theirs = create_agent(world.org_b, name="株式会社よそ")
    _receivable(theirs, yen=3300)
    for ids in ([world.org_a.pk], [world.org_b.pk], [world.org_a.pk, world.org_b.pk], []):
        expected = totals(Receivable.objects.filter(organization_id__in=ids), on)
        organization_totals(ids, on)  # the first call compiles the statement
        with CaptureQueriesContext(connection) as captured:
            assert organization_totals(ids, on) == expected
        assert len(captured) == (1 if ids else 0)
    assert organization_totals([world.org_a.pk], on)["all"] == 4


def test_the_open_list_puts_the_overdue_first(world: World, agent: Agent) -> None:
    on = today()
    later = _receivable(agent, due=on + dt.timedelta(days=3), what="来週")
    overdue = _receivable(agent, due=on - dt.timedelta(days=3), what="先週")
    paid = _receivable(agent, due=on - dt.timedelta(days=9), what="済み")
    record_payment(paid, paid_on=on, amount_yen=12000)
    alice = world.org_a.memberships.get(role="owner").user
    assert [r.pk for r in open_receivables(alice, on)] == [overdue.pk, later.pk]


# --- pages --------------------------------------------------------------------------------


def test_the_list_shows_amounts_and_dates_in_words(world: World, agent: Agent) -> None:
    on = today()
    receivable = _receivable(agent, due=on - dt.timedelta(days=4))
    record_payment(receivable, paid_on=on, amount_yen=11560, fee_yen=440)
    page = world.clients["bob"].get("/receivables/").content.decode()
    assert "株式会社ひかりコネクト" in page
    assert "440円" in page
    assert "12,000円" in page
    assert "振込手数料" in page
    assert "年" in page
    assert str(on - dt.timedelta(days=4)) not in page


def test_the_list_queries_do_not_grow_with_receivables(world: World, agent: Agent) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert world.clients["alice"].get("/receivables/").status_code == 200
        return len(captured)

    record_payment(_receivable(agent), paid_on=DUE, amount_yen=100, fee_yen=440)
    few = count()
    for n in range(15):
        record_payment(_receivable(agent, yen=5000 + n), paid_on=DUE, amount_yen=10, fee_yen=440)
    assert count() == few


def test_recording_a_short_payment_flags_it(world: World, agent: Agent) -> None:
    receivable = _receivable(agent, due=today() - dt.timedelta(days=2))
    response = world.clients["bob"].post(
        f"/receivables/{receivable.pk}/pay/",
        {"paid_on": str(today()), "amount_yen": "11560", "fee_yen": "440"},
        follow=True,
    )
    page = response.content.decode()
    assert "440円 不足" in page
    assert "振込手数料を差し引かれています" in page


def test_a_refused_payment_keeps_what_was_typed_and_names_the_field(
    world: World, agent: Agent
) -> None:
    receivable = _receivable(agent)
    response = world.clients["bob"].post(
        f"/receivables/{receivable.pk}/pay/", {"paid_on": "", "amount_yen": "11560"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "このフィールドは必須です" in page
    assert 'value="11560"' in page
    assert not Payment.objects.exists()


def test_a_viewer_cannot_record_a_payment(world: World, agent: Agent) -> None:
    receivable = _receivable(agent)
    response = world.clients["vera"].post(
        f"/receivables/{receivable.pk}/pay/", {"paid_on": str(DUE), "amount_yen": "1"}
    )
    assert response.status_code == 403


def test_a_receivable_is_added_from_the_page(world: World, agent: Agent) -> None:
    response = world.clients["bob"].post(
        "/receivables/add/",
        {
            "agent": agent.pk,
            "description": "設定サポート",
            "amount_yen": "8800",
            "due": "2026-05-31",
            "site": world.site_a.pk,
        },
    )
    receivable = Receivable.objects.get()
    assert response.status_code == 302
    assert (receivable.amount_yen, receivable.site_id) == (8800, world.site_a.pk)


def test_the_add_page_lists_only_the_latest_cases(
    world: World, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from madoguchi.receivables import forms
    from tests.factories import CaseFactory

    monkeypatch.setattr(forms, "CASES_LISTED", 2)
    oldest, *_, newest = [CaseFactory(site=world.site_a, title=f"ケース{n}") for n in range(4)]

    page = world.clients["bob"].get("/receivables/add/").content.decode()

    assert f'value="{newest.pk}"' in page
    assert f'value="{oldest.pk}"' not in page


def test_a_case_past_the_listed_ones_is_still_accepted(
    world: World, agent: Agent, monkeypatch: pytest.MonkeyPatch
) -> None:
    from madoguchi.receivables import forms
    from tests.factories import CaseFactory

    monkeypatch.setattr(forms, "CASES_LISTED", 1)
    oldest = CaseFactory(site=world.site_a)
    CaseFactory(site=world.site_a)
    values = {"agent": agent.pk, "description": "設定", "amount_yen": "8800", "due": "2026-05-31"}

    response = world.clients["bob"].post("/receivables/add/", {**values, "case": oldest.pk})

    assert response.status_code == 302
    assert Receivable.objects.get().case == oldest


def test_the_agent_page_shows_the_on_time_record(world: World, agent: Agent) -> None:
    record_payment(_receivable(agent), paid_on=DUE, amount_yen=12000)
    _receivable(agent, due=today() - dt.timedelta(days=1))
    page = world.clients["alice"].get(f"/receivables/agents/{agent.pk}/").content.decode()
    assert "期日どおりの入金: 2件中 1件" in page
    assert "督促状" in page


def test_the_desk_shows_late_short_and_unpaid_totals(world: World, agent: Agent) -> None:
    record_payment(
        _receivable(agent, due=today() - dt.timedelta(days=3)),
        paid_on=today(),
        amount_yen=11560,
        fee_yen=440,
    )
    _receivable(agent, yen=8800, due=today() - dt.timedelta(days=1))
    page = world.clients["alice"].get("/cases/").content.decode()
    assert 'data-panel="/receivables/panel/"' in page  # loaded after the page
    assert "期日を過ぎた未入金" not in page
    panel = world.clients["alice"].get("/receivables/panel/").content.decode()
    assert "期日を過ぎた未入金: 1件（8,800円）" in panel
    assert "入金不足: 1件（440円）" in panel


def test_the_agent_payments_panel_renders_the_agent_record(world: World, agent: Agent) -> None:
    _receivable(agent, due=today() - dt.timedelta(days=1))
    html = world.clients["vera"].get(f"/receivables/agents/{agent.pk}/payments/").content.decode()
    assert "12,000円" in html
    assert f"/receivables/agents/{agent.pk}/letter.pdf" in html


# --- the dunning letter -------------------------------------------------------------------


def _letter_agent(agent: Agent) -> None:
    short = _receivable(agent, due=DUE, what="山本様 宅 設定サポート")
    record_payment(short, paid_on=DUE, amount_yen=11560, fee_yen=440)
    _receivable(agent, yen=8800, due=DUE + dt.timedelta(days=5), what="佐藤様 宅 ルーター設定")
    _receivable(agent, yen=5000, due=DUE + dt.timedelta(days=60), what="まだ期日前")


def test_the_letter_lists_the_open_amounts_past_due(agent: Agent) -> None:
    _letter_agent(agent)
    text = letter_text(agent, on=DUE + dt.timedelta(days=10))
    lines = text.splitlines()
    assert lines[0] == "2026年5月10日(日)"
    assert "株式会社ひかりコネクト 御中" in text
    assert "督促状" in text
    assert "拝啓" in text
    assert "敬具" in text
    assert "以上" in text
    assert "山本様 宅 設定サポート" in text
    assert "佐藤様 宅 ルーター設定" in text
    assert "まだ期日前" not in text
    assert "差引 440円（振込手数料 440円）" in text
    assert "未払い 440円　期日から 10日経過" in text
    assert "未払い 8,800円　期日から 5日経過" in text
    assert "ご請求金額の合計　9,240円" in text
    assert "お支払い期限　2026年5月24日(日)" in text
    assert agent.organization.name in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_letter_pdf_embeds_a_japanese_font_and_holds_the_table(
    agent: Agent, tmp_path: Path
) -> None:
    _letter_agent(agent)
    path = tmp_path / "letter.pdf"
    path.write_bytes(letter_pdf(agent, on=DUE + dt.timedelta(days=10)))
    fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts
    assert " yes " in fonts
    text = subprocess.run(
        ["pdftotext", "-layout", path, "-"], capture_output=True, text=True
    ).stdout
    assert "督促状" in text
    assert "株式会社ひかりコネクト" in text
    assert "9,240円" in text
    assert "振込手数料" in text
    assert "2026年5月24日(日)" in text


# --- reminders ----------------------------------------------------------------------------


@pytest.fixture
def mailed(world: World) -> None:
    for membership in world.org_a.memberships.select_related("user"):
        membership.user.email = f"{membership.user.username}@example.jp"
        membership.user.save()


def _tokyo(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)


@pytest.mark.usefixtures("mailed")
def test_an_overdue_receivable_is_reminded_once_to_staff(world: World, agent: Agent) -> None:
    _receivable(agent)
    assert send_receivable_reminders(_tokyo(DUE)) == 0  # due today: not yet
    assert send_receivable_reminders(_tokyo(DUE + dt.timedelta(days=1))) == 2  # alice, bob
    assert send_receivable_reminders(_tokyo(DUE + dt.timedelta(days=2))) == 0
    assert sorted(m.to[0].split("@")[0] for m in mail.outbox) == sorted(
        m.user.username for m in world.org_a.memberships.filter(role__in=["owner", "staff"])
    )
    assert "未入金 12,000円" in mail.outbox[0].subject


@pytest.mark.usefixtures("mailed")
def test_a_short_payment_after_the_reminder_is_reminded_again(agent: Agent) -> None:
    receivable = _receivable(agent)
    send_receivable_reminders(_tokyo(DUE + dt.timedelta(days=1)))
    record_payment(receivable, paid_on=DUE + dt.timedelta(days=2), amount_yen=11560, fee_yen=440)
    mail.outbox.clear()
    assert send_receivable_reminders(_tokyo(DUE + dt.timedelta(days=3))) == 2
    assert "入金不足 440円" in mail.outbox[0].subject
    assert "振込手数料を差し引かれた分です" in mail.outbox[0].body


@pytest.mark.usefixtures("mailed")
def test_the_reminder_command_runs_the_receivables_job(agent: Agent) -> None:
    _receivable(agent)
    out = _run("send_reminders", "--now", "2026-05-02T09:00:00+09:00")
    assert "receivable reminders: 2 sent" in out


# --- API and CLI --------------------------------------------------------------------------


def test_the_api_records_a_short_payment(world: World, agent: Agent) -> None:
    created = world.api(
        "post",
        "/api/v1/receivables",
        {"agent_id": agent.pk, "description": "設定", "amount_yen": 12000, "due": "2026-04-30"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    paid = world.api(
        "post",
        f"/api/v1/receivables/{pk}/payments",
        {"paid_on": "2026-04-30", "amount_yen": 11560, "fee_yen": 440},
    )
    assert paid.status_code == 201
    body = paid.json()
    assert (body["state"], body["open_yen"], body["fee_explains_shortfall"]) == ("short", 440, True)
    assert body["payments"][0]["deductions"] == [
        {"kind": "bank-fee", "amount_yen": 440, "what": ""}
    ]
    summary = world.api("get", f"/api/v1/receivables/agents/{agent.pk}").json()
    assert (summary["short"], summary["short_yen"]) == (1, 440)
    listed = world.api("get", "/api/v1/receivables").json()
    assert [r["id"] for r in listed["items"]] == [pk]
    letter = world.api("get", f"/api/v1/receivables/agents/{agent.pk}/letter")
    assert "督促状" in letter.content.decode()


def test_the_api_refuses_a_payment_naming_the_field(world: World, agent: Agent) -> None:
    receivable = _receivable(agent)
    response = world.api(
        "post",
        f"/api/v1/receivables/{receivable.pk}/payments",
        {"paid_on": "2026-04-30", "amount_yen": 0, "other_yen": 100},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "other_what"


def test_the_api_does_not_bill_another_organizations_agent(world: World, agent: Agent) -> None:
    response = world.api(
        "post",
        "/api/v1/receivables",
        {"agent_id": agent.pk, "description": "x", "amount_yen": 1, "due": "2026-04-30"},
        who="mallory",
    )
    assert response.status_code == 422
    assert not Receivable.objects.exists()


def _run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_the_cli_adds_pays_lists_and_writes_the_letter(
    world: World, agent: Agent, tmp_path: Path
) -> None:
    user = world.org_a.memberships.get(role="staff").user.username
    added = _run(
        "receivables",
        "--user",
        user,
        "add",
        str(agent.pk),
        "--for",
        "設定",
        "--yen",
        "12000",
        "--due",
        "2026-04-30",
    )
    pk = int(added.split()[1].rstrip(":"))
    paid = _run(
        "receivables",
        "--user",
        user,
        "pay",
        str(pk),
        "--yen",
        "11560",
        "--fee",
        "440",
        "--on",
        "2026-04-30",
    )
    assert "short, open 440" in paid
    listed = _run("receivables", "--user", user, "list")
    assert "(bank fee deducted)" in listed
    assert "open 440" in listed
    if shutil.which("pdftotext"):
        pdf = tmp_path / "letter.pdf"
        _run("receivables", "--user", user, "letter", str(agent.pk), "--pdf", str(pdf))
        assert pdf.read_bytes().startswith(b"%PDF")
    assert "督促状" in _run("receivables", "--user", user, "letter", str(agent.pk))


def test_the_agent_and_receivable_pages_do_not_grow_with_payments(
    world: World, agent: Agent
) -> None:
    receivable = _receivable(agent, due=today() - dt.timedelta(days=1))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert world.clients["alice"].get(url).status_code == 200
        return len(captured)

    record_payment(receivable, paid_on=DUE, amount_yen=100, fee_yen=440)
    pages = [f"/receivables/agents/{agent.pk}/", f"/receivables/{receivable.pk}/"]
    few = [count(url) for url in pages]
    for n in range(10):
        record_payment(
            receivable, paid_on=DUE, amount_yen=100 + n, fee_yen=440, other_yen=1, other_what="x"
        )
        _receivable(agent, due=today() - dt.timedelta(days=n))
    assert [count(url) for url in pages] == few


# --- from an accepted subcontract request ---------------------------------------------------


def test_accepting_a_request_records_the_payment_it_promised(world: World) -> None:
    from madoguchi.subcontracts import services as subcontracts
    from tests.factories import subcontract_values

    request = subcontracts.receive_request(world.org_a, values=subcontract_values())
    request = subcontracts.accept(request, user=None)

    receivable = Receivable.objects.get(request=request)
    assert (receivable.agent, receivable.amount_yen, receivable.due) == (
        request.agent,
        11000,
        dt.date(2026, 12, 31),
    )
    assert (receivable.site, receivable.case) == (request.site, request.case)
    assert receivable.description == "開通後のルーター設定"


def test_a_declined_request_records_no_payment(world: World) -> None:
    from madoguchi.subcontracts import services as subcontracts
    from tests.factories import subcontract_values

    request = subcontracts.receive_request(world.org_a, values=subcontract_values())
    subcontracts.decline(request, user=None, reason="コース違い")

    assert not Receivable.objects.filter(request=request).exists()


def test_the_request_page_links_the_payment_it_promised(world: World) -> None:
    from madoguchi.subcontracts import services as subcontracts
    from tests.factories import subcontract_values

    request = subcontracts.receive_request(world.org_a, values=subcontract_values())
    subcontracts.accept(request, user=None)
    receivable = Receivable.objects.get(request=request)

    page = world.clients["alice"].get(f"/subcontracts/{request.pk}/").content.decode()

    assert f"/receivables/{receivable.pk}/" in page


def test_the_cli_refuses_a_letter_to_an_agent_who_owes_nothing(
    world: World, agent: Agent, tmp_path: Path
) -> None:
    user = world.org_a.memberships.get(role="staff").user.username
    pdf = tmp_path / "letter.pdf"
    with pytest.raises(CommandError, match="owes nothing past its due date"):
        _run("receivables", "--user", user, "letter", str(agent.pk), "--pdf", str(pdf))
    assert not pdf.exists()


# --- deductions named as recorded; lateness by date --------------------------------------


def test_the_letter_names_a_unilateral_cut_as_recorded_not_as_a_bank_fee(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(
        receivable, paid_on=DUE, amount_yen=10940, other_yen=1060, other_what="一方的な減額"
    )
    text = letter_text(agent, on=DUE + dt.timedelta(days=10))
    assert "差引 1,060円（一方的な減額 1,060円）" in text
    assert "振込手数料 1,060円" not in text


def test_the_letter_names_each_deduction_of_a_payment(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(
        receivable,
        paid_on=DUE,
        amount_yen=10500,
        fee_yen=440,
        other_yen=1060,
        other_what="一方的な減額",
    )
    text = letter_text(agent, on=DUE + dt.timedelta(days=10))
    assert "差引 1,500円（振込手数料 440円、一方的な減額 1,060円）" in text


def test_a_short_payment_four_days_late_is_late(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(
        receivable,
        paid_on=DUE + dt.timedelta(days=4),
        amount_yen=10940,
        other_yen=1060,
        other_what="一方的な減額",
    )
    s = _standing(receivable, DUE + dt.timedelta(days=10))
    assert (s.state, s.days_late) == (SHORT, 4)
    record = totals(Receivable.objects.filter(agent=agent), DUE + dt.timedelta(days=10))
    assert (record["paid"], record["late"], record["judged"]) == (0, 1, 1)


def test_a_full_payment_four_days_late_is_late_not_on_time(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE + dt.timedelta(days=4), amount_yen=12000)
    record = totals(Receivable.objects.filter(agent=agent), DUE + dt.timedelta(days=10))
    assert (record["paid"], record["late"]) == (0, 1)


def test_a_payment_on_the_due_day_is_on_time(agent: Agent) -> None:
    receivable = _receivable(agent)
    record_payment(receivable, paid_on=DUE, amount_yen=12000)
    record = totals(Receivable.objects.filter(agent=agent), DUE + dt.timedelta(days=10))
    assert (record["paid"], record["late"]) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_link_to_the_request_and_back(world: World) -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from madoguchi.subcontracts import services as subcontracts
    from madoguchi.subcontracts.models import SubcontractRequest
    from tests.factories import subcontract_values

    request = subcontracts.accept(
        subcontracts.receive_request(world.org_a, values=subcontract_values()), user=None
    )
    receivable_id = request.receivable_id
    before = [("subcontracts", "0001_requests_and_intake_links")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    state = executor.loader.project_state([*before, ("receivables", "0002_receivable_request")])
    old: Any = state.apps.get_model("receivables", "Receivable")
    assert old.objects.get(pk=receivable_id).request_id == request.pk
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert SubcontractRequest.objects.get(pk=request.pk).receivable_id == receivable_id
