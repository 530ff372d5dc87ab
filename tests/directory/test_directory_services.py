"""The directory's own-party services: the engine's record says what is valid, the
directory read next sees the change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from madoguchi.directory import services
from madoguchi.directory.models import Party
from madoguchi.directory.selectors import parties_for, visible_parties
from madoguchi.orgs.models import Membership, Role
from tests.conftest import World

PARTY = {"slug": "local-isp", "name": "地域ISP", "kind": "isp"}


def _mallory(world: World):  # type: ignore[no-untyped-def]
    return Membership.objects.get(organization=world.org_b, role=Role.OWNER).user


def test_a_created_party_is_in_the_organizations_directory(world: World) -> None:
    services.create_party(world.org_a, values=PARTY)
    assert parties_for(world.org_a)["local-isp"].name == "地域ISP"


def test_a_slug_no_site_file_could_name_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_party(world.org_a, values=PARTY | {"slug": "Local_ISP"})
    assert list(refused.value.message_dict) == ["slug"]


def test_an_update_keeps_the_fields_it_does_not_name(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY | {"note": "夜間窓口あり"})
    services.update_party(party, changes={"name": "新ISP"})
    assert Party.objects.values_list("name", "note").get(pk=party.pk) == ("新ISP", "夜間窓口あり")


def test_a_desk_with_hours_the_engine_cannot_read_is_refused(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY)
    with pytest.raises(ValidationError) as refused:
        services.create_desk(party, values={"slug": "fault", "hours": "whenever"})
    assert "opening_hours" in refused.value.message_dict["hours"][0]


def test_a_desk_with_an_unknown_purpose_is_refused(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY)
    with pytest.raises(ValidationError) as refused:
        services.create_desk(party, values={"slug": "fault", "purposes": ["fault", "nope"]})
    assert "nope" in refused.value.message_dict["purposes"][0]


def test_an_updated_desk_is_seen_on_the_next_read(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY)
    desk = services.create_desk(party, values={"slug": "fault", "phone": "0120-000-000"})
    parties_for(world.org_a)  # cached
    services.update_desk(desk, changes={"phone": "0120-111-111"})
    assert parties_for(world.org_a)["local-isp"].desks[0].phone == "0120-111-111"


def test_a_deleted_desk_leaves_the_directory(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY)
    desk = services.create_desk(party, values={"slug": "fault"})
    parties_for(world.org_a)  # cached
    services.delete_desk(desk)
    assert parties_for(world.org_a)["local-isp"].desks == []


def test_another_organizations_party_is_not_visible(world: World) -> None:
    party = services.create_party(world.org_a, values=PARTY)
    assert not visible_parties(_mallory(world)).filter(pk=party.pk).exists()
