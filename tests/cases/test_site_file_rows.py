"""A site's first look reads its rows from statements compiled once
(`cases.assessment.load_site_file_rows`): the same document as the ORM's prefetches
(`with_site_file_rows`), kept as they keep it, and nothing of another site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases.assessment import (
    case_section,
    load_site_file_rows,
    site_document,
    with_site_file_rows,
)
from madoguchi.cases.models import Case, EntryKind, Status, TimelineEntry
from madoguchi.cases.services import PromiseSpec, log_entry
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import with_site_rows
from tests.conftest import World
from tests.factories import (
    BillLineFactory,
    CaseFactory,
    ContractFactory,
    EventFactory,
    PromiseFactory,
)

LATER = dt.timedelta(hours=5)


def _busy_site(world: World) -> Site:
    """world's site A with rows of each kind, two open cases (promises awaited and broken,
    calls with and without a party, a note) and a closed one; site B with rows of its own."""
    site = world.site_a
    ContractFactory(
        site=site, party="ntt-east", service="phone", includes_isp=False, ref="a-second-line"
    )
    EventFactory(site=site)
    BillLineFactory(site=site)
    second = CaseFactory(site=site, organization=site.organization, title="二件目")
    for case in (world.case_a, second):
        log_entry(
            case,
            user=None,
            kind=EntryKind.CALL_OUT,
            party="docomo-hikari",
            promise=PromiseSpec(by="docomo-hikari", what="callback", due=timezone.now() + LATER),
        )
        log_entry(case, user=None, kind=EntryKind.NOTE, said="メモ")
    PromiseFactory(case=second, broken=timezone.now())
    closed = CaseFactory(site=site, organization=site.organization, status=Status.CLOSED)
    log_entry(closed, user=None, kind=EntryKind.CALL_IN, party="ntt-east")
    other = CaseFactory(site=world.site_b, organization=world.org_b)
    log_entry(other, user=None, kind=EntryKind.CALL_OUT, party="ntt-east")
    return site


def _fresh(site: Site) -> Site:
    return Site.objects.select_related("organization", "customer").get(pk=site.pk)


def test_the_document_is_the_prefetches_document(world: World) -> None:
    site = _busy_site(world)
    expected = site_document(with_site_file_rows(Site.objects.filter(pk=site.pk)).get())
    assert len(expected["cases"]) == 2
    assert sum(len(case.get("promises", [])) for case in expected["cases"]) == 3
    assert all(case.get("reports") for case in expected["cases"])
    assert site_document(load_site_file_rows(_fresh(site))) == expected


def test_the_rows_are_kept_as_the_prefetches_keep_them(world: World) -> None:
    site = load_site_file_rows(_fresh(_busy_site(world)))
    with CaptureQueriesContext(connection) as captured:
        cases = list(site.cases.all())
        contracts = list(site.contracts.all())
        promises = [promise for case in cases for promise in case.promises.all()]
        calls = [entry for case in cases for entry in case.calls]
        assert all(contract.site is site for contract in contracts)
        assert all(case.site is site for case in cases)
        assert all(promise.case in cases for promise in promises)
        assert all(entry.case in cases for entry in calls)
    assert len(captured) == 0
    assert {case.status for case in cases} <= {Status.OPEN, Status.WAITING, Status.VISIT}
    assert all(promise.broken is None for promise in promises)
    assert {entry.party for entry in calls} == {"docomo-hikari"}


def test_nothing_of_another_site_is_read(world: World) -> None:
    site = load_site_file_rows(_fresh(_busy_site(world)))
    assert {c.pk for c in site.contracts.all()} == set(
        site.contracts.model.objects.filter(site=site).values_list("pk", flat=True)
    )
    assert {case.site_id for case in site.cases.all()} == {site.pk}
    assert not any(
        entry.case.site_id != site.pk for case in site.cases.all() for entry in case.calls
    )


def test_six_reads_then_nothing_compiled(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _fresh(_busy_site(world))
    load_site_file_rows(_fresh(world.site_b))  # prepared on another site first
    monkeypatch.setattr(SQLCompiler, "as_sql", _refused)
    with CaptureQueriesContext(connection) as captured:
        load_site_file_rows(site)
    assert len(captured) == 6


def test_a_site_with_its_own_rows_read_reads_only_its_cases(world: World) -> None:
    """The site page reads the site's rows to list them; its first look adds the cases."""
    site = _busy_site(world)
    expected = site_document(with_site_file_rows(Site.objects.filter(pk=site.pk)).get())
    listed = with_site_rows(Site.objects.filter(pk=site.pk)).get()
    contracts = site.contracts.all()
    with CaptureQueriesContext(connection) as captured:
        load_site_file_rows(listed)
    assert len(captured) == 3
    assert not any("sites_contract" in query["sql"] for query in captured.captured_queries)
    assert site_document(listed) == expected
    assert list(listed.contracts.all()) == list(contracts)


def _refused(*args: object, **kwargs: object) -> None:
    raise AssertionError("compiled by the ORM")


def test_a_site_read_with_its_prefetches_is_not_read_again(world: World) -> None:
    site = with_site_file_rows(Site.objects.filter(pk=world.site_a.pk)).get()
    with CaptureQueriesContext(connection) as captured:
        load_site_file_rows(site)
    assert len(captured) == 0


def test_a_closed_cases_section_is_the_orms(world: World) -> None:
    _busy_site(world)
    closed = Case.objects.get(site=world.site_a, status=Status.CLOSED)
    PromiseFactory(case=closed, by="ntt-east")
    PromiseFactory(case=closed, broken=timezone.now())
    section = case_section(closed)
    assert [report["party"] for report in section["reports"]] == ["ntt-east"]
    assert len(section["promises"]) == 1
    calls = TimelineEntry.objects.filter(case=closed, kind=EntryKind.CALL_IN)
    assert calls.count() == 1
