"""Many writers at once: SQLite's locking settings, reads that do not write, and threads
settling, logging, opening cases and importing together with every write stored once."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases import services
from madoguchi.cases.models import Case, EntryKind, Promise, TimelineEntry
from madoguchi.cases.reminders import send_reminders
from madoguchi.contracts.models import BillLine, Site
from madoguchi.orgs.models import ApiToken
from madoguchi.sitefiles import siteio
from tests.conftest import World
from tests.factories import PromiseFactory


def _writes(call: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("UPDATE")]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's locking settings")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db: Any) -> None:
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 20_000
    assert connection.transaction_mode == "IMMEDIATE"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's read settings")
def test_sqlite_reads_through_a_memory_map_with_a_larger_page_cache(db: Any) -> None:
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA mmap_size").fetchone()[0] == 256 * 1024 * 1024
        assert cursor.execute("PRAGMA cache_size").fetchone()[0] == -32_000  # KiB


def test_a_token_is_stamped_at_most_once_a_minute(world: World) -> None:
    def read() -> None:
        assert world.api("get", "/api/v1/sites").status_code == 200

    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        assert len(_writes(read)) == 1  # never used: stamped
        first = ApiToken.objects.get(last_used__isnull=False)
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 0, 50, tzinfo=dt.UTC), tick=False):
        assert _writes(read) == []  # a read within the minute writes nothing
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 1, 30, tzinfo=dt.UTC), tick=False):
        assert len(_writes(read)) == 1
    first.refresh_from_db()
    assert first.last_used == dt.datetime(2026, 2, 2, 9, 1, 30, tzinfo=dt.UTC)


def _in_threads(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs at once (released together by a barrier); each result, or the exception
    it raised. Each thread closes its own database connection."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        try:
            barrier.wait(timeout=10)
            return job()
        except Exception as exc:  # reported by the test, not swallowed
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(run, jobs))


def _client(world: World) -> Callable[..., Any]:
    """A caller with alice's token and its own test client (clients are not thread-safe)."""
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}

    def call(method: str, url: str, body: Any = None) -> Any:
        if body is None:
            return getattr(client, method)(url, **headers)
        data = json.dumps(body)
        return getattr(client, method)(url, data, content_type="application/json", **headers)

    return call


def _statuses(results: list[Any]) -> list[Any]:
    return [r if isinstance(r, Exception) else r.status_code for r in results]


WORKERS = 8


def test_writers_at_once_each_store_their_write_once(transactional_db: Any, world: World) -> None:
    """Eight people at once: each opens a case on the same site, logs a call on one shared
    case, settles a promise of it, re-imports the site's own export and imports a new site.
    None fails (no 500, no "database is locked"), and every write is there exactly once."""
    site, case = world.site_a, world.case_a
    due = timezone.now() + dt.timedelta(days=1)
    promises = [
        PromiseFactory(case=case, by="docomo-hikari", what=f"callback {n}", due=due)
        for n in range(WORKERS)
    ]
    export = world.api("get", f"/api/v1/sites/{site.pk}/export").content.decode()
    cases_before = Case.objects.filter(site=site).count()

    def worker(n: int) -> Callable[[], list[Any]]:
        def job() -> list[Any]:
            call = _client(world)
            return [
                call("post", f"/api/v1/sites/{site.pk}/cases", {"title": f"worker {n}"}),
                call("post", f"/api/v1/cases/{case.pk}/entries", {"reference": f"R-{n}"}),
                call("post", f"/api/v1/promises/{promises[n].pk}/kept"),
                call("put", f"/api/v1/sites/{site.pk}/import", {"content": export}),
                call(
                    "post",
                    "/api/v1/sites/import",
                    {"content": f"site: {{name: new-{n}}}\n", "organization": "org-a"},
                ),
            ]

        return job

    started = time.monotonic()
    results = _in_threads([worker(n) for n in range(WORKERS)])
    elapsed = time.monotonic() - started

    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    assert [_statuses(r) for r in results] == [[201, 201, 200, 200, 201]] * WORKERS
    opened = Case.objects.filter(site=site).exclude(pk=case.pk)
    assert opened.count() == cases_before - 1 + WORKERS
    assert sorted(opened.filter(title__startswith="worker").values_list("title", flat=True)) == [
        f"worker {n}" for n in range(WORKERS)
    ]
    assert len(set(Case.objects.filter(site=site).values_list("ref", flat=True))) == (
        cases_before + WORKERS
    )
    references = list(
        TimelineEntry.objects.filter(case=case, reference__startswith="R-").values_list(
            "reference", flat=True
        )
    )
    assert sorted(references) == [f"R-{n}" for n in range(WORKERS)]
    assert Promise.objects.filter(pk__in=[p.pk for p in promises], kept__isnull=False).count() == (
        WORKERS
    )
    assert TimelineEntry.objects.filter(case=case, kind=EntryKind.PROMISE).count() == WORKERS
    assert Promise.objects.filter(case=case).count() == 1 + WORKERS  # re-imports added none
    assert sorted(Site.objects.filter(name__startswith="new-").values_list("name", flat=True)) == [
        f"new-{n}" for n in range(WORKERS)
    ]
    assert elapsed < 30


def test_two_people_settling_one_promise_settle_it_once(
    transactional_db: Any, world: World
) -> None:
    promise = world.promise_a
    results = _in_threads(
        [lambda: _client(world)("post", f"/api/v1/promises/{promise.pk}/kept")] * WORKERS
    )
    assert sorted(_statuses(results)) == [200] + [409] * (WORKERS - 1)
    assert TimelineEntry.objects.filter(case=promise.case, kind=EntryKind.PROMISE).count() == 1


def test_site_files_are_parsed_before_the_write_transaction(
    transactional_db: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow parse must not hold SQLite's one write lock (IMMEDIATE takes it at BEGIN)."""
    inside: list[bool] = []
    parse = siteio.parse_site

    def spy(*args: Any, **kwargs: Any) -> Any:
        inside.append(connection.in_atomic_block)
        return parse(*args, **kwargs)

    monkeypatch.setattr(siteio, "parse_site", spy)
    text = "site: {name: 読込}\n"
    put = world.api("put", f"/api/v1/sites/{world.site_a.pk}/import", {"content": text})
    body = {"content": text.replace("読込", "読込2"), "organization": "org-a"}
    post = world.api("post", "/api/v1/sites/import", body)
    upload = SimpleUploadedFile("site.yaml", text.replace("読込", "読込3").encode())
    web = world.clients["alice"].post("/sites/import/", {"files": [upload]})
    assert (put.status_code, post.status_code, web.status_code) == (200, 201, 302)
    assert inside == [False, False, False]


def test_a_case_is_assessed_before_the_write_transaction(
    transactional_db: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside: list[bool] = []
    assess = services.assess_site

    def spy(*args: Any, **kwargs: Any) -> Any:
        inside.append(connection.in_atomic_block)
        return assess(*args, **kwargs)

    monkeypatch.setattr(services, "assess_site", spy)
    assert world.api("post", f"/api/v1/sites/{world.site_a.pk}/cases", {}).status_code == 201
    assert inside == [False]


class SlowBackend(LocmemBackend):
    """A mail server that takes a moment, so runs overlap."""

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.02)
        return super().send_messages(email_messages)


def test_overlapping_reminder_runs_send_each_mail_once(
    transactional_db: Any, world: World, settings: Any
) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    alice.email = "alice@example.jp"
    alice.save()
    Case.objects.filter(pk=world.case_a.pk).update(assignee=alice)
    Promise.objects.update(case_active=False)
    late = timezone.now() - dt.timedelta(minutes=5)
    PromiseFactory.create_batch(WORKERS, case=world.case_a, due=late)
    settings.EMAIL_BACKEND = "tests.cases.test_concurrency.SlowBackend"
    results = _in_threads([send_reminders] * 4)
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sum(overdue for _soon, overdue in results) == WORKERS
    assert len(mail.outbox) == WORKERS
    assert Promise.objects.filter(reminded_overdue__isnull=True, case_active=True).count() == 0


def test_a_long_bill_import_never_makes_other_writers_fail(
    transactional_db: Any, world: World, settings: Any
) -> None:
    """One big sheet imports (in short transactions: a batch of lines at a time) while other
    people log in, settle promises and call the API the whole time. None of them fails
    ("database is locked" after the busy timeout), every write is there once, and so is
    every imported line."""
    import io

    from django.contrib.auth import get_user_model

    from madoguchi.bills.services import import_bills
    from tests.factories import SiteFactory

    settings.BILLS_BATCH_PAUSE = 0.02 if connection.vendor == "sqlite" else 0.0
    sites = [SiteFactory(organization=world.org_a, name=f"倉庫{n}") for n in range(3)]
    lines = 12_000
    sheet = "site,party,month,item,yen\n" + "".join(
        f"倉庫{n % 3},so-net,2026-01,明細 {n},{n + 1}\n" for n in range(lines)
    )
    due = timezone.now() + dt.timedelta(days=1)
    promises = [
        PromiseFactory(case=world.case_a, by="docomo-hikari", what=f"p {n}", due=due)
        for n in range(400)
    ]
    bob = get_user_model().objects.get(pk=world.org_a.memberships.get(role="staff").user_id)
    importing = threading.Event()
    importing.set()
    done: list[Any] = []

    def importer() -> list[Any]:
        try:
            outcome = import_bills(organization=world.org_a, stream=io.BytesIO(sheet.encode()))
            return [outcome.added]
        finally:
            importing.clear()

    def writer(n: int) -> Callable[[], list[Any]]:
        def job() -> list[Any]:
            call, web, answers = _client(world), Client(), []
            k = n
            while importing.is_set() and k < len(promises):
                answers.append(
                    web.post(
                        "/accounts/login/", {"username": bob.username, "password": "pw-for-tests"}
                    )
                )
                answers.append(call("post", f"/api/v1/promises/{promises[k].pk}/kept"))
                answers.append(
                    call(
                        "post", f"/api/v1/cases/{world.case_a.pk}/entries", {"reference": f"W-{k}"}
                    )
                )
                done.append(k)
                k += 4
            return answers

        return job

    results = _in_threads([importer, *(writer(n) for n in range(4))])
    failures = [r for r in results if isinstance(r, Exception)]
    assert failures == []
    assert results[0] == [lines]
    statuses = [s for answers in results[1:] for s in _statuses(answers)]
    assert statuses  # the writers wrote while the import ran …
    assert set(statuses) <= {200, 201, 302}  # … and none of them failed
    assert BillLine.objects.filter(site__in=sites).count() == lines
    kept = Promise.objects.filter(pk__in=[promises[k].pk for k in done], kept__isnull=False)
    assert kept.count() == len(done)
    references = TimelineEntry.objects.filter(case=world.case_a, reference__startswith="W-")
    assert sorted(references.values_list("reference", flat=True)) == sorted(f"W-{k}" for k in done)
