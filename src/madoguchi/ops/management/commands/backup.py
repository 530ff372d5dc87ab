"""`madoguchi manage backup FILE`: the whole database into one file (see ops/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from madoguchi.ops.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = "Back up the whole database into FILE (SQLite: a copy; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, file: Path, database: str, **options: Any) -> None:
        db = connections[database].settings_dict
        try:
            backup(db, file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backed up {describe(db)} to {file} ({file.stat().st_size:,} bytes)")
