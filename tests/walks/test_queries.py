"""List pages and list endpoints use a fixed number of queries, whatever the row count."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import World
from tests.factories import ContractFactory, EventFactory, PromiseFactory, SiteFactory


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def _grow_sites(world: World, count: int) -> None:
    for _ in range(count):
        site = SiteFactory(organization=world.org_a)
        ContractFactory.create_batch(3, site=site)


@pytest.mark.parametrize("url", ["/sites/", "/sites/?q=サイト", "/api/v1/sites", "/api/v1/parties"])
def test_list_queries_do_not_grow_with_rows(world: World, url: str) -> None:
    client = world.clients["alice"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"} if "/api/" in url else {}
    _grow_sites(world, 1)  # an empty page skips a query: compare pages that have rows
    client.get(url, **headers)  # a token's first use stamps it (then once a minute at most)
    few = _queries(lambda: client.get(url, **headers))
    _grow_sites(world, 30)
    many = _queries(lambda: client.get(url, **headers))
    assert many == few


def test_site_page_queries_do_not_grow_with_contracts(world: World) -> None:
    client = world.clients["alice"]
    url = f"/sites/{world.site_a.pk}/"
    client.get(url)  # the first read of the directory fills the cache
    few = _queries(lambda: client.get(url))
    ContractFactory.create_batch(
        20, site=world.site_a, includes_isp=False, service="option", party="ntt-east"
    )
    EventFactory.create_batch(10, site=world.site_a)
    PromiseFactory.create_batch(5, case__site=world.site_a)
    many = _queries(lambda: client.get(url))
    assert many == few


def test_contract_list_endpoint_queries_are_fixed(world: World) -> None:
    client = world.clients["alice"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    url = f"/api/v1/sites/{world.site_a.pk}/contracts"
    client.get(url, **headers)  # a token's first use stamps it
    few = _queries(lambda: client.get(url, **headers))
    ContractFactory.create_batch(25, site=world.site_a)
    assert _queries(lambda: client.get(url, **headers)) == few


def test_the_site_list_paginates_in_the_database(world: World) -> None:
    _grow_sites(world, 30)
    page = world.clients["alice"].get("/sites/?page=2")
    assert page.context["page"].paginator.count == 31
    assert len(page.context["page"].object_list) == 6  # 25 on the first page, 6 on the second
