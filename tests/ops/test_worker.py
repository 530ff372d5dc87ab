"""Bill jobs on a real worker process (`madoguchi manage worker`, the database backend), and
what survives it being killed: the rest of the suite runs tasks inline (test settings).

The worker runs with the server's settings against the test database, so these tests commit
(transactional_db). `MADOGUCHI_KILL_TEST_LINES` sets the killed import's size (default
20,000; the README's measurement used 100,000)."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings

from madoguchi.bills import jobs
from madoguchi.bills.models import BillImport
from madoguchi.contracts.models import BillLine, Site
from madoguchi.orgs.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, SiteFactory

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LINES_PER_SITE = 4_000  # under a site's 5,000 bill lines


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(pause: float) -> subprocess.Popen[bytes]:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "madoguchi.server.settings",
        "DATABASE_URL": _database_url(),
        "MADOGUCHI_DATA_DIR": str(settings.DATA_DIR),
        "MADOGUCHI_BILLS_BATCH_PAUSE": str(pause),
    }
    command = [sys.executable, "-m", "madoguchi.cli", "manage", "worker"]
    options = ["--no-startup-delay", "--interval", "0.1", "--no-reload", "--verbosity", "0"]
    return subprocess.Popen([*command, *options], env=env, stderr=subprocess.PIPE)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def _queued_import(lines: int) -> tuple[BillImport, list[Site]]:
    """A sheet of `lines` distinct lines over enough sites, queued as a background import."""
    member = MembershipFactory(organization=OrganizationFactory(slug="w"), role=Role.OWNER)
    count = -(-lines // LINES_PER_SITE)
    sites = [SiteFactory(organization=member.organization, name=f"拠点{n}") for n in range(count)]
    token = secrets.token_urlsafe(16)[:22]
    jobs.upload_dir().mkdir(parents=True, exist_ok=True)
    path: Path = jobs.upload_dir() / token
    with path.open("w", encoding="utf-8") as out:
        out.write("site,party,month,item,yen\n")
        for n in range(lines):
            out.write(f"拠点{n // LINES_PER_SITE},so-net,2026-01,明細 {n},{n % 5000 + 1}\n")
    with override_settings(TASKS=DB_TASKS):
        job = jobs.start(
            organization=member.organization,
            site=None,
            user=member.user,
            token=token,
            name="大きな一覧表.csv",
            rows=lines,
            columns=None,
        )
    return job, sites


def _state(job: BillImport) -> BillImport:
    job.refresh_from_db()
    return job


def test_a_real_worker_runs_a_queued_import(workers: list[subprocess.Popen[bytes]]) -> None:
    job, sites = _queued_import(3_000)
    assert _state(job).heartbeat is None  # queued: no worker has it yet
    workers.append(_start_worker(pause=0))
    _wait_for(lambda: _state(job).state != BillImport.State.RUNNING, 60, "the import to end")
    assert (job.state, job.result["added"], job.attempts) == ("done", 3_000, 1)
    assert BillLine.objects.filter(site__in=sites).count() == 3_000


def test_an_import_killed_half_way_ends_with_every_line_once(
    workers: list[subprocess.Popen[bytes]],
) -> None:
    lines = int(os.environ.get("MADOGUCHI_KILL_TEST_LINES", "20000"))
    job, sites = _queued_import(lines)
    # A pause after each batch of 2,000 lines makes "half way" last long enough to hit.
    first = _start_worker(pause=0.3)
    workers.append(first)
    patience = max(120, lines // 50)  # seconds; a loaded machine reads slowly
    _wait_for(lambda: _state(job).lines >= lines // 2, patience, "half of the lines")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)

    job.refresh_from_db()
    assert job.state == BillImport.State.RUNNING
    staged = BillLine.with_staged.filter(site__in=sites, staging__isnull=False).count()
    assert staged > 0  # the killed run had committed batches …
    assert not BillLine.objects.filter(site__in=sites).exists()  # … that nobody sees

    started = time.monotonic()
    workers.append(_start_worker(pause=0))
    _wait_for(lambda: _state(job).state != BillImport.State.RUNNING, 5 * patience, "the end")
    elapsed = time.monotonic() - started
    print(
        f"\n{lines} lines: {staged} staged when killed; "
        f"the restarted worker ended in {elapsed:.1f} s"
    )

    assert (job.state, job.attempts, job.result["added"]) == ("done", 2, lines)
    stored = BillLine.with_staged.filter(site__in=sites)
    assert stored.count() == lines
    assert not stored.filter(staging__isnull=False).exists()
    assert stored.values("item").distinct().count() == lines  # every line exactly once


def test_a_real_worker_makes_a_queued_card_batch(workers: list[subprocess.Popen[bytes]]) -> None:
    from madoguchi.contracts.models import CardBatch, CardPrint
    from madoguchi.sitefiles import card_batches

    member = MembershipFactory(organization=OrganizationFactory(slug="c"), role=Role.OWNER)
    sites = [SiteFactory(organization=member.organization, name=f"拠点{n}") for n in range(3)]
    with override_settings(TASKS=DB_TASKS):
        batch = card_batches.start(
            organization=member.organization,
            customer=None,
            user=member.user,
            size="a4",
            base_url="http://testserver",
        )
    assert batch is not None
    assert batch.heartbeat is None  # queued: no worker has it yet
    workers.append(_start_worker(pause=0))

    def ended() -> bool:
        batch.refresh_from_db()
        return batch.state != CardBatch.State.RUNNING

    _wait_for(ended, 120, "the cards to be made")
    assert (batch.state, batch.done, batch.attempts) == ("done", 3, 1)
    path = card_batches.file_path(batch)
    assert path is not None
    assert path.read_bytes().startswith(b"%PDF")
    assert CardPrint.objects.filter(site__in=sites).count() == 3
