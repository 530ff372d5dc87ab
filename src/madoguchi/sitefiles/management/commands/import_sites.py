"""Import site files into an organization; each file all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.engine.sitefile import Problem
from madoguchi.orgs.models import Organization
from madoguchi.sitefiles.siteio import import_many


class Command(BaseCommand):
    help = "Import site files (YAML) into an organization. A bad file is reported, not stored."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--org", required=True, help="organization slug")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, org: str, files: list[Path], **options: Any) -> None:
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
        saved, failed = import_many(organization, texts, warned=warned)
        for site in saved:
            self.stdout.write(f"imported site {site.pk}: {site.name}")
        for name, warnings in warned.items():
            for warning in warnings:
                self.stderr.write(f"{name}: warning: {warning}")
        for name, problems in failed.items():
            for problem in problems:
                self.stderr.write(f"{name}: {problem}")
        if failed:
            raise CommandError(f"{len(failed)} file(s) not imported")
