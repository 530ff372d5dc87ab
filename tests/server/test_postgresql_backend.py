"""The PostgreSQL backend (madoguchi.server.postgresql): Django's, with psycopg's C loader
for timestamps. Its tests run on PostgreSQL (CI's `-m database` run) and skip on SQLite."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from psycopg import adapters
from psycopg.pq import Format

from madoguchi.cases.models import Case
from madoguchi.server.postgresql.base import UtcTimestamptzLoader
from madoguchi.server.settings import database
from tests.factories import CaseFactory

TIMESTAMPTZ = adapters.types["timestamptz"].oid


@pytest.fixture(autouse=True)
def _postgresql_only(db: None) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend")


def test_a_postgresql_url_names_this_backend() -> None:
    assert database("postgres://u@127.0.0.1:5432/db")["ENGINE"] == "madoguchi.server.postgresql"


def test_the_connection_reads_timestamps_with_psycopgs_fastest_loader() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:  # Django's own cursor: it keeps the loader
        loader = cursor.cursor.adapters.get_loader(TIMESTAMPTZ, Format.TEXT)
    assert loader is UtcTimestamptzLoader
    assert loader.timezone is dt.UTC


def test_a_stored_time_reads_back_equal_and_in_utc() -> None:
    at = dt.datetime(2026, 3, 4, 1, 2, 3, 456789, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    case = CaseFactory(outage_started=at)
    read = Case.objects.values_list("outage_started", flat=True).get(pk=case.pk)
    assert read == at
    assert read.tzinfo is dt.UTC
    assert read.isoformat() == "2026-03-03T16:02:03.456789+00:00"


def test_a_time_before_1900_and_at_the_end_of_a_year_read_back() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '1899-12-31 23:59:59.5+09'::timestamptz, '2026-12-31 15:00:00+00'::timestamptz"
        )
        early, late = cursor.fetchone()
    assert early == dt.datetime(1899, 12, 31, 14, 59, 59, 500000, tzinfo=dt.UTC)
    assert late == dt.datetime(2026, 12, 31, 15, 0, tzinfo=dt.UTC)
