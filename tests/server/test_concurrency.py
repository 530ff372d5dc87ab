"""Many writers at once: SQLite's locking settings, reads that do not write, and threads
settling, logging, opening cases and importing together with every write stored once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.orgs.models import ApiToken
from tests.server.conftest import World


def _writes(call: Any) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_a_token_is_stamped_at_most_once_a_minute(world: World) -> None:
    def read() -> None:
        assert world.api("get", "/api/v1/sites").status_code == 200

    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        assert len(_writes(read)) == 1  # never used: stamped
        first = ApiToken.objects.get(last_used__isnull=False)
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 0, 50, tzinfo=dt.UTC), tick=False):
        assert _writes(read) == []  # a read within the minute writes nothing
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 1, 30, tzinfo=dt.UTC), tick=False):
        assert len(_writes(read)) == 1
    first.refresh_from_db()
    assert first.last_used == dt.datetime(2026, 2, 2, 9, 1, 30, tzinfo=dt.UTC)
