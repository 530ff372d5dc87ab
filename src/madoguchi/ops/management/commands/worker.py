"""`madoguchi manage worker`: runs the tasks on the queue (Django's tasks framework on the
database backend, django-tasks-db's `db_worker`, whose options it takes), after enqueueing
again the jobs a killed worker left half done (bills.jobs.recover, and the card batches'
sitefiles.card_batches.recover).

run.sh starts one beside the server; in production it is a systemd service (README)."""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DBWorker

from madoguchi.bills.jobs import recover
from madoguchi.sitefiles import card_batches


class Command(DBWorker):
    help = "Run the background tasks (bill imports, cards, reminders, money summaries)."

    def handle(self, *args: Any, **options: Any) -> None:
        again = recover()
        if again and options.get("verbosity", 1):
            self.stdout.write(f"Taking up again {len(again)} bill job(s) a stopped worker left.")
        cards = card_batches.recover()
        if cards and options.get("verbosity", 1):
            self.stdout.write(f"Taking up again {len(cards)} card batch(es) a stopped worker left.")
        super().handle(*args, **options)
