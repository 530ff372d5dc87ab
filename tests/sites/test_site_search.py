"""The site search (the sites page and GET /api/v1/sites): what a word finds, once each, only
in the user's organizations, with a fixed number of queries whatever it finds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.contracts.models import Customer, Site
from madoguchi.contracts.selectors import searched_sites
from tests.conftest import World, postgresql_prepared_statements
from tests.factories import ContractFactory, SiteFactory


def _owner(world: World) -> Any:
    return world.org_a.memberships.get(role="owner").user


def _found(world: World, q: str) -> list[Site]:
    return list(searched_sites(_owner(world), q=q))


def test_a_word_of_the_sites_name_finds_it(world: World) -> None:
    assert _found(world, "本社") == [world.site_a]


def test_the_customers_name_finds_the_site(world: World) -> None:
    world.site_a.customer = Customer.objects.create(organization=world.org_a, name="山田商店")
    world.site_a.save()
    assert _found(world, "山田") == [world.site_a]


def test_a_contract_id_finds_the_site(world: World) -> None:
    ContractFactory(site=world.site_a, ids={"customer_id": "CAF1234567"})
    assert _found(world, "caf1234") == [world.site_a]


def test_the_prefecture_finds_the_site(world: World) -> None:
    osaka = SiteFactory(organization=world.org_a, name="大阪の家", prefecture="大阪府")
    assert _found(world, "大阪府") == [osaka]
    assert _found(world, "京都") == [world.site_a]  # 東京都 holds 京都, as a substring


def test_a_site_found_several_ways_is_listed_once(world: World) -> None:
    world.site_a.customer = Customer.objects.create(organization=world.org_a, name="本社商事")
    world.site_a.save()
    ContractFactory(site=world.site_a, ids={"customer_id": "本社-1"})
    ContractFactory(site=world.site_a, ids={"customer_id": "本社-2"})
    assert _found(world, "本社") == [world.site_a]


def test_sites_come_by_name(world: World) -> None:
    later = SiteFactory(organization=world.org_a, name="B 本社")
    earlier = SiteFactory(organization=world.org_a, name="0 本社")
    assert _found(world, "本社") == [earlier, world.site_a, later]


@pytest.mark.parametrize("word", ["倉庫", "B社", "他社商店", "CAF7654321", "東京都"])
def test_no_part_of_the_search_finds_another_organizations_site(world: World, word: str) -> None:
    world.site_b.customer = Customer.objects.create(organization=world.org_b, name="他社商店")
    world.site_b.save()
    ContractFactory(site=world.site_b, ids={"customer_id": "CAF7654321"})
    assert world.site_b not in _found(world, word)


def test_an_organization_slug_narrows_the_search(world: World) -> None:
    assert list(searched_sites(_owner(world), q="本社", organization="org-b")) == []


def test_the_sites_page_counts_and_lists_a_search_in_fixed_queries(world: World) -> None:
    client = world.clients["alice"]
    client.get("/sites/?q=本社")  # the session and the directory, read once

    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/sites/", {"q": q})
        assert response.status_code == 200
        return len(captured)

    few = queries("本社")
    for n in range(5):
        site = SiteFactory(organization=world.org_a, name=f"本社 {n}")
        ContractFactory(site=site, ids={"customer_id": f"本社-{n}"})
    assert queries("本社") == few
    assert "本社 4" in client.get("/sites/?q=本社").content.decode()


def test_the_ids_a_search_finds_are_planned_for_the_word_each_time(world: World) -> None:
    """On PostgreSQL the connection prepares what it runs twice; the search's union must
    not be (a plan for any word reads every contract's IDs), and the setting comes back."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(4):
        assert _found(world, "本社") == [world.site_a]
    prepared = postgresql_prepared_statements()
    assert not [sql for sql in prepared if "UNION" in sql]
    assert [sql for sql in prepared if "ANY(" in sql]  # the page itself is prepared
    assert connection.connection.prepare_threshold == 2
