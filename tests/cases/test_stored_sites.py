"""Every stored site is a valid site file: cases migration 0021 repaired older rows once
(keeping the customer's data where it could), readers validate once, a site that is still
invalid shows its problems instead of failing, and a catalog sync keeps the parties stored
rows name."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from madoguchi.cases.assessment import StoredSiteInvalid, site_record, with_site_file_rows
from madoguchi.cases.models import Promise
from madoguchi.contracts.models import BillLine, Contract, Event, Site
from madoguchi.directory.models import Party
from madoguchi.directory.services import sync_catalog
from tests.conftest import World

repair = importlib.import_module("madoguchi.cases.migrations.0021_repair_stored_sites")


def _valid(site_id: int) -> bool:
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).get()
    try:
        site_record(site)
    except StoredSiteInvalid:
        return False
    return True


def test_an_unknown_party_becomes_the_organizations_unverified_placeholder(world: World) -> None:
    Contract.objects.filter(pk=world.contract_a.pk).update(party="old-isp")
    repair.repair_stored_sites(apps, None)
    placeholder = Party.objects.get(organization=world.org_a, slug="old-isp")
    assert (placeholder.name, placeholder.verified) == ("old-isp", False)
    assert Contract.objects.get(pk=world.contract_a.pk).party == "old-isp"
    assert _valid(world.site_a.pk)


def test_an_unknown_promiser_keeps_its_open_promise(world: World) -> None:
    Promise.objects.filter(pk=world.promise_a.pk).update(by="old-installer")
    repair.repair_stored_sites(apps, None)
    assert Promise.objects.filter(pk=world.promise_a.pk, by="old-installer").exists()
    assert _valid(world.site_a.pk)


def test_an_amount_over_its_bound_is_clipped_and_the_original_kept_in_the_note(
    world: World,
) -> None:
    Contract.objects.filter(pk=world.contract_a.pk).update(monthly_yen=10**9, note="")
    repair.repair_stored_sites(apps, None)
    contract = Contract.objects.get(pk=world.contract_a.pk)
    assert contract.monthly_yen == 100_000_000
    assert "1000000000" in contract.note
    assert _valid(world.site_a.pk)


def test_a_date_outside_the_years_is_clipped_to_the_nearest(world: World) -> None:
    Event.objects.filter(pk=world.event_a.pk).update(date=dt.date(1900, 5, 1))
    repair.repair_stored_sites(apps, None)
    event = Event.objects.get(pk=world.event_a.pk)
    assert event.date == dt.date(1990, 1, 1)
    assert "1900-05-01" in event.note


def test_a_row_that_cannot_be_repaired_is_deleted(world: World) -> None:
    line = BillLine.objects.filter(site=world.site_a).first()
    assert line is not None
    BillLine.objects.filter(pk=line.pk).update(month="2026-13")
    repair.repair_stored_sites(apps, None)
    assert not BillLine.objects.filter(pk=line.pk).exists()
    assert _valid(world.site_a.pk)


def test_an_observation_no_party_could_have_is_dropped(world: World) -> None:
    Site.objects.filter(pk=world.site_a.pk).update(said_no_contract=["NOT A SLUG", "old-isp"])
    repair.repair_stored_sites(apps, None)
    assert Site.objects.get(pk=world.site_a.pk).said_no_contract == ["old-isp"]
    assert _valid(world.site_a.pk)


def test_a_valid_site_is_left_as_it_was(world: World) -> None:
    before = list(Contract.objects.values().order_by("pk"))
    parties = Party.objects.count()
    repair.repair_stored_sites(apps, None)
    assert list(Contract.objects.values().order_by("pk")) == before
    assert Party.objects.count() == parties


@pytest.mark.django_db(transaction=True)
def test_the_migration_repairs_the_stored_rows(world: World) -> None:
    Contract.objects.filter(pk=world.contract_a.pk).update(party="old-isp", monthly_yen=10**9)
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0020_field_bounds")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Party.objects.filter(organization=world.org_a, slug="old-isp").exists()
    assert Contract.objects.get(pk=world.contract_a.pk).monthly_yen == 100_000_000
    assert _valid(world.site_a.pk)


def test_a_site_still_invalid_shows_its_problems_instead_of_failing(world: World) -> None:
    Contract.objects.filter(pk=world.contract_a.pk).update(party="gone-party")
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/")
    assert page.status_code == 409
    text = page.content.decode()
    assert "この現場のデータを直すまで、判定できません" in text
    assert "gone-party" in text  # the problem names what the row says


def test_sync_keeps_a_stale_catalog_party_that_a_row_names_as_ceased(world: World) -> None:
    Party.objects.create(organization=None, slug="retired-isp", name="旧ISP", kind="isp")
    Party.objects.create(organization=None, slug="unused-isp", name="未使用", kind="isp")
    Contract.objects.filter(pk=world.contract_a.pk).update(party="retired-isp")
    sync_catalog()
    kept = Party.objects.get(organization=None, slug="retired-isp")
    assert kept.status == "ceased"
    assert not Party.objects.filter(organization=None, slug="unused-isp").exists()
