"""`madoguchi manage restore FILE --yes`: replace the whole database with a backup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from madoguchi.ops.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `backup` (all or nothing). "
        "Stop the server first; run `migrate` afterwards if the backup is older."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="really replace every row of the database"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, file: Path, yes: bool, database: str, **options: Any) -> None:
        db = connections[database].settings_dict
        try:
            what = describe(db)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        if not yes:
            raise CommandError(
                f"restoring replaces every row of {what} with {file}; nothing was changed. "
                "Stop the server, then run again with --yes."
            )
        connections.close_all()
        try:
            restore(db, file)
        except BackupError as exc:
            raise CommandError(f"{exc}; nothing was changed") from None
        self.stdout.write(f"restored {what} from {file}")
