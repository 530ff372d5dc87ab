"""The notification tasks (Django's tasks API, on whichever backend is configured).

`sweep` reads what happened, records the deliveries and enqueues one `deliver` per due row;
run it every minute (`madoguchi manage notify`, or a scheduler). Retries, backoff and "never
twice" live in the delivery rows (notifications.dispatch), so they hold on any backend."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from madoguchi.notifications import dispatch
from madoguchi.notifications.events import collect


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
