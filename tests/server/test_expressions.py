"""AmongIds: a column among the ids of a query or of a list, on either database."""

from __future__ import annotations

from madoguchi.contracts.models import Site
from madoguchi.server.expressions import AmongIds
from tests.conftest import World
from tests.factories import SiteFactory


def test_a_list_of_ids_finds_those_rows(world: World) -> None:
    other = SiteFactory(organization=world.org_a)
    found = Site.objects.filter(AmongIds("pk", [world.site_a.pk, world.site_b.pk]))
    assert set(found) == {world.site_a, world.site_b}
    assert other not in found


def test_an_empty_list_finds_nothing(world: World) -> None:
    assert list(Site.objects.filter(AmongIds("pk", []))) == []


def test_more_ids_than_sqlite_takes_parameters_are_one_parameter(world: World) -> None:
    ids = [*range(10_000_000, 10_040_000), world.site_a.pk]  # SQLite stops at 32,766
    assert list(Site.objects.filter(AmongIds("pk", ids))) == [world.site_a]


def test_a_query_of_ids_finds_the_same_rows(world: World) -> None:
    named = Site.objects.filter(name__contains="本社").values("pk")
    assert list(Site.objects.filter(AmongIds("pk", named))) == [world.site_a]
