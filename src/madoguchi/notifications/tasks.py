"""The notification tasks (Django's tasks API, on whichever backend is configured).

`sweep` reads what happened, records the deliveries and enqueues one `deliver` per due row.
The worker keeps it running without cron (`madoguchi manage worker` queues them at its
start): `periodic_sweep` every MADOGUCHI_SWEEP_MINUTES and `daily_deadlines` once a day
each enqueue their own next run, one waiting on the queue however many workers there
are. Retries, backoff and "never twice" live in the delivery rows (notifications.dispatch),
so a sweep run twice, or by two workers at once, sends nothing twice. `madoguchi manage
notify` is the same sweep by hand."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from madoguchi.engine.timezone import TOKYO
from madoguchi.notifications import dispatch
from madoguchi.notifications.events import collect
from madoguchi.server.queue import keep_scheduled


@task
def deliver(delivery_id: int) -> str:
    return dispatch.attempt(delivery_id, timezone.now())


@task
def sweep(deadlines: bool = False) -> int:
    return run_sweep(deadlines=deadlines)


def run_sweep(*, deadlines: bool = False) -> int:
    """Record new events' deliveries and enqueue every due one; returns how many enqueued.
    `deadlines`: also the legal deadlines near (assesses every listening site: daily)."""
    now = timezone.now()
    dispatch.record(collect(now, deadlines=deadlines), now)
    due = dispatch.due_ids(now)
    for delivery_id in due:
        deliver.enqueue(delivery_id)
    return len(due)


def next_sweep(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(minutes=settings.MADOGUCHI_SWEEP_MINUTES)


def next_deadlines(now: dt.datetime) -> dt.datetime:
    """The next MADOGUCHI_DEADLINES_HOUR:00 in Tokyo after `now`."""
    local = now.astimezone(TOKYO)
    at = local.replace(hour=settings.MADOGUCHI_DEADLINES_HOUR, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)


@task
def periodic_sweep() -> int:
    """One sweep, then the next one queued (even when this one failed)."""
    try:
        return run_sweep()
    finally:
        keep_scheduled(periodic_sweep, next_sweep(timezone.now()))


@task
def daily_deadlines() -> int:
    """The legal deadlines near (7 days, 1 day, the day), then tomorrow's run queued. Its
    events' keys name the day and the stage, so a second run on one day sends nothing."""
    try:
        return run_sweep(deadlines=True)
    finally:
        keep_scheduled(daily_deadlines, next_deadlines(timezone.now()))
