"""Cases: status transitions, the promise life cycle, and an append-only timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from madoguchi.cases.models import Case, EntryKind, Promise, Status, TimelineEntry
from madoguchi.cases.services import (
    CaseError,
    PromiseSpec,
    assign,
    change_status,
    correct_entry,
    log_entry,
    open_case,
    retitle,
    settle_promise,
)
from tests.conftest import World

T0 = dt.datetime(2026, 6, 10, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def case(world: World) -> Case:
    alice = world.org_a.memberships.get(role="owner").user
    return open_case(world.site_a, user=alice, outage_started=T0 - dt.timedelta(hours=2), now=T0)


def test_opening_keeps_the_symptoms_and_lamps_seen(world: World) -> None:
    world.site_a.onu = {"optical": "red"}
    world.site_a.save()
    case = open_case(world.site_a, user=None, now=T0)
    assert case.symptoms == ["internet-down"]
    assert case.observations["onu"] == {"optical": "red"}


def test_opening_keeps_the_assessment_and_the_first_party(case: Case) -> None:
    assert case.status == Status.OPEN
    assert case.first_party == "docomo-hikari"
    assert case.assessment["first_call"]["party"] == "docomo-hikari"
    assert case.entries.get().status_to == Status.OPEN


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["waiting", "visit", "resolved", "closed"], True),
        (["resolved", "open"], True),  # reopened
        (["resolved", "closed", "open"], True),
        (["closed"], False),
        (["waiting", "closed"], False),
    ],
)
def test_status_transitions(case: Case, path: list[str], allowed: bool) -> None:
    def walk() -> None:
        for status in path:
            change_status(case, user=None, to=status)

    if allowed:
        walk()
        assert case.status == path[-1]
    else:
        with pytest.raises(CaseError):
            walk()


def test_a_refused_transition_writes_nothing(case: Case) -> None:
    with pytest.raises(CaseError):
        change_status(case, user=None, to=Status.CLOSED)
    assert case.entries.count() == 1


def test_resolving_ends_the_outage_and_reopening_resumes_it(case: Case) -> None:
    end = T0 + dt.timedelta(days=2)
    change_status(case, user=None, to=Status.RESOLVED, at=end)
    assert case.outage() == dt.timedelta(days=2, hours=2)
    change_status(case, user=None, to=Status.OPEN)
    assert case.outage_ended is None


def test_a_call_with_a_promise_is_one_entry_and_one_promise(case: Case) -> None:
    due = T0 + dt.timedelta(hours=2)
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        party="docomo-hikari",
        person="佐藤",
        reference="R-123",
        said="技術者から折り返します",
        minutes=12,
        status=Status.WAITING,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=due),
    )
    assert entry.status_to == Status.WAITING
    assert case.waiting_on == "docomo-hikari"
    assert Promise.objects.get(made_in=entry).due == due


def test_keeping_and_breaking_promises_add_entries(case: Case) -> None:
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        promise=PromiseSpec(by="docomo-hikari", what="visit", due=T0),
    )
    promise = entry.promises.get()
    settle_promise(promise, user=None, kept=True)
    assert promise.state == "kept"
    with pytest.raises(CaseError):
        settle_promise(promise, user=None, kept=False)
    assert case.entries.filter(kind=EntryKind.PROMISE).count() == 1


def test_a_settled_promise_reads_in_words_on_the_timeline(case: Case) -> None:
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_IN,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=T0),
    )
    with translation.override("ja"):
        settle_promise(entry.promises.get(), user=None, kept=False)
    said = case.entries.get(kind=EntryKind.PROMISE).said
    assert "ドコモ光" in said
    assert "折り返しの電話" in said
    assert "docomo-hikari" not in said
    assert "callback" not in said


def test_overdue_means_open_and_past_due(case: Case) -> None:
    due = dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    log_entry(
        case,
        user=None,
        kind=EntryKind.NOTE,
        promise=PromiseSpec(by="docomo-hikari", what="refund", due=due, amount_yen=2000),
    )
    assert not Promise.objects.filter(case=case).overdue(due).exists()
    assert Promise.objects.filter(case=case).overdue(due + dt.timedelta(minutes=1)).count() == 1


def test_overdue_across_a_holiday_and_midnight(case: Case) -> None:
    # Due 23:59 on New Year's Eve; the desk is closed over the holidays but the promise is
    # overdue one minute after midnight all the same.
    due = timezone.make_aware(dt.datetime(2026, 12, 31, 23, 59))
    log_entry(
        case,
        user=None,
        kind=EntryKind.NOTE,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=due),
    )
    just_after = timezone.make_aware(dt.datetime(2027, 1, 1, 0, 0))
    assert Promise.objects.filter(case=case).overdue(just_after).count() == 1


def test_corrections_are_new_entries(case: Case) -> None:
    entry = log_entry(case, user=None, kind=EntryKind.CALL_OUT, reference="R-1")
    correction = correct_entry(entry, user=None, said="受付番号は R-7 の誤り")
    entry.refresh_from_db()
    assert entry.reference == "R-1"
    assert correction.corrects == entry
    assert TimelineEntry.objects.filter(case=case).count() == 3


def test_open_cases_feed_the_assessment_promises(world: World, case: Case) -> None:
    from madoguchi.cases.assessment import assess_site, with_site_file_rows
    from madoguchi.contracts.models import Site

    log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=T0),
    )
    site = with_site_file_rows(Site.objects.filter(pk=world.site_a.pk)).get()
    codes = [f.code for f in assess_site(site, now=T0 + dt.timedelta(hours=1)).findings]
    assert "promise-overdue" in codes
    change_status(case, user=None, to=Status.RESOLVED)
    site = with_site_file_rows(Site.objects.filter(pk=world.site_a.pk)).get()
    codes = [f.code for f in assess_site(site, now=T0 + dt.timedelta(hours=1)).findings]
    assert codes.count("promise-overdue") == 1  # the factory's own case stays open


def test_promises_follow_their_case_in_and_out_of_the_active_states(case: Case) -> None:
    log_entry(
        case,
        user=None,
        kind=EntryKind.NOTE,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=T0),
    )
    change_status(case, user=None, to=Status.RESOLVED)
    assert not case.promises.of_active_cases().exists()
    change_status(case, user=None, to=Status.OPEN)
    assert case.promises.of_active_cases().count() == 1


def test_assigning_a_colleague_is_an_entry(world: World, case: Case) -> None:
    bob = world.org_a.memberships.get(role="staff").user
    entry = assign(case, user=None, to=bob)
    assert case.assignee == bob
    assert entry.kind == EntryKind.NOTE
    assert bob.username in entry.said


def test_nobody_outside_the_organization_can_be_assigned(world: World, case: Case) -> None:
    mallory = world.org_b.memberships.get().user
    before = case.assignee
    with pytest.raises(CaseError):
        assign(case, user=None, to=mallory)
    case.refresh_from_db()
    assert case.assignee == before
    assert not case.entries.filter(said__contains=mallory.username).exists()


def test_a_new_title_keeps_the_old_one_in_the_timeline(case: Case) -> None:
    retitle(case, user=None, title="本社 光回線 不通")
    retitle(case, user=None, title="本社 全断")
    assert case.title == "本社 全断"
    assert case.entries.filter(said__contains="本社 光回線 不通").count() == 2
