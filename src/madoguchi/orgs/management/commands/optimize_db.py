"""Refresh the query planner's statistics (run after bulk imports, or daily from cron).

The benchmarks showed why: after a large load, stale statistics made SQLite pick an index
that sorted every case (90 ms) instead of reading a page in order (13 ms); and on PostgreSQL,
until a VACUUM marks the freshly loaded pages all-visible, the dashboard's capped counts
cannot be index-only scans (7 ms instead of 0.9 ms at 10⁶ cases).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Update the database's planner statistics (SQLite: ANALYZE and optimize; "
        "PostgreSQL: VACUUM (ANALYZE))."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = "ANALYZE"
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                done = "VACUUM (ANALYZE)"  # cannot run inside a transaction
            cursor.execute(done)
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA optimize")
        self.stdout.write(f"statistics updated ({connection.vendor}: {done})")
