"""Deadline reminders: 7 days, 1 day and on the day before a deadline, 90/60/30 days before a
contract's end (with what to do), counted in Tokyo calendar days (across midnight, a public
holiday, a month's end), sent once however often the job runs, and the page where a user
sets their address and which reminders they want."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from madoguchi.cases.models import DeadlineReminder, ReminderSettings
from madoguchi.contracts.models import Contract
from madoguchi.engine.results import Deadline
from madoguchi.engine.timezone import TOKYO
from madoguchi.sitefiles.deadline_reminders import send_deadline_reminders, stage_for
from tests.conftest import World


def tokyo(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


def _ending(world: World, end: dt.date, start: dt.date = dt.date(2024, 1, 1)) -> Contract:
    Contract.objects.filter(pk=world.contract_a.pk).update(start=start, end=end)
    return world.contract_a


@pytest.fixture
def alice(world: World) -> Any:
    member = world.org_a.memberships.select_related("user").order_by("pk").first()
    assert member is not None
    member.user.email = "alice@example.jp"
    member.user.save()
    # only alice has an address: the others get nothing
    for other in world.org_a.memberships.exclude(pk=member.pk).select_related("user"):
        other.user.email = ""
        other.user.save()
    return member.user


def _to_alice() -> list[Any]:
    return [m for m in mail.outbox if m.to == ["alice@example.jp"]]


@pytest.mark.parametrize(
    ("left", "stage"),
    [(8, None), (7, 7), (6, 7), (2, 7), (1, 1), (0, 0), (-1, None)],
)
def test_the_nearest_stage_of_a_deadline(left: int, stage: int | None) -> None:
    today = dt.date(2026, 2, 20)
    deadline = Deadline(code="initial-cancellation", due=str(today + dt.timedelta(left)), why="")
    assert stage_for(deadline, today) == stage


@pytest.mark.parametrize(
    ("left", "stage"), [(91, None), (90, 90), (61, 90), (60, 60), (31, 60), (30, 30), (0, 30)]
)
def test_the_nearest_stage_of_a_contract_end(left: int, stage: int | None) -> None:
    today = dt.date(2026, 2, 20)
    deadline = Deadline(code="contract-end", due=str(today + dt.timedelta(left)), why="")
    assert stage_for(deadline, today) == stage


def test_a_contract_end_90_60_30_days_before_once_each(world: World, alice: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    assert send_deadline_reminders(tokyo(2026, 3, 31, 8)) == 0  # 91 days
    assert send_deadline_reminders(tokyo(2026, 4, 1, 8)) == 1  # 90 days
    first = _to_alice()[-1]
    assert "あと90日" in first.subject
    assert "2026年6月30日(火)" in first.body
    assert "解約するなら" in first.body
    assert "翌日から始まるか" in first.body
    assert send_deadline_reminders(tokyo(2026, 4, 1, 8)) == 0  # the job runs again
    assert send_deadline_reminders(tokyo(2026, 4, 15, 8)) == 0
    assert send_deadline_reminders(tokyo(2026, 5, 1, 8)) == 1  # 60 days
    assert send_deadline_reminders(tokyo(2026, 5, 31, 8)) == 1  # 30 days
    assert send_deadline_reminders(tokyo(2026, 6, 29, 8)) == 0
    assert len(_to_alice()) == 3
    assert DeadlineReminder.objects.filter(sent__isnull=False).count() == 3


def test_a_contract_end_reminder_names_the_desk_and_its_number(world: World, alice: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    assert send_deadline_reminders(tokyo(2026, 4, 1, 8)) == 1
    body = _to_alice()[-1].body
    assert "電話: ドコモ光" in body  # the holder's cancellation desk
    assert "0120-800-000 (携帯電話から)" in body


def test_midnight_in_tokyo_starts_the_day(world: World, alice: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    # 2026-04-01 00:00 in Tokyo is 2026-03-31 15:00 UTC: 90 days before, at last
    assert send_deadline_reminders(tokyo(2026, 3, 31, 23, 59)) == 0
    assert send_deadline_reminders(dt.datetime(2026, 3, 31, 15, 1, tzinfo=dt.UTC)) == 1


def test_a_holiday_does_not_move_the_count(world: World, alice: Any) -> None:
    # 2027-01-01 (元日) and 2026-11-23 (勤労感謝の日) are counted like any other day
    _ending(world, dt.date(2027, 1, 31))
    assert send_deadline_reminders(tokyo(2026, 11, 2, 9)) == 1  # 90 days, a Monday
    assert send_deadline_reminders(tokyo(2026, 12, 2, 9)) == 1  # 60 days
    assert send_deadline_reminders(tokyo(2027, 1, 1, 9)) == 1  # 30 days falls on 元日
    assert "あと30日" in _to_alice()[-1].subject


def test_month_ends_and_a_short_february(world: World, alice: Any) -> None:
    # initial cancellation: 8 days from the document, so a document on 2026-02-22 gives
    # 2026-03-01; the day before is 2026-02-28, the last day of February
    Contract.objects.filter(pk=world.contract_a.pk).update(
        start=dt.date(2026, 2, 22), document_received=dt.date(2026, 2, 22), acquired="phone-sales"
    )
    sent = send_deadline_reminders(tokyo(2026, 2, 22, 10))
    assert sent == 1
    assert "あと7日" in _to_alice()[-1].subject
    assert send_deadline_reminders(tokyo(2026, 2, 27, 23, 59)) == 0
    assert send_deadline_reminders(tokyo(2026, 2, 28, 0, 1)) == 1
    assert "あと1日" in _to_alice()[-1].subject
    assert send_deadline_reminders(tokyo(2026, 3, 1, 7)) == 1
    assert "今日が期限" in _to_alice()[-1].subject
    assert send_deadline_reminders(tokyo(2026, 3, 1, 20)) == 0
    assert send_deadline_reminders(tokyo(2026, 3, 2, 7)) == 0  # past


def test_a_late_run_sends_only_the_nearest_stage(world: World, alice: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    assert send_deadline_reminders(tokyo(2026, 6, 10, 8)) == 1
    assert "あと20日" in _to_alice()[-1].subject
    assert DeadlineReminder.objects.get().stage == 30


def test_no_address_or_no_wish_sends_nothing(world: World, alice: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    ReminderSettings.objects.create(user=alice, deadlines=True, contract_ends=False)
    assert send_deadline_reminders(tokyo(2026, 4, 1, 8)) == 0
    ReminderSettings.objects.filter(user=alice).update(contract_ends=True)
    alice.email = ""
    alice.save()
    assert send_deadline_reminders(tokyo(2026, 4, 1, 8)) == 0


def test_a_refused_mail_is_sent_by_the_next_run(world: World, alice: Any, settings: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    settings.EMAIL_BACKEND = "tests.cases.test_reminders.RefusingBackend"
    with pytest.raises(Exception, match="not sent"):
        send_deadline_reminders(tokyo(2026, 4, 1, 8))
    assert not DeadlineReminder.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_deadline_reminders(tokyo(2026, 4, 1, 9)) == 1


def test_the_command_runs_both_jobs(world: World, alice: Any, capsys: Any) -> None:
    _ending(world, dt.date(2026, 6, 30))
    call_command("send_reminders", now=tokyo(2026, 4, 1, 8))
    call_command("send_reminders", now=tokyo(2026, 4, 1, 8))
    out = capsys.readouterr().out
    assert "deadline reminders: 1 sent" in out
    assert "deadline reminders: 0 sent" in out
    assert len(_to_alice()) == 1


def test_the_settings_page(world: World) -> None:
    bob = world.clients["bob"]
    page = bob.get("/cases/reminders/").content.decode()
    assert "お知らせメール" in page
    response = bob.post(
        "/cases/reminders/", {"email": "bob@example.jp", "deadlines": "on"}, follow=True
    )
    assert "保存しました" in response.content.decode()
    member = world.org_a.memberships.get(role="staff")
    member.user.refresh_from_db()
    assert member.user.email == "bob@example.jp"
    wants = ReminderSettings.objects.get(user=member.user)
    assert wants.deadlines
    assert not wants.contract_ends
    refused = bob.post("/cases/reminders/", {"email": "not an address"})
    assert refused.status_code == 200
    member.user.refresh_from_db()
    assert member.user.email == "bob@example.jp"
