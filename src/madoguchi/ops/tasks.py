"""Reminders as a task: the systemd timer (or cron) enqueues a run every 5 minutes
(`send_reminders --enqueue`) and the worker sends the mails. A mail the server refused is
tried again after a backoff (server.queue), not only at the next timer run; the leases on
each promise and deadline keep overlapping runs from sending anything twice."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from madoguchi.cases.reminders import RemindersFailed
from madoguchi.ops.reminders import send_all_reminders
from madoguchi.server.queue import again_later


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
