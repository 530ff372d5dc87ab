"""`madoguchi manage notify`: one sweep of notifications by hand (the worker runs it every
minute by itself: notifications.tasks.periodic_sweep): records new events' deliveries and
enqueues those due. With `--deadlines` it also tells of legal deadlines near (the worker
does that daily at 07:00)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from madoguchi.notifications.tasks import run_sweep


class Command(BaseCommand):
    help = "Record new notification events and enqueue the deliveries that are due."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--deadlines",
            action="store_true",
            help="also the legal deadlines near (assesses every site: run once a day)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = run_sweep(deadlines=options["deadlines"])
        self.stdout.write(f"{count} deliveries enqueued")
