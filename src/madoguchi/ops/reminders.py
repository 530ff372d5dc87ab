"""Every kind of reminder in one run, each from the app that owns it: the promises of cases,
the deadlines of sites (sitefiles, which reads the assessment) and the receivables due from
agents. This app sits above all three, so it calls them directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from madoguchi.cases.reminders import RemindersFailed, send_reminders
from madoguchi.receivables.reminders import send_receivable_reminders
from madoguchi.sitefiles.deadline_reminders import send_deadline_reminders

# Each takes `now` and returns how many mails it sent, raising RemindersFailed when some
# were refused.
JOBS: tuple[tuple[str, Callable[[dt.datetime | None], int]], ...] = (
    ("deadline reminders", send_deadline_reminders),
    ("receivable reminders", send_receivable_reminders),
)


def send_all_reminders(now: dt.datetime | None = None) -> tuple[list[str], list[str]]:
    """Every kind of reminder (promises, then JOBS): a line per kind saying what was sent,
    and the failures (each is retried by the next run; a task run retries sooner)."""
    failures: list[str] = []
    try:
        soon, overdue = send_reminders(now)
    except RemindersFailed as failed:
        soon, overdue = failed.sent
        failures += failed.failures
    said = [f"reminders: {soon} due soon, {overdue} overdue"]
    for name, job in JOBS:
        try:
            sent = job(now)
        except RemindersFailed as failed:
            sent = failed.sent[0]
            failures += failed.failures
        said.append(f"{name}: {sent} sent")
    return said, failures
