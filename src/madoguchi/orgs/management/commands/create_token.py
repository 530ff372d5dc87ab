"""Issue a personal API token for a user (shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from madoguchi.orgs.services import issue_token


class Command(BaseCommand):
    help = "Issue an API token for a user; use it as 'Authorization: Bearer <token>'."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        _row, token = issue_token(user, name=name)
        self.stdout.write(token)
