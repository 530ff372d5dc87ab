"""Finding sites and cases by the names people use for a party (ドコモ, ソネット, a local
shop's Japanese name), with a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from madoguchi.cases.filters import CaseFilter
from madoguchi.cases.models import Case
from madoguchi.contracts.selectors import searched_sites
from madoguchi.directory.models import Party
from madoguchi.directory.selectors import find_parties
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def _user(world: World, role: str = "owner") -> Any:
    return world.org_a.memberships.get(role=role).user


def test_find_parties_knows_the_catalogs_aliases(world: World) -> None:
    assert [p.slug for p in find_parties(world.org_a, "ドコモ")] == ["docomo-hikari"]
    assert [p.slug for p in find_parties(world.org_a, "NTT", region="east")] == ["ntt-east"]
    assert [p.slug for p in find_parties(world.org_a, "ＮＴＴ", region="west")] == ["ntt-west"]
    assert [p.slug for p in find_parties(world.org_a, "ソネット")] == ["so-net"]


def test_find_parties_knows_the_organizations_own_parties(world: World) -> None:
    Party.objects.create(organization=world.org_a, slug="machi", name="まちの電器店", kind="agent")
    assert [p.slug for p in find_parties(world.org_a, "まちの電器店")] == ["machi"]


def test_find_parties_never_sees_another_organizations_parties(world: World) -> None:
    Party.objects.create(organization=world.org_b, slug="theirs", name="他社の店", kind="agent")
    assert find_parties(world.org_a, "他社の店") == []


def test_the_site_search_finds_sites_by_a_partys_alias(world: World) -> None:
    ContractFactory(site=world.site_a, party="docomo-hikari")
    other = SiteFactory(organization=world.org_a, name="別の家")
    ContractFactory(site=other, party="so-net")
    found = list(searched_sites(_user(world), q="ドコモ"))
    assert world.site_a in found
    assert other not in found
    assert list(searched_sites(_user(world), q="ソネット")) == [other]


def test_the_site_search_finds_sites_by_an_own_partys_japanese_name(world: World) -> None:
    Party.objects.create(organization=world.org_a, slug="machi", name="まちの電器店", kind="agent")
    ContractFactory(site=world.site_a, service="support", party="machi", includes_isp=False)
    response = world.clients["alice"].get("/sites/?q=まちの電器店")
    assert "A社 本社" in response.content.decode()


def test_the_site_search_by_party_stays_in_the_users_organization(world: World) -> None:
    ContractFactory(site=world.site_b, party="so-net")
    assert world.site_b not in list(searched_sites(_user(world), q="ソネット"))


def test_the_site_search_by_alias_keeps_its_query_count(world: World) -> None:
    client = world.clients["alice"]
    url = "/sites/?q=ドコモ"
    site = SiteFactory(organization=world.org_a)
    ContractFactory(site=site, party="docomo-hikari")
    client.get(url)  # the first read of the directory fills the cache
    few = _queries(lambda: client.get(url))
    for _ in range(20):
        ContractFactory(site=SiteFactory(organization=world.org_a), party="docomo-hikari")
    many = _queries(lambda: client.get(url))
    assert many == few


def _case_with(world: World, party: str, title: str = "つながらない") -> Case:
    return CaseFactory(site=world.site_a, title=title, first_party=party)


def test_the_case_search_finds_cases_by_a_partys_alias(world: World) -> None:
    docomo = _case_with(world, "docomo-hikari")
    sonet = _case_with(world, "so-net")
    found = list(CaseFilter(q="ドコモ").cases(Case.objects.for_user(_user(world)), _user(world)))
    assert docomo in found
    assert sonet not in found


def test_the_case_search_still_finds_titles(world: World) -> None:
    titled = _case_with(world, "", title="ドコモに電話した件")
    found = list(CaseFilter(q="ドコモ").cases(Case.objects.for_user(_user(world)), _user(world)))
    assert titled in found


def test_the_party_filter_takes_a_name_or_an_alias(world: World) -> None:
    waiting = CaseFactory(site=world.site_a, waiting_on="so-net")
    other = _case_with(world, "docomo-hikari")
    cases = Case.objects.for_user(_user(world))
    assert list(CaseFilter(party="ソネット").cases(cases, _user(world))) == [waiting]
    assert list(CaseFilter(party="so-net").cases(cases, _user(world))) == [waiting]
    assert other not in list(CaseFilter(party="So-net 光").cases(cases, _user(world)))


def test_the_party_filter_with_no_such_party_finds_nothing(world: World) -> None:
    _case_with(world, "docomo-hikari")
    cases = Case.objects.for_user(_user(world))
    assert list(CaseFilter(party="存在しない会社").cases(cases, _user(world))) == []


@pytest.mark.parametrize("url", ["/cases/all/?q=ドコモ", "/cases/?party=ドコモ"])
def test_case_lists_by_alias_keep_their_query_count(world: World, url: str) -> None:
    client = world.clients["alice"]
    _case_with(world, "docomo-hikari")
    client.get(url)
    few = _queries(lambda: client.get(url))
    for _ in range(15):
        _case_with(world, "docomo-hikari")
    many = _queries(lambda: client.get(url))
    assert many == few


def test_the_api_finds_cases_by_a_partys_alias(world: World) -> None:
    docomo = _case_with(world, "docomo-hikari")
    response = world.api("get", "/api/v1/cases?q=ドコモ")
    assert docomo.pk in [c["id"] for c in response.json()["items"]]


def test_the_dashboard_party_filter_offers_parties_by_name(world: World) -> None:
    page = world.clients["alice"].get("/cases/").content.decode()
    assert '<option value="docomo-hikari">ドコモ光</option>' in page
