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
from madoguchi.bills.parsing import ColumnMap, NeedsColumns, Problem, parse_columns
from madoguchi.bills.services import ImportRefused, Outcome, Unanswered, import_bills, preview
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


def _write_progress(path: Path, lines: int, done: int = 0) -> None:
    spare = path.with_suffix(".tmp")
    spare.write_text(json.dumps({"lines": lines, "bytes": done}))
    os.replace(spare, path)  # a reader sees the old figure or the new one, never half


@dataclass(frozen=True)
class Progress:
    lines: int
    percent: int


def progress_of(job: BillImport) -> Progress:
    """Lines read so far (and the share of the lines the preview counted)."""
    try:
        figures = json.loads(_progress_path(job).read_text())
        lines, done = int(figures["lines"]), int(figures.get("bytes", 0))
    except (OSError, ValueError, KeyError, TypeError):
        lines, done = 0, 0
    # a preview does not know the lines yet: the share of the bytes read
    read, whole = (lines, job.rows) if job.rows else (done, job.size)
    percent = read * 100 // whole if whole else 0
    return Progress(lines, min(99, percent))


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
    return _launch(
        run,
        columns,
        organization=organization,
        site=site,
        user=user,
        name=name,
        token=token,
        rows=rows,
    )


def start_preview(
    *,
    organization: Organization,
    site: Site | None,
    user: Any,
    token: str,
    name: str,
    columns: ColumnMap | None = None,
) -> BillImport:
    """Read the waiting upload `token` for its preview in the background (through the
    column mapping `columns` when given)."""
    return _launch(
        run_preview,
        columns,
        organization=organization,
        site=site,
        user=user,
        name=name,
        token=token,
        preview=True,
    )


def _launch(
    target: Callable[..., None], columns: ColumnMap | None, *, name: str, token: str, **row: Any
) -> BillImport:
    """The job's row (with the upload's size and no lines read yet), then its thread."""
    job = BillImport.objects.create(
        name=name[:200], token=token, size=(upload_dir() / token).stat().st_size, **row
    )
    _write_progress(_progress_path(job), 0)
    spawn(target, job.pk, columns)
    return job


def run_preview(job_id: int, columns: ColumnMap | None = None) -> None:
    """Read the job's file as its preview (nothing is written but the job's result)."""
    job = BillImport.objects.select_related("organization", "site").get(pk=job_id)
    progress = _progress_path(job)
    state, result = BillImport.State.FAILED, {}
    try:
        with (upload_dir() / job.token).open("rb") as stream:
            outcome = preview(
                organization=job.organization,
                site=job.site,
                stream=stream,
                columns=columns,
                progress=lambda done, lines: _write_progress(progress, lines, done),
            )
        result = outcome_data(outcome) | {"given": columns.text() if columns else ""}
        state = BillImport.State.DONE
    except Exception:
        log.exception("bill preview %s did not finish", job_id)
    finally:
        BillImport.objects.filter(pk=job.pk).update(
            state=state, result=result, rows=result.get("rows", 0), finished=timezone.now()
        )
        progress.unlink(missing_ok=True)


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
                progress=lambda done, lines: _write_progress(progress, lines, done),
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
