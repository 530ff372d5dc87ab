"""Create the demo organization, its user, and one site per demo site file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from madoguchi.agents.demo import load_demo_agents
from madoguchi.contracts.models import Site
from madoguchi.orgs.models import ApiToken, Role
from madoguchi.orgs.services import add_member, ensure_organization, issue_token
from madoguchi.receivables.demo import load_demo_receivables
from madoguchi.sitefiles.siteio import import_many
from madoguchi.subcontracts.demo import load_demo_request

REPO_EXAMPLES = Path(__file__).resolve().parents[5] / "examples"
DEMO_USER = "demo"
DEMO_PASSWORD = "madoguchi-demo"


class Command(BaseCommand):
    help = "Create the demo organization and user, and load the demo site files (idempotent)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--examples", type=Path, default=REPO_EXAMPLES)

    @transaction.atomic
    def handle(self, *args: Any, examples: Path, **options: Any) -> None:
        if not examples.is_dir():
            raise CommandError(f"{examples} is not a folder of site files")
        organization = ensure_organization(slug="demo", name="デモ 設置サポート")
        user, created = get_user_model().objects.get_or_create(username=DEMO_USER)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        add_member(organization, user, role=Role.OWNER)
        if not ApiToken.objects.filter(user=user).exists():
            _row, token = issue_token(user, name="demo")
            self.stdout.write(f"demo API token (shown once): {token}")
        if added := load_demo_agents(organization):
            self.stdout.write(f"demo: {added} sales agents added")
        if load_demo_request(organization) is not None:
            self.stdout.write("demo: a subcontract request with a course mismatch added")
        if Site.objects.filter(organization=organization).exists():
            self.stdout.write("demo sites already loaded")
            if load_demo_receivables(organization):
                self.stdout.write("demo: a sales agent and its receivables loaded")
            return
        files = [
            (path.name, path.read_text(encoding="utf-8"))
            for path in sorted(examples.glob("*.yaml"))
        ]
        # The demo tells the seed stories at the time each file describes; every demo site
        # says so on its page and has the button that returns it to the clock.
        saved, failed = import_many(organization, files, keep_time=True)
        self.stdout.write(f"demo: {len(saved)} sites loaded")
        for name in failed:
            self.stdout.write(f"  skipped {name} (not a valid site file, on purpose)")
        if load_demo_receivables(organization):
            self.stdout.write("demo: a sales agent and its receivables loaded")
