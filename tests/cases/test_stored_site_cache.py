"""The site's document cached by version (`cases.assessment.stored_site`): every write that
changes what the document says raises the site's version in its own transaction, so a page
never assesses an older document than the rows it could read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases import assessment
from madoguchi.cases import services as case_services
from madoguchi.cases.assessment import stored_site, with_site_file_rows
from madoguchi.cases.models import Case, EntryKind, Promise
from madoguchi.cases.services import PromiseSpec
from madoguchi.contracts import services as site_services
from madoguchi.contracts.models import Contract, Site
from madoguchi.directory.selectors import parties_for
from tests.conftest import World

pytestmark = pytest.mark.usefixtures("no_stored_sites")


def _site(world: World) -> Site:
    """The site as a request reads it: its version with it."""
    return Site.objects.select_related("organization").get(pk=world.site_a.pk)


def _fresh_document(world: World) -> dict[str, Any]:
    """The document read from the rows now, past any cache."""
    from madoguchi.cases.assessment import site_record

    site = with_site_file_rows(Site.objects.filter(pk=world.site_a.pk)).get()
    return site_record(site, parties_for(site.organization)).model_dump(mode="json")


def test_a_second_read_of_an_unchanged_site_takes_one_query(world: World) -> None:
    first = stored_site(_site(world))
    site = _site(world)
    with CaptureQueriesContext(connection) as queries:
        again = stored_site(site)
    assert len(queries) == 1  # the directory's stamps; no row of the site
    assert again.record == first.record


def _log_a_promise(world: World) -> None:
    case_services.log_entry(
        world.case_a,
        user=None,
        kind=EntryKind.CALL_OUT,
        party="docomo-hikari",
        promise=PromiseSpec(
            by="docomo-hikari", what="callback", due=timezone.now() + dt.timedelta(hours=2)
        ),
    )


def _settle(world: World) -> None:
    promise = Promise.objects.filter(case=world.case_a, kept__isnull=True).first()
    assert promise is not None
    case_services.settle_promise(promise, user=None, kept=False)


def _outage(world: World) -> None:
    started = timezone.now() - dt.timedelta(hours=5)
    case_services.set_outage(world.case_a, user=None, started=started, ended=None)


def _resolve(world: World) -> None:
    case_services.change_status(world.case_a, user=None, to="resolved")


def _open_another(world: World) -> None:
    case_services.open_case(world.site_a, user=None, title="二件目")


def _edit_contract(world: World) -> None:
    contract = Contract.objects.get(pk=world.contract_a.pk)
    site_services.save_row(contract, values={"note": "工事担当に確認済み"})


def _delete_contract(world: World) -> None:
    site_services.delete_row(
        Contract.objects.create(
            site=world.site_a, organization=world.org_a, ref="spare", service="isp", party="ocn"
        )
    )


def _trouble(world: World) -> None:
    site_services.save_trouble(
        Site.objects.get(pk=world.site_a.pk), symptoms=["internet-down"], lamps={"pon": "off"}
    )


WRITES: dict[str, Callable[[World], None]] = {
    "the symptoms and lamps": _trouble,
    "a call with a promise": _log_a_promise,
    "a promise settled": _settle,
    "the outage's times": _outage,
    "the case resolved": _resolve,
    "another case opened": _open_another,
    "a contract's note": _edit_contract,
    "a contract added and deleted": _delete_contract,
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_write_raises_the_version_and_the_page_reads_the_new_document(
    world: World, write: str
) -> None:
    before = _site(world)
    stored_site(before)  # cached under the version before the write
    WRITES[write](world)
    after = _site(world)
    assert after.version > before.version
    assert stored_site(after).record.model_dump(mode="json") == _fresh_document(world)


def test_a_resolved_case_has_its_own_document_with_the_case_in_it(world: World) -> None:
    case_services.change_status(world.case_a, user=None, to="resolved")
    case = Case.objects.select_related("site__organization").get(pk=world.case_a.pk)
    plain = stored_site(case.site)
    with_case = stored_site(case.site, case)
    assert case.ref not in {c.ref for c in plain.record.cases}
    assert case.ref in {c.ref for c in with_case.record.cases}


SHARED = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "stored_sites": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "stored-sites-test",
    },
}


@pytest.fixture
def _shared_between_workers(settings: Any) -> Any:
    """The team server's setup: workers share records through a cache (Redis there)."""
    settings.CACHES = {**settings.CACHES, **SHARED}
    from django.core.cache import caches

    caches["stored_sites"].clear()
    yield caches["stored_sites"]
    caches["stored_sites"].clear()


@pytest.mark.usefixtures("_shared_between_workers")
def test_a_worker_takes_a_site_another_worker_read_without_reading_its_rows(
    world: World,
) -> None:
    first = stored_site(_site(world))
    assessment._STORED.clear()  # another worker: nothing of its own yet
    site = _site(world)
    with CaptureQueriesContext(connection) as queries:
        again = stored_site(site)
    assert len(queries) == 1  # the directory's stamps; no row of the site
    assert again.record == first.record


@pytest.mark.usefixtures("_shared_between_workers")
@pytest.mark.parametrize("write", ["a call with a promise", "a contract's note"])
def test_a_write_in_one_worker_is_seen_by_another(world: World, write: str) -> None:
    stored_site(_site(world))  # in the shared cache under the version before the write
    WRITES[write](world)
    assessment._STORED.clear()
    assert stored_site(_site(world)).record.model_dump(mode="json") == _fresh_document(world)


def test_without_a_shared_cache_each_worker_reads_the_rows(world: World, settings: Any) -> None:
    settings.CACHES = {k: v for k, v in settings.CACHES.items() if k != "stored_sites"}
    stored_site(_site(world))
    assessment._STORED.clear()
    site = _site(world)
    with CaptureQueriesContext(connection) as queries:
        stored_site(site)
    assert len(queries) > 1
