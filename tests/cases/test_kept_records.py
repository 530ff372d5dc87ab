"""Sites' records kept by the task queue (cases.stored_records, cases.models.StoredRecord): the
sweep makes the record of each site whose kept one is out of date, and a page takes a kept
record only when it was made at the site's current version with the current directory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases import assessment, stored_records
from madoguchi.cases import services as case_services
from madoguchi.cases.assessment import (
    StoredSiteInvalid,
    site_document,
    site_record,
    stored_site,
    with_site_file_rows,
)
from madoguchi.cases.models import Case, EntryKind, Status, StoredRecord
from madoguchi.cases.services import PromiseSpec
from madoguchi.cases.stored_records import refresh_records
from madoguchi.cases.tasks import periodic_records
from madoguchi.contracts import services as site_services
from madoguchi.contracts.models import Contract, Site
from madoguchi.directory.selectors import parties_for
from madoguchi.directory.services import save_party
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.ops.management.commands.worker import PERIODIC
from tests.conftest import World, forget_stored_sites
from tests.factories import CaseFactory, SiteFactory

pytestmark = pytest.mark.usefixtures("no_stored_sites")


def _site(pk: int) -> Site:
    """The site as a request reads it: its version with it."""
    return Site.objects.select_related("organization").get(pk=pk)


def _fresh_record(site_id: int) -> dict[str, Any]:
    """The site's record made from its rows now, past every cache and kept row."""
    site = with_site_file_rows(Site.objects.filter(pk=site_id)).get()
    return site_record(site, parties_for(site.organization)).model_dump(mode="json")


def _kept_versions() -> dict[int, int]:
    return dict(StoredRecord.objects.values_list("site_id", "version"))


def test_the_sweep_keeps_a_record_of_every_site_in_its_organization(world: World) -> None:
    sweep = refresh_records()
    assert sweep.made == Site.objects.count()
    assert not sweep.left
    for kept in StoredRecord.objects.select_related("site"):
        assert kept.organization_id == kept.site.organization_id
        assert kept.version == kept.site.version


def test_a_second_sweep_makes_nothing(world: World) -> None:
    refresh_records()
    assert refresh_records().made == 0


def test_a_page_takes_the_kept_record_without_reading_the_sites_rows(world: World) -> None:
    refresh_records()
    site = _site(world.site_a.pk)
    with CaptureQueriesContext(connection) as queries:
        stored = stored_site(site)
    assert len(queries) == 2  # the directory's stamps and the kept record
    assert stored.record.model_dump(mode="json") == _fresh_record(world.site_a.pk)


def test_a_write_puts_the_site_out_of_date_and_the_page_reads_its_rows(world: World) -> None:
    refresh_records()
    case_services.log_entry(
        world.case_a,
        user=None,
        kind=EntryKind.CALL_OUT,
        party="docomo-hikari",
        promise=PromiseSpec(
            by="docomo-hikari", what="callback", due=timezone.now() + dt.timedelta(hours=2)
        ),
    )
    expected = _fresh_record(world.site_a.pk)
    assert stored_site(_site(world.site_a.pk)).record.model_dump(mode="json") == expected
    before = _kept_versions()
    assert refresh_records().made == 1
    after = _kept_versions()
    assert after[world.site_a.pk] > before[world.site_a.pk]
    assert {k: v for k, v in after.items() if k != world.site_a.pk} == {
        k: v for k, v in before.items() if k != world.site_a.pk
    }


def test_a_kept_record_of_an_older_version_is_never_used(world: World) -> None:
    refresh_records()
    site_services.save_row(
        Contract.objects.get(pk=world.contract_a.pk), values={"note": "工事担当に確認済み"}
    )
    forget_stored_sites()
    site = _site(world.site_a.pk)
    with CaptureQueriesContext(connection) as queries:
        stored = stored_site(site)
    assert len(queries) > 2  # the site's rows, read again
    assert stored.record.model_dump(mode="json") == _fresh_record(world.site_a.pk)
    assert stored.record.contracts[0].note == "工事担当に確認済み"


def test_a_directory_change_puts_only_that_organizations_sites_out_of_date(
    world: World,
) -> None:
    refresh_records()
    shipped = load_catalog().parties["ntt-east"]
    save_party(world.org_a, shipped.model_copy(update={"name": "うちのNTT"}))
    remade = set(StoredRecord.objects.values_list("site_id", "computed"))
    assert refresh_records().made == Site.objects.filter(organization=world.org_a).count()
    changed = set(StoredRecord.objects.values_list("site_id", "computed")) - remade
    assert {site_id for site_id, _ in changed} == set(
        Site.objects.filter(organization=world.org_a).values_list("pk", flat=True)
    )


def test_a_kept_record_made_by_another_version_of_madoguchi_is_made_again(
    world: World,
) -> None:
    refresh_records()
    StoredRecord.objects.filter(site=world.site_a).update(made_with="another-version")
    assert refresh_records().made == 1
    kept = StoredRecord.objects.get(site=world.site_a)
    assert kept.made_with.endswith(assessment.record_format())


def test_a_kept_row_that_cannot_be_read_is_passed_over(world: World) -> None:
    refresh_records()
    StoredRecord.objects.filter(site=world.site_a).update(data=b"not a record")
    stored = stored_site(_site(world.site_a.pk))
    assert stored.record.model_dump(mode="json") == _fresh_record(world.site_a.pk)


def test_the_sweep_stops_at_its_limit_and_says_more_are_left(world: World) -> None:
    total = Site.objects.count()
    first = refresh_records(limit=total - 1)
    assert (first.made, first.left) == (total - 1, True)
    second = refresh_records(limit=total)
    assert (second.made, second.left) == (1, False)


def test_the_sweep_of_one_organization_leaves_the_others(world: World) -> None:
    refresh_records(organization_id=world.org_b.pk)
    assert set(StoredRecord.objects.values_list("organization_id", flat=True)) == {world.org_b.pk}


def test_a_site_that_is_not_a_valid_site_file_is_marked_and_its_page_names_why(
    world: World,
) -> None:
    site = SiteFactory(organization=world.org_a)
    # Written past the services, as an older version could: a party nobody knows.
    Contract.objects.create(
        site=site, organization=world.org_a, ref="odd", service="isp", party="no-such-party"
    )
    refresh_records()
    kept = StoredRecord.objects.get(site=site)
    assert kept.data == b"" or bytes(kept.data) == b""
    assert refresh_records().made == 0  # not tried again until the site changes
    with pytest.raises(StoredSiteInvalid) as refused:
        stored_site(_site(site.pk))
    assert any("no-such-party" in str(p) for p in refused.value.problems)


def test_a_closed_cases_page_adds_the_case_to_the_kept_record(world: World) -> None:
    closed = CaseFactory(site=world.site_a, organization=world.org_a, status=Status.CLOSED)
    case_services.log_entry(closed, user=None, kind=EntryKind.CALL_IN, party="ntt-east")
    refresh_records()
    case = Case.objects.select_related("site__organization").get(pk=closed.pk)
    record = stored_site(case.site, case).record
    # The same record as the whole document validated with the case in it.
    site = with_site_file_rows(Site.objects.filter(pk=world.site_a.pk)).get()
    document = site_document(site, parties_for(site.organization))
    document["cases"].append(assessment.case_section(case))
    assert record == engine.SiteFile.model_validate(document)
    assert record.cases[-1].ref == case.ref
    assert [r.party for r in record.cases[-1].reports] == ["ntt-east"]


def test_the_worker_keeps_the_sweep_running() -> None:
    assert periodic_records in PERIODIC


def test_the_task_runs_the_sweep(world: World) -> None:
    made = periodic_records.call()
    assert made == Site.objects.count()
    assert refresh_records().made == 0


def test_the_sweep_validates_outside_a_transaction(world: World, monkeypatch: Any) -> None:
    # On SQLite a transaction holds the database's write lock from its start: validating a
    # batch inside one would hold every writer back meanwhile.
    outer = len(connection.atomic_blocks)  # the test's own transaction
    depths: list[int] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        depths.append(len(connection.atomic_blocks))
        return site_record(*args, **kwargs)

    monkeypatch.setattr(stored_records, "site_record", record)
    refresh_records()
    assert depths
    assert set(depths) == {outer}
