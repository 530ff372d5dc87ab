"""`madoguchi manage worker`: runs the tasks on the queue (Django's tasks framework on the
database backend, django-tasks-db's `db_worker`, whose options it takes), after enqueueing
again the jobs a killed worker left half done (bills.jobs.recover, and the card batches'
sitefiles.card_batches.recover), and queueing the periodic tasks that are not waiting
already (PERIODIC: each queues its own next run, so no cron or timer is needed; one run of
each waits on the queue however many workers start).

run.sh starts one beside the server; in production it is a systemd service (README)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DBWorker

from madoguchi.bills.jobs import recover
from madoguchi.cases.tasks import periodic_records
from madoguchi.notifications.tasks import daily_deadlines, periodic_sweep
from madoguchi.ops.tasks import periodic_reminders
from madoguchi.server.queue import keep_scheduled
from madoguchi.sitefiles import card_batches

# The notifications' sweep (every MADOGUCHI_SWEEP_MINUTES), the legal deadlines near (daily),
# the reminder mails (every 5 minutes), the sites' kept records (every minute): each runs at
# once when a worker starts, then on.
PERIODIC = (periodic_sweep, daily_deadlines, periodic_reminders, periodic_records)


def start_periodic() -> list[str]:
    """Queue each periodic task that has no run waiting; the names of those queued."""
    now = timezone.now()
    return [t.name for t in PERIODIC if keep_scheduled(t, now)]


class Command(DBWorker):
    help = "Run the background tasks (bill imports, cards, reminders, money summaries)."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-periodic",
            action="store_false",
            dest="periodic",
            help="do not queue the periodic tasks (the notifications' sweep, the reminders)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        again = recover()
        if again and options.get("verbosity", 1):
            self.stdout.write(f"Taking up again {len(again)} bill job(s) a stopped worker left.")
        cards = card_batches.recover()
        if cards and options.get("verbosity", 1):
            self.stdout.write(f"Taking up again {len(cards)} card batch(es) a stopped worker left.")
        if options.pop("periodic", True) and not options.get("batch"):
            started = start_periodic()
            if started and options.get("verbosity", 1):
                self.stdout.write(f"Queued the periodic tasks: {', '.join(started)}.")
        super().handle(*args, **options)
