"""Background work on the task queue: what is enqueued, retried and taken up again. The
tasks run inline here (the test settings' immediate backend) unless a test swaps in the
dummy backend to see what was enqueued; tests/ops/test_worker.py runs a real worker."""

from __future__ import annotations

import datetime as dt
import io
import socket
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import OperationalError
from django.tasks import default_task_backend
from django.test import override_settings
from django.utils import timezone

from madoguchi.bills import jobs
from madoguchi.bills.models import BillImport
from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.changes import site_changed
from madoguchi.contracts.models import BillLine, Site
from madoguchi.money.services import refresh_site_money
from madoguchi.money.tasks import enqueue_changed, refresh_site
from madoguchi.ops.tasks import send_reminders_task
from madoguchi.orgs.models import Role
from tests.conftest import World
from tests.factories import MembershipFactory, PromiseFactory, SiteFactory

DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queued() -> Any:
    """The dummy backend: tasks are recorded, not run."""
    with override_settings(TASKS=DUMMY):
        default_task_backend.clear()
        yield default_task_backend


def _job(world: World, lines: int, *, sites: int = 1) -> tuple[BillImport, list[Site]]:
    member = MembershipFactory(organization=world.org_a, role=Role.STAFF)
    places = [SiteFactory(organization=world.org_a, name=f"工場{n}") for n in range(sites)]
    jobs.upload_dir().mkdir(parents=True, exist_ok=True)
    token = f"t{BillImport.objects.count():021d}"
    rows = [f"工場{n % sites},so-net,2026-01,明細 {n},{n + 1}" for n in range(lines)]
    (jobs.upload_dir() / token).write_text("site,party,month,item,yen\n" + "\n".join(rows) + "\n")
    job = jobs.start(
        organization=world.org_a,
        site=None,
        user=member.user,
        token=token,
        name="一覧.csv",
        rows=lines,
        columns=None,
    )
    job.refresh_from_db()
    return job, places


def test_a_long_import_is_a_task_on_the_queue(world: World, queued: Any) -> None:
    job, places = _job(world, 3)
    assert [r.task.name for r in queued.results] == ["run_bill_job"]
    assert queued.results[0].args == [job.pk]
    assert (job.state, job.task_id, job.heartbeat) == ("running", str(queued.results[0].id), None)
    assert not BillLine.objects.filter(site__in=places).exists()  # nothing until it runs


def test_an_attempt_stopped_by_the_database_is_retried_and_imports_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = jobs.import_bills
    calls: list[int] = []

    def locked_once(**kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            kwargs["progress"](0, 1)  # a batch committed, then the database gave way
            raise OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(jobs, "import_bills", locked_once)
    job, places = _job(world, 5)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result["added"]) == ("done", 2, 5)
    assert BillLine.objects.filter(site__in=places).count() == 5


def test_a_job_failing_every_attempt_ends_failed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(**kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(jobs, "import_bills", locked)
    job, places = _job(world, 5)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", jobs.MAX_ATTEMPTS)
    assert "database is locked" in job.error
    assert not BillLine.with_staged.filter(site__in=places).exists()


def test_a_job_whose_worker_died_is_taken_up_again_without_duplicates(
    world: World, queued: Any
) -> None:
    job, places = _job(world, 5)
    # A worker of this host (a process that no longer exists) staged two lines and died.
    BillImport.objects.filter(pk=job.pk).update(
        worker=f"{socket.gethostname()}:999999999", heartbeat=timezone.now(), attempts=1
    )
    BillLine.with_staged.bulk_create(
        [
            BillLine(
                organization=world.org_a,
                site=places[0],
                party="so-net",
                month="2026-01",
                item=f"明細 {n}",
                yen=n + 1,
                staging=job.staging,
            )
            for n in range(2)
        ]
    )
    assert jobs.recover() == [job.pk]
    assert len(queued.results) == 2  # queued again
    jobs.execute(job.pk)  # what the worker does with it
    job.refresh_from_db()
    assert (job.state, job.attempts, job.result["added"]) == ("done", 2, 5)
    assert BillLine.with_staged.filter(site__in=places).count() == 5


def test_a_live_run_is_left_alone(world: World, queued: Any) -> None:
    job, _ = _job(world, 5)
    BillImport.objects.filter(pk=job.pk).update(worker=jobs.this_worker(), heartbeat=timezone.now())
    assert jobs.recover() == []


def test_a_run_given_up_on_cannot_finish_beside_its_replacement(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = jobs.import_bills

    def taken_over(**kwargs: Any) -> Any:
        kwargs["progress"](0, 1)
        BillImport.objects.update(worker="elsewhere:1")  # recover() handed it to another run
        return real(**kwargs)

    monkeypatch.setattr(jobs, "import_bills", taken_over)
    job, places = _job(world, 5)
    job.refresh_from_db()
    assert job.state == "running"  # the other run ends it
    assert not BillLine.with_staged.filter(site__in=places).exists()


def test_progress_commits_with_the_lines(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("madoguchi.bills.services.BATCH", 2)
    seen: list[tuple[int, int]] = []
    real = jobs._beat

    def beat(job: BillImport, me: str, **figures: Any) -> None:
        real(job, me, **figures)
        staged = BillLine.with_staged.filter(staging=job.staging).count()
        seen.append((figures["lines"], staged))

    monkeypatch.setattr(jobs, "_beat", beat)
    job, _ = _job(world, 7)
    job.refresh_from_db()
    assert job.state == "done"
    assert seen
    assert all(staged == lines for lines, staged in seen)


def test_a_changed_site_has_its_money_refresh_enqueued(
    world: World, queued: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        site_changed(world.site_a.pk)
    assert enqueue_changed(Site.objects.all()) == 1
    assert [r.task for r in queued.results] == [refresh_site]
    assert queued.results[0].args[0] == world.site_a.pk


def test_a_site_summarized_since_its_change_is_not_enqueued(
    world: World, queued: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        site_changed(world.site_a.pk)
    refresh_site_money(world.site_a.pk)
    assert enqueue_changed(Site.objects.all()) == 0
    assert queued.results == []


def test_the_timer_enqueues_reminders_for_the_worker(queued: Any) -> None:
    out = io.StringIO()
    call_command("send_reminders", "--enqueue", stdout=out)
    assert [r.task for r in queued.results] == [send_reminders_task]
    assert "queued" in out.getvalue()


class RefusesOnce(LocmemBackend):
    """A mail server that refuses the first mail it is given, then recovers."""

    refused = 0

    def send_messages(self, email_messages: Any) -> int:
        if RefusesOnce.refused == 0:
            RefusesOnce.refused += 1
            raise ConnectionRefusedError("mail server busy")
        return super().send_messages(email_messages)


def test_a_refused_reminder_is_retried_by_the_task_and_sent_once(
    world: World, settings: Any
) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    alice.email = "alice@example.jp"
    alice.save()
    Case.objects.filter(pk=world.case_a.pk).update(assignee=alice)
    Promise.objects.update(case_active=False)
    promise = PromiseFactory(case=world.case_a, due=timezone.now() + dt.timedelta(minutes=30))
    settings.EMAIL_BACKEND = "tests.ops.test_tasks.RefusesOnce"
    RefusesOnce.refused = 0
    send_reminders_task.enqueue()
    assert RefusesOnce.refused == 1
    assert len(mail.outbox) == 1
    promise.refresh_from_db()
    assert promise.reminded_due_soon is not None
