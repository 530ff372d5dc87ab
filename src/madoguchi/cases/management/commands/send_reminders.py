"""Run from cron or a systemd timer, e.g. every 5 minutes: `madoguchi manage send_reminders`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.cases.reminders import RemindersFailed, send_reminders


class Command(BaseCommand):
    help = (
        "Mail assignees about promises due soon or overdue. Safe to run repeatedly; a mail "
        "the server refused is retried on the next run, and the command then exits with 1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", type=dt.datetime.fromisoformat, default=None)

    def handle(self, *args: Any, now: dt.datetime | None, **options: Any) -> None:
        try:
            soon, overdue = send_reminders(now)
        except RemindersFailed as failed:
            soon, overdue = failed.sent
            self.stdout.write(f"reminders: {soon} due soon, {overdue} overdue")
            raise CommandError(str(failed)) from None
        self.stdout.write(f"reminders: {soon} due soon, {overdue} overdue")
