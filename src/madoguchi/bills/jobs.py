"""Long web imports in the background: the request that confirms a large file's preview
records a BillImport row and hands the import to a thread of the same process; the person
is sent to a progress page that reloads itself until the row says how it ended.

The import runs in one transaction (all or nothing), which cannot commit progress while it
runs, so the lines read go to a small progress file beside the waiting upload (every worker
of the server shares the data directory, as the upload itself needs). A running row whose
progress file has been quiet for QUIET_SECONDS belongs to a process that died: it is marked
failed, and since nothing of an unfinished import was committed, nothing partial is saved.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from madoguchi.bills.models import BillImport
from madoguchi.bills.parsing import ColumnMap
from madoguchi.bills.services import ImportRefused, import_bills
from madoguchi.orgs.models import Organization
from madoguchi.sites.models import Site

log = logging.getLogger(__name__)

QUIET_SECONDS = 60


def upload_dir() -> Path:
    """Where uploads wait for their confirmation (and background imports read them)."""
    return Path(settings.DATA_DIR) / "bill-uploads"


def runs_in_background(rows: int, size: int) -> bool:
    """Does a file of `rows` lines and `size` bytes take more than a moment to import?"""
    lines = getattr(settings, "BILLS_BACKGROUND_LINES", 50_000)
    bytes_ = getattr(settings, "BILLS_BACKGROUND_BYTES", 2_000_000)
    return rows >= lines or size >= bytes_


def _progress_path(job: BillImport) -> Path:
    return upload_dir() / f"{job.token}.progress"


def _write_progress(path: Path, lines: int) -> None:
    spare = path.with_suffix(".tmp")
    spare.write_text(json.dumps({"lines": lines}))
    os.replace(spare, path)  # a reader sees the old figure or the new one, never half


@dataclass(frozen=True)
class Progress:
    lines: int
    percent: int


def progress_of(job: BillImport) -> Progress:
    """Lines read so far (and the share of the lines the preview counted)."""
    try:
        lines = int(json.loads(_progress_path(job).read_text())["lines"])
    except (OSError, ValueError, KeyError, TypeError):
        lines = 0
    percent = min(99, lines * 100 // job.rows) if job.rows else 0
    return Progress(lines, percent)


def check(job: BillImport) -> BillImport:
    """The job, marked failed when it still says running but its progress went quiet
    (the process that ran it is gone)."""
    if job.state != BillImport.State.RUNNING:
        return job
    try:
        beat = _progress_path(job).stat().st_mtime
    except OSError:
        beat = job.created.timestamp()
    if beat < timezone.now().timestamp() - QUIET_SECONDS:
        now = timezone.now()
        BillImport.objects.filter(pk=job.pk, state=BillImport.State.RUNNING).update(
            state=BillImport.State.FAILED, finished=now
        )
        job.refresh_from_db()
    return job


def spawn(target: Callable[..., None], *args: Any) -> None:
    """Run `target` in a thread of this process (tests replace this to run it inline)."""

    def work() -> None:
        try:
            target(*args)
        finally:
            connection.close()  # the thread's own connection

    threading.Thread(target=work, daemon=True, name="bill-import").start()


def start(
    *,
    organization: Organization,
    site: Site | None,
    user: Any,
    token: str,
    name: str,
    rows: int,
    columns: ColumnMap | None,
) -> BillImport:
    """Record the import of the waiting upload `token` and start it in the background."""
    path = upload_dir() / token
    job = BillImport.objects.create(
        organization=organization,
        site=site,
        user=user,
        name=name[:200],
        token=token,
        size=path.stat().st_size,
        rows=rows,
    )
    _write_progress(_progress_path(job), 0)
    spawn(run, job.pk, columns)
    return job


def run(job_id: int, columns: ColumnMap | None) -> None:
    """Import the job's file (all or nothing) and record how it ended."""
    job = BillImport.objects.select_related("organization", "site").get(pk=job_id)
    path = upload_dir() / job.token
    progress = _progress_path(job)
    state, result = BillImport.State.FAILED, {}
    try:
        with path.open("rb") as stream:
            outcome = import_bills(
                organization=job.organization,
                site=job.site,
                stream=stream,
                columns=columns,
                progress=lambda _done, lines: _write_progress(progress, lines),
            )
    except ImportRefused as exc:
        state = BillImport.State.REFUSED
        problems = exc.outcome.problems
        result = {
            "problems": [
                {"line": p.line, "column": p.column, "en": p.en, "ja": p.ja} for p in problems
            ],
            "unanswered": [u.name for u in exc.outcome.unanswered.values()],
        }
    except Exception:
        log.exception("bill import %s did not finish", job_id)
    else:
        state = BillImport.State.DONE
        result = {
            "rows": outcome.rows,
            "added": outcome.added,
            "already": outcome.already,
            "sites": len(outcome.sites),
        }
    finally:
        BillImport.objects.filter(pk=job.pk).update(
            state=state, result=result, finished=timezone.now()
        )
        path.unlink(missing_ok=True)
        progress.unlink(missing_ok=True)
