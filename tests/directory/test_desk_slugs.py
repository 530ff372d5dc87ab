"""Desk slugs are unique across an organization's own parties (a site file names its local
desks by slug alone), refused with a field error, held by the database, and repaired in
existing data by the migration."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from madoguchi.directory.models import Desk, Party
from tests.conftest import World


def _party(world: World, slug: str) -> Party:
    return Party.objects.create(organization=world.org_a, slug=slug, name=slug, kind="installer")


def test_a_desk_slug_used_by_another_own_party_is_a_field_error(world: World) -> None:
    Desk.objects.create(party=_party(world, "first-installer"), slug="fault")
    second = _party(world, "second-installer")
    response = world.api("post", f"/api/v1/parties/{second.pk}/desks", {"slug": "fault"})
    assert response.status_code == 422
    assert [e["path"] for e in response.json()["errors"]] == ["slug"]
    assert "first-installer" in response.json()["errors"][0]["message"]


def test_another_organization_may_use_the_same_desk_slug(world: World) -> None:
    Desk.objects.create(party=_party(world, "first-installer"), slug="fault")
    theirs = Party.objects.create(organization=world.org_b, slug="b-isp", name="B", kind="isp")
    response = world.api("post", f"/api/v1/parties/{theirs.pk}/desks", {"slug": "fault"}, "mallory")
    assert response.status_code == 201


def test_the_database_refuses_a_second_desk_slug_in_one_organization(world: World) -> None:
    Desk.objects.create(party=_party(world, "first-installer"), slug="fault")
    with pytest.raises(IntegrityError):
        Desk.objects.create(party=_party(world, "second-installer"), slug="fault")


@pytest.mark.django_db(transaction=True)
def test_the_migration_renames_later_duplicates_and_their_timeline_entries(world: World) -> None:
    executor = MigrationExecutor(connection)
    before = [("directory", "0007_fact_confirmation")]
    executor.migrate(before)
    cases = [node for node in executor.loader.graph.leaf_nodes() if node[0] == "cases"]
    apps: Any = executor.loader.project_state(before + cases).apps
    OldParty, OldDesk = apps.get_model("directory", "Party"), apps.get_model("directory", "Desk")
    Entry = apps.get_model("cases", "TimelineEntry")
    first = OldParty.objects.create(organization_id=world.org_a.pk, slug="first", kind="isp")
    second = OldParty.objects.create(organization_id=world.org_a.pk, slug="second", kind="isp")
    kept = OldDesk.objects.create(party=first, slug="fault")
    renamed = OldDesk.objects.create(party=second, slug="fault")
    entry = Entry.objects.create(
        organization_id=world.org_a.pk,
        case_id=world.case_a.pk,
        kind="call_out",
        party="second",
        desk="fault",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Desk.objects.get(pk=kept.pk).slug == "fault"
    assert Desk.objects.get(pk=renamed.pk).slug == "fault-second"
    assert Desk.objects.get(pk=renamed.pk).organization_id == world.org_a.pk
    assert Entry.objects.get(pk=entry.pk).desk == "fault-second"
