"""Run from cron or a systemd timer, e.g. every 5 minutes: `madoguchi manage send_reminders`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.cases.reminders import EXTRA_JOBS, RemindersFailed, send_reminders


class Command(BaseCommand):
    help = (
        "Mail assignees about promises due soon or overdue, and members about their sites' "
        "deadlines. Safe to run repeatedly; a mail the server refused is retried on the next "
        "run, and the command then exits with 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None)

    def handle(self, *args: Any, now: dt.datetime | None, **options: Any) -> None:
        failures: list[str] = []
        try:
            soon, overdue = send_reminders(now)
        except RemindersFailed as failed:
            soon, overdue = failed.sent
            failures += failed.failures
        self.stdout.write(f"reminders: {soon} due soon, {overdue} overdue")
        for name, job in EXTRA_JOBS.items():
            try:
                sent = job(now)
            except RemindersFailed as failed:
                sent = failed.sent[0]
                failures += failed.failures
            self.stdout.write(f"{name}: {sent} sent")
        if failures:
            raise CommandError(str(RemindersFailed((soon, overdue), failures)))
