"""Reminders are marked sent only once the mail server accepted them: a refused mail is
logged, the run goes on, the command exits non-zero, and the next run sends it once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from madoguchi.cases.models import Case, Promise
from madoguchi.cases.reminders import LEASE, RemindersFailed, send_reminders
from tests.conftest import World
from tests.factories import PromiseFactory

FAILING = "tests.cases.test_reminders.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


class PickyBackend(LocmemBackend):
    """Accepts every mail except those about a refund."""

    def send_messages(self, email_messages: Any) -> int:
        if any("返金" in message.subject for message in email_messages):
            raise ConnectionRefusedError("mailbox unavailable")
        return super().send_messages(email_messages)


@pytest.fixture
def case(world: World) -> Case:
    alice = world.org_a.memberships.get(role="owner").user
    alice.email = "alice@example.jp"
    alice.save()
    Case.objects.filter(pk=world.case_a.pk).update(assignee=alice)
    Promise.objects.update(case_active=False)  # the world's promise: not part of these runs
    return world.case_a


def _due(case: Case, minutes: int) -> Promise:
    return PromiseFactory(case=case, due=timezone.now() + dt.timedelta(minutes=minutes))


def _stamps(*promises: Promise) -> list[tuple[Any, ...]]:
    return [
        tuple(
            Promise.objects.filter(pk=p.pk).values_list(
                "reminded_due_soon", "reminded_overdue", "reminder_lease"
            )[0]
        )
        for p in promises
    ]


def test_a_refused_mail_is_not_marked_sent(case: Case, settings: Any) -> None:
    soon, late = _due(case, 30), _due(case, -5)
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(RemindersFailed) as failed:
        send_reminders()
    assert failed.value.sent == (0, 0)
    assert len(failed.value.failures) == 2
    assert _stamps(soon, late) == [(None, None, None), (None, None, None)]


def test_the_next_run_sends_a_refused_reminder_once(case: Case, settings: Any) -> None:
    _due(case, 30)
    _due(case, -5)
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(RemindersFailed):
        send_reminders()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_reminders() == (1, 1)
    assert send_reminders() == (0, 0)
    assert len(mail.outbox) == 2


def test_one_refused_mail_does_not_stop_the_others(case: Case, settings: Any) -> None:
    refused = PromiseFactory(case=case, what="refund", due=timezone.now() - dt.timedelta(hours=1))
    other = _due(case, -5)
    settings.EMAIL_BACKEND = "tests.cases.test_reminders.PickyBackend"
    with pytest.raises(RemindersFailed) as failed:
        send_reminders()
    assert failed.value.sent == (0, 1)
    assert [len(failed.value.failures), len(mail.outbox)] == [1, 1]
    assert _stamps(refused)[0][1] is None
    assert _stamps(other)[0][1] is not None


def test_the_command_reports_failures_and_exits_non_zero(case: Case, settings: Any) -> None:
    _due(case, -5)
    settings.EMAIL_BACKEND = FAILING
    with pytest.raises(CommandError, match="mail server down"):
        call_command("send_reminders")


def test_a_reminder_another_run_is_sending_is_left_alone(case: Case) -> None:
    promise = _due(case, -5)
    Promise.objects.filter(pk=promise.pk).update(reminder_lease=timezone.now())
    assert send_reminders() == (0, 0)
    assert mail.outbox == []


def test_a_lease_left_by_a_crashed_run_expires(case: Case) -> None:
    promise = _due(case, -5)
    stale = timezone.now() - LEASE - dt.timedelta(seconds=1)
    Promise.objects.filter(pk=promise.pk).update(reminder_lease=stale)
    assert send_reminders() == (0, 1)
    assert _stamps(promise)[0][1:] != (None, None)
    assert _stamps(promise)[0][2] is None


def test_a_reminder_gives_the_number_to_dial_from_a_mobile(case: Case) -> None:
    _due(case, -5)  # ドコモ光's callback, overdue: its 113 works only from a docomo mobile
    send_reminders()
    body = mail.outbox[0].body
    assert "電話: ドコモ光" in body
    assert "0120-800-000 (携帯電話から)" in body
    assert "0120-800-000 (from a mobile)" in body
