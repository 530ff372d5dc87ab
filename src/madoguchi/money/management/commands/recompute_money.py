"""Recompute every site's money summary (the ranking page reads them)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from madoguchi.money.services import recompute_all
from madoguchi.orgs.models import Organization


class Command(BaseCommand):
    help = (
        "Assess every site (or one organization's) and store what its checks find in money, "
        "for the ranking page. Writes refresh their site already; run this after installing "
        "and now and then (e.g. nightly), as findings also change with the clock."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organization (its slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization_id = None
        if options["org"]:
            org = Organization.objects.filter(slug=options["org"]).first()
            if org is None:
                raise CommandError(f"no organization with the slug {options['org']!r}")
            organization_id = org.pk
        done, skipped = recompute_all(organization_id=organization_id)
        self.stdout.write(f"{done} sites summarized")
        if skipped:
            self.stdout.write(f"{skipped} sites skipped: they do not read as site files")
