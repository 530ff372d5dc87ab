"""One lock order for every writer of a site's cases: the site's row first, then a case, then
a promise. PostgreSQL found a deadlock (1 in 384) between settling a promise, which locked the
promise first, and re-importing its site, which locked the site and then the promises. The
order is checked statement by statement, and both writers are run against each other."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.cases.models import Case, EntryKind, Promise
from madoguchi.cases.services import log_entry, settle_promise
from madoguchi.contracts.models import Site
from madoguchi.sitefiles.siteio import import_site_text
from tests.cases.test_concurrency import _in_threads
from tests.cases.test_reimport import ORIGINAL
from tests.conftest import World

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (SQLite has one write lock)"
)


def _locked_tables(call: Callable[[], Any]) -> list[str]:
    """The tables whose rows `call` locks, in order: its SELECT … FOR UPDATE statements and
    its UPDATEs (the site's lock is the raise of its version: contracts.services.lock_site)."""
    with CaptureQueriesContext(connection) as captured:
        call()
    tables = []
    for query in captured:
        sql = query["sql"].strip()
        locking = sql.endswith("FOR UPDATE") or sql.startswith("UPDATE ")
        if locking and (match := re.search(r'(?:FROM|UPDATE) "(\w+)"', sql)):
            tables.append(match.group(1))
    return [t for n, t in enumerate(tables) if n == 0 or tables[n - 1] != t]


def _imported(world: World) -> tuple[Site, Case]:
    site, _warnings = import_site_text(world.org_a, ORIGINAL)
    return site, Case.objects.get(site=site, ref="c1")


@postgres_only
def test_settling_a_promise_locks_its_site_first(world: World) -> None:
    _site, case = _imported(world)
    promise = case.promises.order_by("id").first()
    assert promise is not None
    tables = _locked_tables(lambda: settle_promise(promise, user=None, kept=True))
    assert tables[:2] == ["sites_site", "cases_promise"]


@postgres_only
def test_logging_a_call_locks_the_site_before_the_case(world: World) -> None:
    tables = _locked_tables(lambda: log_entry(world.case_a, user=None, kind=EntryKind.NOTE))
    assert tables[:2] == ["sites_site", "cases_case"]


@postgres_only
def test_a_reimport_locks_the_site_before_any_promise(world: World) -> None:
    site, _case = _imported(world)
    tables = _locked_tables(lambda: import_site_text(world.org_a, ORIGINAL, site=site))
    assert tables[0] == "sites_site"
    assert "cases_promise" in tables


@postgres_only
def test_settling_and_reimporting_at_once_never_deadlock(
    transactional_db: Any, world: World
) -> None:
    site, case = _imported(world)
    failures: list[Exception] = []
    for _round in range(12):
        Promise.objects.filter(case=case).update(kept=None, broken=None)
        promises = list(case.promises.order_by("id"))
        results = _in_threads(
            [
                lambda: import_site_text(world.org_a, ORIGINAL, site=site),
                *(
                    (lambda p=p: settle_promise(p, user=None, kept=True))  # type: ignore[misc]
                    for p in promises
                ),
            ]
        )
        failures += [r for r in results if isinstance(r, Exception)]
    assert failures == []
    assert Promise.objects.filter(case=case, kept__isnull=False).count() == 3
