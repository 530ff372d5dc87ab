"""Retries for tasks: Django's tasks framework (and its database backend) runs a task once
and records an exception as its failure, so a task whose work may meet a passing error (a
locked or dropped database, a mail server that refused) enqueues itself again, after a
backoff that doubles, with the attempt number as an argument: each attempt is then its own
row on the queue (what failed and when stays readable in the admin)."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from typing import Any

from django.tasks import Task, TaskResultStatus
from django.utils import timezone

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_SECONDS = 30  # before the second attempt; doubled for each further one


def backoff(attempt: int) -> int:
    """Seconds to wait before attempt number `attempt + 1`."""
    return int(BACKOFF_SECONDS * 2 ** (attempt - 1))


def again_later(task: Task[Any, Any], *args: Any, attempt: int, error: BaseException) -> bool:
    """Enqueue `task(*args, attempt=attempt + 1)` after the backoff; False (and logged) when
    `attempt` was the last one. Where the backend cannot wait (the tests' immediate
    backend), the next attempt runs at once."""
    if attempt >= MAX_ATTEMPTS:
        log.error("%s%r failed %s times: %s", task.name, args, attempt, error)
        return False
    log.warning("%s%r attempt %s failed (%s): again later", task.name, args, attempt, error)
    if task.get_backend().supports_defer:
        when = timezone.now() + dt.timedelta(seconds=backoff(attempt))
        task = task.using(run_after=when)
    task.enqueue(*args, attempt=attempt + 1)
    return True


def waiting(task: Task[Any, Any]) -> bool:
    """Is a run of `task` on the queue, not yet started (whenever it is due)? Only the
    database backend can tell; elsewhere nothing is ever waiting."""
    if not task.get_backend().supports_defer:
        return False
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(
        task_path=task.module_path, status=TaskResultStatus.READY
    ).exists()


def keep_scheduled(task: Task[Any, Any], at: dt.datetime) -> bool:
    """Enqueue `task()` to run at `at`, unless a run of it is waiting already: a periodic
    task calls this for its next run, and each worker at its start, so that however many
    workers there are, one run of it waits on the queue (two chains started at once merge
    at their next step). Needs a backend that can wait (the database); False elsewhere,
    where nothing is scheduled (the tests' immediate backend would run it at once)."""
    if not task.get_backend().supports_defer:
        return False
    if waiting(task):
        return False
    task.using(run_after=at).enqueue()
    return True


def this_worker() -> str:
    """Who runs a job now (host:pid), recorded on the job's row while it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def worker_gone(worker: str) -> bool:
    """Is the process named by `worker` (host:pid) known to have stopped? Only a process of
    this host can be looked up; another host's is judged by its job's heartbeat."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def forget_task(task_id: str) -> None:
    """Mark a dead run's task failed on the database backend (it would say running forever:
    the backend does not know its worker died)."""
    try:
        from django_tasks_db.models import DBTaskResult

        uuid.UUID(task_id)
    except (ImportError, ValueError):  # another backend's result (or none)
        return
    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )
