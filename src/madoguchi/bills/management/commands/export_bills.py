"""Write a site's bill lines as Madoguchi's bill CSV (what import_bills reads back)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.bills.selectors import own_csv
from madoguchi.contracts.models import Site


class Command(BaseCommand):
    help = "Write a site's bill lines as CSV (party, month, item, yen, contract, service)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("site", type=int, help="the site's id")

    def handle(self, *args: Any, site: int, **options: Any) -> None:
        found = Site.objects.filter(pk=site).first()
        if found is None:
            raise CommandError(f"no site with id {site}")
        for chunk in own_csv(found):
            self.stdout.write(chunk, ending="")
