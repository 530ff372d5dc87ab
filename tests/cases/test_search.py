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
