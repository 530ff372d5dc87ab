"""Recompute every site's money summary (the ranking page reads them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.contracts.models import Site
from madoguchi.money.services import recompute_all
from madoguchi.money.tasks import enqueue_changed, recompute
from madoguchi.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Assess every site (or one organization's) and store what its checks find in money, "
        "for the ranking page. Run it after installing and now and then (e.g. nightly), as "
        "findings also change with the clock; --changed (e.g. every 5 minutes) refreshes "
        "only the sites a write changed since their summary."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organization (its slug)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="put it on the task queue for the worker instead of running it here "
            "(what the nightly timer does)",
        )

        parser.add_argument(
            "--changed",
            action="store_true",
            help="only the sites changed since their summary, on the task queue",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization_id = None
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"no organization with the slug {options['org']!r}")
            organization_id = org.pk
        if options["changed"]:
            sites = Site.objects.all()
            if organization_id is not None:
                sites = sites.filter(organization_id=organization_id)
            self.stdout.write(f"{enqueue_changed(sites)} changed sites queued for the worker")
            return
        if options["enqueue"]:
            recompute.enqueue(organization_id)
            self.stdout.write("queued for the worker")
            return
        done, skipped = recompute_all(organization_id=organization_id)
        self.stdout.write(f"{done} sites summarized")
        if skipped:
            self.stdout.write(f"{skipped} sites skipped: they do not read as site files")
