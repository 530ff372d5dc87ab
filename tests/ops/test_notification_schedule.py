"""The worker keeps the notifications' sweep running without cron: each periodic task
queues its next run, one waits on the queue however often workers start, and a sweep run
again sends nothing twice. Runs the database backend's worker loop in this process."""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from madoguchi.cases.models import Case
from madoguchi.notifications import tasks
from madoguchi.notifications.models import Channel, Delivery
from madoguchi.ops.management.commands.worker import PERIODIC, start_periodic
from tests.conftest import World
from tests.factories import CaseFactory, SiteFactory

NOON = dt.datetime(2026, 12, 7, 3, 0, tzinfo=dt.UTC)  # 12:00 in Tokyo
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _database_queue(settings: Any, world: World) -> None:
    settings.TASKS = DB_TASKS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Case.objects.update(created=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))  # old news


def _waiting(task: Any) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=task.module_path, status=TaskResultStatus.READY)
    )


def _work() -> None:
    """What a worker does with everything due now, then stops (batch mode; the test's
    connection stays open: the loop would close it between tasks)."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", return_value=None
    ):
        _worker().run()


def _worker() -> Worker:
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )


def test_a_worker_start_queues_each_periodic_task_once(world: World) -> None:
    with time_machine.travel(NOON, tick=False):
        first = start_periodic()
        second = start_periodic()  # a second worker, or a restart
    assert sorted(first) == sorted(t.name for t in PERIODIC)
    assert second == []
    assert all(len(_waiting(t)) == 1 for t in PERIODIC)


def test_the_sweep_runs_every_minute_and_sends_each_event_once(world: World) -> None:
    Channel.objects.create(
        organization=world.org_a, kind="email", target="desk@example.jp", events=["case-opened"]
    )
    site = SiteFactory(organization=world.org_a, name="定期の拠点")
    CaseFactory(site=site, created=NOON - dt.timedelta(minutes=5), title="ネット不通")
    with time_machine.travel(NOON, tick=False):
        start_periodic()
        _work()
    to_desk = [m for m in mail.outbox if m.to == ["desk@example.jp"]]
    assert len(to_desk) == 1
    (following,) = _waiting(tasks.periodic_sweep)
    assert following.run_after == NOON + dt.timedelta(minutes=1)
    for minutes in (2, 3):
        with time_machine.travel(NOON + dt.timedelta(minutes=minutes), tick=False):
            _work()
    assert len([m for m in mail.outbox if m.to == ["desk@example.jp"]]) == 1
    assert Delivery.objects.get().status == "sent"
    ran = DBTaskResult.objects.filter(
        task_path=tasks.periodic_sweep.module_path, status=TaskResultStatus.SUCCESSFUL
    )
    assert ran.count() == 3
    assert len(_waiting(tasks.periodic_sweep)) == 1


def test_a_failed_sweep_still_queues_the_next(world: World, monkeypatch: Any) -> None:
    def broken(**_: Any) -> int:
        raise RuntimeError("database away")

    monkeypatch.setattr(tasks, "run_sweep", broken)
    with time_machine.travel(NOON, tick=False), pytest.raises(RuntimeError):
        tasks.periodic_sweep.call()
    (following,) = _waiting(tasks.periodic_sweep)
    assert following.run_after == NOON + dt.timedelta(minutes=1)


def test_the_sweep_minutes_come_from_the_settings(settings: Any) -> None:
    settings.MADOGUCHI_SWEEP_MINUTES = 5
    assert tasks.next_sweep(NOON) == NOON + dt.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (
            dt.datetime(2026, 12, 6, 21, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 6, 22, 0, tzinfo=dt.UTC),
        ),
        (NOON, dt.datetime(2026, 12, 7, 22, 0, tzinfo=dt.UTC)),
    ],
    ids=["06:00 in Tokyo: at 07:00 the same day", "noon: 07:00 the next day"],
)
def test_the_deadlines_run_daily_at_seven_in_tokyo(now: dt.datetime, expected: dt.datetime) -> None:
    assert tasks.next_deadlines(now) == expected


def test_without_a_backend_that_waits_nothing_is_scheduled(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert start_periodic() == []
