"""Run from cron or a systemd timer, e.g. every 5 minutes: `madoguchi manage send_reminders`
(here, at once), or `send_reminders --enqueue` (on the task queue: the worker sends them and
retries a refused mail after a backoff, ops.tasks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.ops.reminders import send_all_reminders
from madoguchi.ops.tasks import send_reminders_task


class Command(BaseCommand):
    help = (
        "Mail assignees about promises due soon or overdue, and members about their sites' "
        "deadlines. Safe to run repeatedly; a mail the server refused is retried on the next "
        "run, and the command then exits with 1. --enqueue leaves the sending to the worker."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None)
        parser.add_argument(
            "--enqueue", action="store_true", help="put the run on the task queue for the worker"
        )

    def handle(self, *args: Any, now: dt.datetime | None, **options: Any) -> None:
        if options["enqueue"]:
            send_reminders_task.enqueue(now.isoformat() if now else None)
            self.stdout.write("reminders queued for the worker")
            return
        said, failures = send_all_reminders(now)
        for line in said:
            self.stdout.write(line)
        if failures:
            raise CommandError(f"{len(failures)} reminder(s) not sent: " + "; ".join(failures))
