"""The case search's rare-word path reads its trigram candidates scoped to the user."""

from __future__ import annotations

from tests.conftest import World
from tests.factories import CaseFactory, SiteFactory


def test_rare_word_candidates_are_read_from_the_users_organizations_only(world: World) -> None:
    """Another organization's sites that share the word neither reach the user's results nor
    fill the candidates' limit: the candidate sites are read scoped like every other read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        SiteFactory(organization=world.org_b, name="珍しい名前の拠点")
    mine = SiteFactory(organization=world.org_a, name="珍しい名前の拠点")
    case = CaseFactory(site=mine, title="")
    with CaptureQueriesContext(connection) as captured:
        response = world.clients["alice"].get("/cases/all/", {"q": "珍しい名前"})
    assert response.status_code == 200
    assert [row.pk for row in response.context["cases"]] == [case.pk]
    site_reads = [q["sql"] for q in captured.captured_queries if 'FROM "sites_site"' in q["sql"]]
    assert all("organization_id" in sql for sql in site_reads)


def test_the_trigram_index_is_read_before_the_organizations_rows(world: World) -> None:
    """SQLite: each trigram table is scanned once and its rows looked up in the table, never
    the organization's rows each running the whole match (the order a new index on the
    sites made SQLite choose without statistics: 21–115 ms at 10⁵ cases)."""
    import pytest
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's trigram tables (PostgreSQL reads pg_trgm through the ORM)")
    for number in range(20):
        SiteFactory(organization=world.org_a, name=f"拠点 {number:04}")
    with CaptureQueriesContext(connection) as captured:
        world.clients["alice"].get("/cases/all/", {"q": "受付 4321"})
    reads = [q["sql"] for q in captured.captured_queries if "_fts MATCH" in q["sql"]]
    assert len(reads) == 2
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            first = cursor.fetchall()[0][3]
            assert first.startswith("SCAN"), first
            assert "_fts VIRTUAL TABLE" in first, first
