"""Long web imports and previews as tasks on the queue: the request that confirms a large
file's preview records a BillImport row and enqueues `bills.tasks.run_bill_job` for it
(in the same transaction: on the database backend the task is a row too); the person is
sent to a progress page that reloads itself until the row says how it ended. A worker
(`madoguchi manage worker`) runs the task.

What the page reads is committed with the rows it describes (services.import_bills): each
batch of staged lines with the lines read, the import's end with its state. A run owns its
job through `worker` (host:pid): every batch checks it still does, so a run that was given
up on cannot write beside the run that replaced it.

Retries: Django's tasks framework and the database backend have none, so they are explicit
and recorded on the row: an attempt stopped by a database error (a lock, a dropped
connection) is enqueued again after RETRY_BACKOFF × 2^(attempt-1) seconds, up to
MAX_ATTEMPTS. A worker killed half way (kill -9, a deploy) leaves its job running with
staged lines nobody sees; the next worker to start (`recover`) enqueues it again, and the
new attempt discards the staged lines and reads the file from the start, so every line
ends imported exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import F
from django.utils import timezone

from madoguchi.bills.models import BillImport
from madoguchi.bills.parsing import NeedsColumns, Problem, parse_columns
from madoguchi.bills.services import (
    ImportRefused,
    Outcome,
    Unanswered,
    discard_staged,
    import_bills,
    preview,
)
from madoguchi.contracts.models import Site
from madoguchi.orgs.models import Organization
from madoguchi.server.queue import forget_task, this_worker, worker_gone

log = logging.getLogger(__name__)

# A run whose heartbeat (every committed batch) is older than this belongs to a worker that
# is gone, even on another host.
QUIET_SECONDS = 120
MAX_ATTEMPTS = 5
RETRY_BACKOFF = 10  # seconds before the first retry; doubled for each further one


class Superseded(Exception):
    """This run no longer owns its job (it was given up on and enqueued again)."""


def upload_dir() -> Path:
    """Where uploads wait for their confirmation (and the worker reads them)."""
    return Path(settings.DATA_DIR) / "bill-uploads"


def runs_in_background(rows: int, size: int) -> bool:
    """Does a file of `rows` lines and `size` bytes take more than a moment to import?"""
    lines = getattr(settings, "BILLS_BACKGROUND_LINES", 50_000)
    bytes_ = getattr(settings, "BILLS_BACKGROUND_BYTES", 2_000_000)
    return rows >= lines or size >= bytes_


@dataclass(frozen=True)
class Progress:
    lines: int
    percent: int
    waiting: bool  # no worker has taken the job up yet


def progress_of(job: BillImport) -> Progress:
    """Lines read so far (and the share of the lines the preview counted), as committed."""
    # a preview does not know the lines yet: the share of the bytes read
    read, whole = (job.lines, job.rows) if job.rows else (job.bytes_read, job.size)
    percent = read * 100 // whole if whole else 0
    return Progress(job.lines, min(99, percent), waiting=job.heartbeat is None)


def start(
    *,
    organization: Organization,
    site: Site | None,
    user: Any,
    token: str,
    name: str,
    rows: int,
    columns: Any,
) -> BillImport:
    """Record the import of the waiting upload `token` and enqueue it."""
    return _launch(
        columns,
        organization=organization,
        site=site,
        user=user,
        name=name,
        token=token,
        rows=rows,
        staging=uuid.uuid4(),
    )


def start_preview(
    *,
    organization: Organization,
    site: Site | None,
    user: Any,
    token: str,
    name: str,
    columns: Any = None,
) -> BillImport:
    """Read the waiting upload `token` for its preview on the queue (through the column
    mapping `columns` when given)."""
    return _launch(
        columns,
        organization=organization,
        site=site,
        user=user,
        name=name,
        token=token,
        preview=True,
    )


def _launch(columns: Any, *, name: str, token: str, **row: Any) -> BillImport:
    """The job's row (with the upload's size and no lines read yet), then its task, in one
    transaction: a job is never recorded without the task that runs it."""
    with transaction.atomic():
        job = BillImport.objects.create(
            name=name[:200],
            token=token,
            size=(upload_dir() / token).stat().st_size,
            columns=columns.text() if columns else "",
            **row,
        )
        enqueue(job)
    job.refresh_from_db()
    return job


def enqueue(job: BillImport, *, delay: float = 0) -> None:
    """Put the job's task on the queue (after `delay` seconds, where the backend can wait)."""
    from madoguchi.bills.tasks import run_bill_job  # the task module imports this one

    task = run_bill_job
    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    BillImport.objects.filter(pk=job.pk).update(worker="", heartbeat=None)
    result = task.enqueue(job.pk)
    BillImport.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def execute(job_id: int) -> None:
    """Run one attempt of the job (the task's body): claim it, read or import its file,
    record how it ended, or enqueue it again after a database error."""
    me = this_worker()
    claimed = BillImport.objects.filter(pk=job_id, state=BillImport.State.RUNNING).update(
        worker=me, heartbeat=timezone.now(), attempts=F("attempts") + 1, error=""
    )
    if not claimed:
        return  # ended already (a duplicate delivery of its task)
    job = BillImport.objects.select_related("organization", "site").get(pk=job_id)
    try:
        if job.preview:
            _run_preview(job, me)
        else:
            _run_import(job, me)
    except Superseded:
        log.warning("bill job %s was taken over by another run", job_id)
    except DatabaseError as exc:
        _retry_or_fail(job, me, exc)
    except Exception as exc:
        log.exception("bill job %s did not finish", job_id)
        owned = BillImport.objects.filter(pk=job_id, worker=me).exists()
        if owned and job.staging:
            discard_staged(job.staging)
        _end(job, me, BillImport.State.FAILED, {}, error=type(exc).__name__)


def _beat(job: BillImport, me: str, **figures: Any) -> None:
    """Record progress (inside the batch's transaction), if this run still owns the job."""
    owned = BillImport.objects.filter(pk=job.pk, worker=me, state=BillImport.State.RUNNING).update(
        heartbeat=timezone.now(), **figures
    )
    if not owned:
        raise Superseded(job.pk)


def _end(
    job: BillImport, me: str, state: str, result: dict[str, Any], *, error: str = "", **more: Any
) -> None:
    """Record how the job ended (when this run still owns it) and drop its upload."""
    ended = BillImport.objects.filter(pk=job.pk, worker=me, state=BillImport.State.RUNNING).update(
        state=state, result=result, finished=timezone.now(), error=error[:200], **more
    )
    if not ended:
        raise Superseded(job.pk)
    (upload_dir() / job.token).unlink(missing_ok=True)


def _retry_or_fail(job: BillImport, me: str, exc: Exception) -> None:
    job.refresh_from_db()
    if job.worker != me or job.state != BillImport.State.RUNNING:
        return  # another run has it now (or it ended): that run decides
    if job.staging:
        discard_staged(job.staging)
    error = f"{type(exc).__name__}: {exc}"[:200]
    if job.attempts >= MAX_ATTEMPTS:
        log.error("bill job %s failed after %s attempts: %s", job.pk, job.attempts, error)
        _end(job, me, BillImport.State.FAILED, {}, error=error)
        return
    delay = RETRY_BACKOFF * 2 ** (job.attempts - 1)
    log.warning(
        "bill job %s: attempt %s stopped (%s); again in %ss", job.pk, job.attempts, error, delay
    )
    BillImport.objects.filter(pk=job.pk, worker=me).update(error=error)
    enqueue(job, delay=delay)


def recover(now: dt.datetime | None = None) -> list[int]:
    """Enqueue again the jobs whose run died with its worker: a worker of this host whose
    process is gone, or any run silent for QUIET_SECONDS. Called when a worker starts."""
    now = now or timezone.now()
    again: list[int] = []
    for job in BillImport.objects.filter(state=BillImport.State.RUNNING).exclude(worker=""):
        silent = job.heartbeat is None or job.heartbeat < now - dt.timedelta(seconds=QUIET_SECONDS)
        if not (worker_gone(job.worker) or silent):
            continue
        forget_task(job.task_id)
        if job.attempts >= MAX_ATTEMPTS:
            BillImport.objects.filter(pk=job.pk, worker=job.worker).update(
                state=BillImport.State.FAILED, finished=now, error="the worker stopped"
            )
            if job.staging:
                discard_staged(job.staging)
            continue
        if BillImport.objects.filter(pk=job.pk, worker=job.worker).update(
            worker="", heartbeat=None, task_id="", error="the worker stopped"
        ):
            enqueue(job)
            again.append(job.pk)
    return again


def _run_preview(job: BillImport, me: str) -> None:
    """Read the job's file as its preview (nothing is written but the job's result)."""
    columns = parse_columns(job.columns) if job.columns else None

    def progress(done: int, lines: int) -> None:
        with transaction.atomic():
            _beat(job, me, lines=lines, bytes_read=done)

    with (upload_dir() / job.token).open("rb") as stream:
        outcome = preview(
            organization=job.organization,
            site=job.site,
            stream=stream,
            columns=columns,
            progress=progress,
        )
    result = outcome_data(outcome) | {"given": columns.text() if columns else ""}
    ended = BillImport.objects.filter(pk=job.pk, worker=me, state=BillImport.State.RUNNING).update(
        state=BillImport.State.DONE,
        result=result,
        rows=outcome.rows,
        lines=outcome.rows,
        finished=timezone.now(),
    )
    if not ended:
        raise Superseded(job.pk)


def outcome_data(outcome: Outcome) -> dict[str, Any]:
    """A preview's outcome as JSON (what the preview page needs to show it again)."""
    return {
        "preset": outcome.preset,
        "rows": outcome.rows,
        "added": outcome.added,
        "already": outcome.already,
        "transfers": outcome.transfers,
        "not_telecom": outcome.not_telecom,
        "matched": [[s, p, n, y] for (s, p), (n, y) in outcome.matched.items()],
        "sites": {str(pk): site.name for pk, site in outcome.sites.items()},
        "unanswered": [
            [key, u.name, list(u.candidates), u.first_line, u.lines]
            for key, u in outcome.unanswered.items()
        ],
        "problems": [
            {"line": p.line, "column": p.column, "en": p.en, "ja": p.ja} for p in outcome.problems
        ],
        "needs_columns": (
            {"header": outcome.needs_columns.header, "sample": outcome.needs_columns.sample}
            if outcome.needs_columns is not None
            else None
        ),
        "columns": outcome.columns.text() if outcome.columns else "",
    }


def outcome_from(data: dict[str, Any]) -> Outcome:
    """The outcome `outcome_data` wrote (sites as unsaved Site objects carrying the name)."""
    needs = data.get("needs_columns")
    return Outcome(
        preset=data["preset"],
        rows=data["rows"],
        added=data["added"],
        already=data["already"],
        transfers=data["transfers"],
        not_telecom=data["not_telecom"],
        matched={(s, p): [n, y] for s, p, n, y in data["matched"]},
        sites={int(pk): Site(pk=int(pk), name=name) for pk, name in data["sites"].items()},
        unanswered={
            key: Unanswered(name, tuple(candidates), first, lines)
            for key, name, candidates, first, lines in data["unanswered"]
        },
        problems=[Problem(p["line"], p["column"], p["en"], p["ja"]) for p in data["problems"]],
        needs_columns=(
            NeedsColumns([], needs["header"], needs["sample"]) if needs is not None else None
        ),
        columns=parse_columns(data["columns"]) if data["columns"] else None,
    )


def _run_import(job: BillImport, me: str) -> None:
    """Import the job's file (all or nothing) and record how it ended: its end commits with
    its lines (services.import_bills calls `finished` inside that transaction)."""
    columns = parse_columns(job.columns) if job.columns else None

    def finished(outcome: Outcome) -> None:
        result = {
            "rows": outcome.rows,
            "added": outcome.added,
            "already": outcome.already,
            "sites": len(outcome.sites),
        }
        ended = BillImport.objects.filter(
            pk=job.pk, worker=me, state=BillImport.State.RUNNING
        ).update(
            state=BillImport.State.DONE, result=result, lines=outcome.rows, finished=timezone.now()
        )
        if not ended:
            raise Superseded(job.pk)

    try:
        with (upload_dir() / job.token).open("rb") as stream:
            import_bills(
                organization=job.organization,
                site=job.site,
                stream=stream,
                columns=columns,
                staging=job.staging,
                progress=lambda done, lines: _beat(job, me, lines=lines, bytes_read=done),
                finished=finished,
            )
    except ImportRefused as exc:
        problems = exc.outcome.problems
        result = {
            "problems": [
                {"line": p.line, "column": p.column, "en": p.en, "ja": p.ja} for p in problems
            ],
            "unanswered": [u.name for u in exc.outcome.unanswered.values()],
        }
        _end(job, me, BillImport.State.REFUSED, result)
        return
    (upload_dir() / job.token).unlink(missing_ok=True)
