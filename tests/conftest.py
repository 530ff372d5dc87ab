"""What the tests of every Django app share (tests/README.md says where a test goes).

A small named cast, as in healthchecks: alice owns org A, bob is staff in A, vera views A,
and mallory owns org B. Tests act as them and check who may see what. The factories are in
tests/factories.py; each app's folder has a conftest.py that starts every test of the folder
with the shipped catalog in its database (`shipped_catalog`). Here too: which modules CI runs
again on PostgreSQL."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import Contract, Event, Site
from madoguchi.directory.services import sync_catalog
from madoguchi.orgs.models import Organization, Role
from madoguchi.orgs.services import issue_token
from tests.factories import (
    BillLineFactory,
    ContractFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PromiseFactory,
    SiteFactory,
)

#: Modules (paths under tests/) whose behaviour depends on the database engine: SQL the ORM
#: writes differently per database (search, filters on parties, window functions), locking and
#: concurrent writers, query counts and plans, slugs repaired by migration, upserts and
#: constraints over expressions (the sites' kept records, the directory's stamps), the
#: tenancy walk, and the query-string fuzz (a NUL or a huge number is refused differently by
#: each engine: PostgreSQL raised on NUL where SQLite did not). CI runs them again on PostgreSQL
#: (`-m database`); the rest runs once, on SQLite, where a second engine would prove nothing
#: new. (test_deploy's servers and SQLite backups run in child processes on their own SQLite
#: file whatever the test database is; only its PostgreSQL backup test is marked `database` by
#: itself. The API's schema run stays SQLite-only in CI for time: the input guard answers
#: before any query; run it with MADOGUCHI_TEST_DATABASE_URL set before a release.)
ENGINE_SENSITIVE = {
    "cases/test_case_page_reads",
    "cases/test_concurrency",
    "cases/test_desk",
    "cases/test_desk_prepared",
    "cases/test_kept_records",
    "cases/test_lock_order",
    "cases/test_party_filter",
    "cases/test_reimport",
    "cases/test_search",
    "cases/test_site_file_rows",
    "directory/test_desk_slugs",
    "directory/test_directory_cache",
    "directory/test_party_search",
    "incidents/test_outage_history",
    "ops/test_commands",
    "orgs/test_session_user",
    "server/test_sessions",
    "server/test_expressions",
    "server/test_postgresql_backend",
    "server/test_settings_for_tests",
    "sites/test_site_search",
    "walks/test_panels",
    "walks/test_queries",
    "walks/test_query_fuzz",
    "walks/test_tenancy",
}
TESTS = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if not item.path.is_relative_to(TESTS):
            continue
        if item.path.relative_to(TESTS).with_suffix("").as_posix() in ENGINE_SENSITIVE:
            item.add_marker(pytest.mark.database)


def forget_stored_sites() -> None:
    """Every worker forgets the stored sites it has read (cases.assessment.stored_site): its
    own records and, on a team server's setup, those the workers share through Redis."""
    from django.core.cache import caches

    from madoguchi.cases import assessment

    assessment._STORED.clear()
    if "stored_sites" not in settings.CACHES:
        return
    shared = caches["stored_sites"]
    redis = getattr(shared, "_cache", None)
    if not hasattr(redis, "get_client"):
        shared.clear()
        return
    client = redis.get_client(write=True)  # its records only, not the sessions beside them
    for key in client.scan_iter(match="*:madoguchi:stored-site:*"):
        client.delete(key)


@pytest.fixture
def no_stored_sites() -> Any:
    """No worker holds a site's record, and Django's cache is empty, before and after the
    test (for the tests of `stored_site`'s places)."""
    from django.core.cache import cache

    cache.clear()
    forget_stored_sites()
    yield
    cache.clear()
    forget_stored_sites()


def session_queries() -> int:
    """Queries a request spends reading its session: none where Redis serves sessions."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def compiled_models(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From here on, the model of every query the ORM compiles, in order (a statement of
    `server.prepared` run again is not compiled)."""
    from django.db.models.sql.compiler import SQLCompiler

    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counted(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        compiled.append(self.query.model.__name__)
        return as_sql(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", counted)
    return compiled


def postgresql_prepared_statements() -> list[str]:
    """The SQL of the statements the test's PostgreSQL connection keeps prepared."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.fixture
def shipped_catalog(db: Any) -> None:
    """The shipped catalog's parties and desks in the test database: each app's folder starts
    every test with it (its conftest.py). tests/engine and the tests at the top need none."""
    sync_catalog()


@dataclass
class World:
    org_a: Organization
    org_b: Organization
    site_a: Site
    site_b: Site
    contract_a: Contract
    event_a: Event
    case_a: Case
    promise_a: Promise
    clients: dict[str, Client]
    tokens: dict[str, str]

    def api(self, method: str, url: str, body: object = None, who: str = "alice") -> Any:
        """Call the API with `who`'s bearer token (no session), JSON in and out."""
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        client = self.clients["anonymous"]
        if body is None:
            return getattr(client, method)(url, **headers)
        data = json.dumps(body)
        return getattr(client, method)(url, data, content_type="application/json", **headers)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(db: Any) -> World:
    org_a, org_b = OrganizationFactory(slug="org-a"), OrganizationFactory(slug="org-b")
    people = {
        "alice": MembershipFactory(organization=org_a, role=Role.OWNER).user,
        "bob": MembershipFactory(organization=org_a, role=Role.STAFF).user,
        "vera": MembershipFactory(organization=org_a, role=Role.VIEWER).user,
        "mallory": MembershipFactory(organization=org_b, role=Role.OWNER).user,
    }
    site_a = SiteFactory(organization=org_a, name="A社 本社")
    site_b = SiteFactory(organization=org_b, name="B社 倉庫")
    contract_a = ContractFactory(site=site_a, ref="a-honsha-line")  # no chance match in a page
    ContractFactory(site=site_b)
    event_a = EventFactory(site=site_a)
    BillLineFactory(site=site_a)
    promise_a = PromiseFactory(case__site=site_a)
    clients = {name: _client(user) for name, user in people.items()}
    clients["anonymous"] = Client()
    tokens = {name: issue_token(user)[1] for name, user in people.items()}
    return World(
        org_a,
        org_b,
        site_a,
        site_b,
        contract_a,
        event_a,
        promise_a.case,
        promise_a,
        clients,
        tokens,
    )
