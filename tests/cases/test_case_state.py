"""The case's state follows what happened (seed 000): a call settles the caller's callback,
"no contract" ends that party's promises and leaves the holder to be found, the case waits on
the party of the latest open promise or call, and statistics count the holder of the line."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from madoguchi.cases.models import Case, EntryKind, Promise, Status
from madoguchi.cases.services import PromiseSpec, log_entry, open_case, settle_promise
from madoguchi.cases.stats import party_figures
from tests.conftest import World
from tests.factories import ContractFactory, SiteFactory

T0 = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)  # 12:00 in Tokyo


@pytest.fixture
def case(world: World) -> Case:
    alice = world.org_a.memberships.get(role="owner").user
    return open_case(world.site_a, user=alice, outage_started=T0, now=T0)


def _callback(case: Case, party: str, at: dt.datetime) -> Promise:
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        at=at,
        party=party,
        outcome="callback",
        promise=PromiseSpec(by=party, what="callback", due=at + dt.timedelta(hours=2)),
    )
    return entry.promises.get()


def test_a_promised_callback_makes_the_case_wait_on_that_party(case: Case) -> None:
    _callback(case, "ntt-east", T0)
    case.refresh_from_db()
    assert (case.status, case.waiting_on) == (Status.WAITING, "ntt-east")


def test_a_call_from_the_party_keeps_its_callback_at_the_call_time(case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    back = T0 + dt.timedelta(hours=2, minutes=5)
    log_entry(case, user=None, kind=EntryKind.CALL_IN, at=back, party="ntt-east")
    promise.refresh_from_db()
    assert promise.kept == back


def test_a_call_marked_not_their_callback_leaves_the_promise_open(case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        at=T0 + dt.timedelta(minutes=30),
        party="ntt-east",
        settle_callbacks=False,
    )
    promise.refresh_from_db()
    assert promise.state == "open"


def test_a_call_with_another_party_leaves_the_promise_open(case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, at=T0, party="docomo-hikari")
    promise.refresh_from_db()
    assert promise.state == "open"


def test_no_contract_ends_the_partys_promises_without_breaking_them(case: Case) -> None:
    _callback(case, "ntt-east", T0)
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        at=T0,
        party="ntt-east",
        promise=PromiseSpec(by="ntt-east", what="visit", due=T0 + dt.timedelta(days=1)),
        settle_callbacks=False,
    )
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        at=T0 + dt.timedelta(hours=2),
        party="ntt-east",
        outcome="no-contract",
    )
    states = set(case.promises.values_list("kept", "broken"))
    assert states == {(T0 + dt.timedelta(hours=2), None)}


def test_no_contract_moves_the_case_to_finding_the_holder(case: Case) -> None:
    _callback(case, "ntt-east", T0)
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        at=T0 + dt.timedelta(hours=2),
        party="ntt-east",
        outcome="no-contract",
    )
    case.refresh_from_db()
    assert (case.status, case.waiting_on, case.finding_holder) == (Status.OPEN, "", True)


def test_the_case_waits_on_the_holder_called_after_no_contract(case: Case) -> None:
    _callback(case, "ntt-east", T0)
    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        at=T0 + dt.timedelta(hours=2),
        party="ntt-east",
        outcome="no-contract",
    )
    _callback(case, "docomo-hikari", T0 + dt.timedelta(days=1))
    case.refresh_from_db()
    assert (case.status, case.waiting_on, case.finding_holder) == (
        Status.WAITING,
        "docomo-hikari",
        False,
    )


def test_without_an_open_promise_the_case_waits_on_the_latest_call(case: Case) -> None:
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, at=T0, party="ntt-east")
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, at=T0, party="docomo-hikari")
    case.refresh_from_db()
    assert case.waiting_on == "docomo-hikari"


def test_keeping_the_last_promise_falls_back_to_the_latest_call(case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, at=T0, party="docomo-hikari")
    case.refresh_from_db()
    assert case.waiting_on == "ntt-east"
    settle_promise(promise, user=None, kept=True, at=T0)
    case.refresh_from_db()
    assert case.waiting_on == "docomo-hikari"


def test_the_case_page_says_the_holder_is_to_be_found(world: World, case: Case) -> None:
    log_entry(case, user=None, kind=EntryKind.CALL_IN, party="ntt-east", outcome="no-contract")
    page = world.clients["alice"].get(
        reverse("cases:detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="ja"
    )
    header = page.content.decode().split('<p class="facts">')[1].split("</p>")[0]
    assert "回線の契約先を探す" in header
    assert "先方の対応待ち" not in header


def test_the_dashboard_shows_whom_the_case_waits_on(world: World, case: Case) -> None:
    _callback(case, "ntt-east", T0)
    log_entry(case, user=None, kind=EntryKind.CALL_IN, party="ntt-east", outcome="no-contract")
    _callback(case, "docomo-hikari", T0 + dt.timedelta(days=1))
    page = world.clients["alice"].get(reverse("cases:dashboard"), HTTP_ACCEPT_LANGUAGE="ja")
    row = next(
        line
        for line in page.content.decode().splitlines()
        if f"/cases/{case.pk}/" in line and "先方の対応待ち" in line
    )
    assert "ドコモ光" in row
    assert "NTT東日本" not in row


def test_the_form_keeps_the_callback_unless_unticked(world: World, case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    url = reverse("cases:log", args=[case.pk])
    world.clients["alice"].post(url, {"kind": "call-in", "party": "ntt-east"})
    promise.refresh_from_db()
    assert promise.state == "open"
    world.clients["alice"].post(
        url, {"kind": "call-in", "party": "ntt-east", "settle_callbacks": "on"}
    )
    promise.refresh_from_db()
    assert promise.state == "kept"


def test_the_api_keeps_the_callback_by_default(world: World, case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    answer = world.api(
        "post", f"/api/v1/cases/{case.pk}/entries", {"kind": "call-in", "party": "ntt-east"}
    )
    assert answer.status_code == 201
    promise.refresh_from_db()
    assert promise.state == "kept"


def test_the_cli_can_say_a_call_was_not_their_callback(world: World, case: Case) -> None:
    promise = _callback(case, "ntt-east", T0)
    alice = world.org_a.memberships.get(role="owner").user
    call_command(
        "case",
        "--user",
        alice.username,
        "log",
        str(case.pk),
        "--kind",
        "call-in",
        "--party",
        "ntt-east",
        "--not-their-callback",
        stdout=StringIO(),
    )
    promise.refresh_from_db()
    assert promise.state == "open"


def test_statistics_count_the_holder_found_after_no_contract(world: World) -> None:
    site = SiteFactory(organization=world.org_a)
    ContractFactory(site=site, party="ntt-east", service="access", includes_isp=False)
    alice = world.org_a.memberships.get(role="owner").user
    case = open_case(site, user=alice, outage_started=T0, now=T0)
    log_entry(case, user=None, kind=EntryKind.CALL_OUT, at=T0, party="ntt-east")
    log_entry(
        case, user=None, kind=EntryKind.CALL_IN, at=T0, party="ntt-east", outcome="no-contract"
    )
    ContractFactory(site=site, party="docomo-hikari", service="access", start=dt.date(2021, 5, 1))
    figures = {f.party: f.cases for f in party_figures(alice, timezone.now())}
    assert figures.get("docomo-hikari", 0) >= 1
    assert "ntt-east" not in figures


def test_a_refused_status_change_names_the_statuses_in_words(case: Case) -> None:
    from django.utils import translation

    from madoguchi.cases.services import CaseError, change_status

    with translation.override("ja"), pytest.raises(CaseError) as refused:
        change_status(case, user=None, to=Status.CLOSED)
    message = str(refused.value)
    assert "open" not in message
    assert "closed" not in message
    assert "対応中" in message
    assert "完了" in message
