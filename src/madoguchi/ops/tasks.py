"""Reminders as a task: the worker keeps `periodic_reminders` on the queue (a run every 5
minutes, each queueing the next; no cron), or a timer enqueues a run
(`send_reminders --enqueue`), and the worker sends the mails. A mail the server refused is
tried again after a backoff (server.queue), not only at the next timer run; the leases on
each promise and deadline keep overlapping runs from sending anything twice."""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone

from madoguchi.cases.reminders import RemindersFailed
from madoguchi.ops.reminders import send_all_reminders
from madoguchi.server.queue import again_later, keep_scheduled

REMINDERS_EVERY = dt.timedelta(minutes=5)


@task
def send_reminders_task(now: str | None = None, attempt: int = 1) -> list[str]:
    """One run of every reminder (`now`: ISO 8601, else the clock); what it sent."""
    said, failures = send_all_reminders(dt.datetime.fromisoformat(now) if now else None)
    if failures:
        again_later(
            send_reminders_task,
            now,
            attempt=attempt,
            error=RemindersFailed((0, 0), failures),
        )
    return said


@task
def periodic_reminders() -> list[str]:
    """The reminders every REMINDERS_EVERY, kept on the queue by the worker (no cron): one
    run, then the next one queued, even when this one failed."""
    try:
        return send_reminders_task.call()
    finally:
        keep_scheduled(periodic_reminders, timezone.now() + REMINDERS_EVERY)
