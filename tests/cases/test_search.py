"""The case search: its rare-word path reads its trigram candidates scoped to the user, and
the reads that choose its plan are compiled once."""

from __future__ import annotations

import pytest

from tests.conftest import World, compiled_models, postgresql_prepared_statements
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


def _search(world: World, words: str, **filters: str) -> list[int]:
    response = world.clients["alice"].get("/cases/all/", {"q": words, **filters})
    assert response.status_code == 200
    return [row.pk for row in response.context["cases"]]


def test_a_reference_number_found_outside_the_filter_still_finds_titles(world: World) -> None:
    """The exact matches are read among the organization's cases; one the filter leaves out
    (a closed case, here) does not turn the search away from the titles it keeps."""
    from madoguchi.cases.models import EntryKind, Status
    from madoguchi.cases.services import log_entry

    closed = CaseFactory(site=world.site_a, status=Status.CLOSED, title="")
    log_entry(closed, user=None, kind=EntryKind.CALL_OUT, reference="受付 7788")
    titled = CaseFactory(site=world.site_a, title="受付 7788 の折り返し待ち")
    assert _search(world, "受付 7788", status="closed") == [closed.pk]
    assert _search(world, "受付 7788", status="open") == [titled.pk]


def test_the_reads_that_choose_the_plan_are_compiled_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a first search of each kind, another word compiles none of them: only the page
    (and, after an exact match, the check that the filter keeps it)."""
    from madoguchi.cases.models import Case
    from madoguchi.cases.search import search_cases

    for number in range(12):  # a common word among the newest cases
        CaseFactory(site=world.site_a, title=f"光回線 不通 {number}")
    organizations = [world.org_a.pk]
    cases = Case.objects.filter(organization_id=world.org_a.pk)
    for words in ("不通", "めったにない語", world.case_a.ref):
        search_cases(cases, words, organizations=organizations)
    compiled = compiled_models(monkeypatch)
    found = search_cases(cases, "回線", organizations=organizations)
    assert compiled == []
    assert found.count() == 12
    compiled.clear()
    search_cases(cases, "ほとんどない語", organizations=organizations)
    assert compiled == []
    compiled.clear()
    exact = search_cases(cases, world.case_a.ref, organizations=organizations)
    assert compiled == ["Case"]  # exists(): is the match among `cases`
    assert list(exact) == [world.case_a]


@pytest.mark.parametrize("words", ["100%", "1_0", "a\\b"])
def test_a_word_with_likes_wildcards_finds_itself_only(world: World, words: str) -> None:
    """The word stands inside LIKE's patterns in the prepared reads: escaped as the ORM
    escapes it, a % or _ in it is a character, not a wildcard."""
    wanted = CaseFactory(site=world.site_a, title=f"割引 {words} の件")
    CaseFactory(site=world.site_a, title="割引 1000 の件")
    CaseFactory(site=world.site_a, title="割引 a-b の件")
    assert _search(world, words) == [wanted.pk]
    assert _search(world, words) == [wanted.pk]  # from the prepared statements


def test_the_candidates_are_planned_for_each_word(world: World) -> None:
    """PostgreSQL: the trigram candidates' statements are never kept prepared (a plan for
    any word cannot use the trigram index), and the connection's setting comes back."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    rare = CaseFactory(site=world.site_a, title="めったにない語の件")
    for _ in range(4):
        assert _search(world, "めったにない語") == [rare.pk]
    prepared = postgresql_prepared_statements()
    assert not [sql for sql in prepared if "LIMIT 1001" in sql]
    assert [sql for sql in prepared if "LIMIT 9" in sql]  # the sample is prepared
    assert connection.connection.prepare_threshold == 2
