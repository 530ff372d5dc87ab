"""Refresh the query planner's statistics (run after bulk imports, or daily from cron).

The benchmarks showed why: after a large load, stale statistics made SQLite pick an index
that sorted every case (90 ms) instead of reading a page in order (13 ms).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Update the database's planner statistics (SQLite: ANALYZE/optimize; PostgreSQL: ANALYZE)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")
        self.stdout.write(f"statistics updated ({connection.vendor})")
