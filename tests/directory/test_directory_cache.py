"""The directory is cached per organization, and every change to its rows is seen at once."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from madoguchi.directory import selectors
from madoguchi.directory.models import Desk, DirectoryStamp, Party
from madoguchi.directory.selectors import parties_for
from madoguchi.directory.services import save_party, sync_catalog
from madoguchi.engine import load_catalog
from madoguchi.orgs.models import Organization
from tests.conftest import World


def _own_party(organization: Organization, phone: str = "03-0000-0001") -> Party:
    party = Party.objects.create(
        organization=organization, slug="local-isp", name="地元ISP", kind="isp"
    )
    Desk.objects.create(party=party, slug="support", phone=phone, purposes=["fault"])
    return party


def _phone(organization: Organization, slug: str) -> str | None:
    return parties_for(Organization.objects.get(pk=organization.pk))[slug].desks[0].phone


def test_a_second_read_takes_only_the_stamps(world: World) -> None:
    first = parties_for(world.org_a)
    with CaptureQueriesContext(connection) as captured:
        again = parties_for(world.org_a)
    assert again == first
    assert len(captured) == 1


def test_a_desk_edited_as_the_admin_does_is_seen_on_the_next_read(world: World) -> None:
    _own_party(world.org_a)
    assert _phone(world.org_a, "local-isp") == "03-0000-0001"
    desk = Desk.objects.get(party__slug="local-isp")
    desk.phone = "03-9999-9999"
    desk.save()
    assert _phone(world.org_a, "local-isp") == "03-9999-9999"


def test_a_party_saved_from_a_site_file_is_seen_on_the_next_read(world: World) -> None:
    parties_for(world.org_a)
    record = load_catalog().parties["ntt-east"]
    changed = record.model_copy(
        update={"desks": [record.desks[0].model_copy(update={"phone": "0120-000-111"})]}
    )
    save_party(world.org_a, changed)  # desks written in bulk, without signals
    assert _phone(world.org_a, "ntt-east") == "0120-000-111"


def test_deleting_an_own_party_brings_back_the_catalog_one(world: World) -> None:
    shipped = load_catalog().parties["ntt-east"]
    own = save_party(world.org_a, shipped.model_copy(update={"name": "うちのNTT"}))
    assert parties_for(world.org_a)["ntt-east"].name == "うちのNTT"
    own.delete()
    assert parties_for(world.org_a)["ntt-east"].name == shipped.name


def test_a_catalog_change_reaches_every_organization(world: World) -> None:
    for organization in (world.org_a, world.org_b):
        parties_for(organization)
    catalog_desk = Desk.objects.filter(party__organization__isnull=True, position=0)[0]
    catalog_desk.phone = "0570-000-000"
    catalog_desk.save()
    for organization in (world.org_a, world.org_b):
        assert _phone(organization, catalog_desk.party.slug) == "0570-000-000"


def test_one_organizations_party_stays_out_of_anothers_cached_directory(world: World) -> None:
    parties_for(world.org_b)
    _own_party(world.org_a)
    assert "local-isp" in parties_for(world.org_a)
    assert "local-isp" not in parties_for(world.org_b)


def test_a_sync_with_nothing_new_writes_nothing(world: World) -> None:
    parties_for(world.org_a)
    stamps = list(DirectoryStamp.objects.values_list("stamp", flat=True))
    assert sync_catalog() == (0, 0)
    assert list(DirectoryStamp.objects.values_list("stamp", flat=True)) == stamps


def test_a_sync_restores_a_catalog_desk_edited_by_hand(world: World) -> None:
    desk = Desk.objects.filter(party__organization__isnull=True, position=0).exclude(phone="")[0]
    shipped_phone = desk.phone
    desk.phone = "0000"
    desk.save()
    assert sync_catalog() == (1, 0)
    assert _phone(world.org_a, desk.party.slug) == shipped_phone


def test_a_second_read_in_the_same_process_unpickles_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = parties_for(world.org_a)
    shared_reads: list[str] = []
    real_get = selectors.cache.get
    monkeypatch.setattr(
        selectors.cache, "get", lambda key, *a, **k: shared_reads.append(key) or real_get(key)
    )
    assert parties_for(world.org_a) is first
    assert shared_reads == []


def test_a_change_is_seen_in_the_process_that_kept_the_directory(world: World) -> None:
    _own_party(world.org_a)
    assert _phone(world.org_a, "local-isp") == "03-0000-0001"
    record = parties_for(world.org_a)["local-isp"]
    changed = record.model_copy(
        update={"desks": [record.desks[0].model_copy(update={"phone": "03-1111-2222"})]}
    )
    save_party(world.org_a, changed)
    assert _phone(world.org_a, "local-isp") == "03-1111-2222"


def test_organizations_read_first_share_one_catalog_stamp(world: World) -> None:
    # Each organization's first read creates the stamps it lacks; the catalog's must stay one
    # row, or the key of every organization's directory flips between its copies.
    DirectoryStamp.objects.all().delete()
    keys = [selectors.directory_with_key(o)[2] for o in (world.org_a, world.org_b)]
    assert DirectoryStamp.objects.filter(organization__isnull=True).count() == 1
    assert keys[0].rsplit(":", 1)[1] == keys[1].rsplit(":", 1)[1]
    assert selectors.directory_with_key(world.org_a)[2] == keys[0]


def test_a_second_catalog_stamp_is_refused(world: World) -> None:
    DirectoryStamp.objects.all().delete()
    DirectoryStamp.objects.create(organization=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        DirectoryStamp.objects.create(organization=None)
