"""Print a site as a site file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.contracts.models import Site
from madoguchi.sitefiles.siteio import export_site_text


class Command(BaseCommand):
    help = "Print a site as a site file (YAML), ready for `madoguchi assess`."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("site_id", type=int)

    def handle(self, *args: Any, site_id: int, **options: Any) -> None:
        site = Site.objects.filter(pk=site_id).first()
        if site is None:
            raise CommandError(f"no site {site_id}")
        self.stdout.write(export_site_text(site), ending="")
