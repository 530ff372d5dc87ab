"""Import site files into an organization; each file all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.contracts.models import Site
from madoguchi.engine.sitefile import Problem
from madoguchi.orgs.models import Organization
from madoguchi.sitefiles.siteio import OnExisting, import_many


class Command(BaseCommand):
    help = "Import site files (YAML) into an organization. A bad file is reported, not stored."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument(
            "--keep-time",
            action="store_true",
            help="keep each file's now: as its site's fixed time (default: the clock)",
        )
        what = parser.add_mutually_exclusive_group()
        what.add_argument(
            "--update-existing",
            action="store_true",
            help="a file for a site that already exists updates it (default: refused)",
        )
        what.add_argument(
            "--add-new",
            action="store_true",
            help="a file for a site that already exists is added as another site",
        )
        parser.add_argument("files", nargs="+", type=Path)

    def handle(
        self,
        *args: Any,
        org: str,
        files: list[Path],
        keep_time: bool = False,
        update_existing: bool = False,
        add_new: bool = False,
        **options: Any,
    ) -> None:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"no organization with slug {org!r}")
        texts = []
        for path in files:
            try:
                texts.append((str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"{path}: cannot read ({exc})") from None
        warned: dict[str, list[Problem]] = {}
        found: dict[str, Site] = {}
        existing: OnExisting = "update" if update_existing else "new" if add_new else "ask"
        saved, failed = import_many(
            organization, texts, warned=warned, keep_time=keep_time, existing=existing, found=found
        )
        for site in saved:
            self.stdout.write(f"imported site {site.pk}: {site.name}")
        for name, warnings in warned.items():
            for warning in warnings:
                self.stderr.write(f"{name}: warning: {warning}")
        for name, problems in failed.items():
            for problem in problems:
                self.stderr.write(f"{name}: {problem}")
        for name, site in found.items():
            self.stderr.write(
                f"{name}: site {site.pk} ({site.name}) already exists: not imported; "
                "use --update-existing or --add-new"
            )
        if failed or found:
            raise CommandError(f"{len(failed) + len(found)} file(s) not imported")
