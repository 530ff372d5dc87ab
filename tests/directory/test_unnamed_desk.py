"""A desk recorded without a name is shown as its party's name and a generic word
(まちの電器店 窓口), never by its slug."""

from __future__ import annotations

from madoguchi.directory.models import Desk, Party
from tests.conftest import World
from tests.factories import ContractFactory

SLUG = "machi-desk-1"


def _unnamed_desk(world: World) -> None:
    party = Party.objects.create(
        organization=world.org_a, slug="machi", name="まちの電器店", kind="agent"
    )
    Desk.objects.create(party=party, slug=SLUG, purposes=["fault"], phone="03-1234-5678")
    ContractFactory(site=world.site_a, service="support", party="machi", includes_isp=False)


def test_the_contract_map_names_an_unnamed_desk_beside_its_party(world: World) -> None:
    _unnamed_desk(world)
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").content.decode()
    assert SLUG not in page
    row = '<td data-label="契約先">まちの電器店</td>\n        <td data-label="窓口デスク">窓口 <a'
    assert row in page


def test_in_english_it_is_the_partys_desk(world: World) -> None:
    _unnamed_desk(world)
    client = world.clients["alice"]
    client.cookies["django_language"] = "en"
    page = client.get(f"/sites/{world.site_a.pk}/").content.decode()
    assert SLUG not in page
    assert '<td data-label="Desk">desk <a href="tel:03-1234-5678">' in page
