"""The dashboard's lists from statements prepared once (`server.prepared.prepared_reads`):
the same rows as the ORM's reads, and each request's own organizations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from madoguchi.cases import rows, selectors
from madoguchi.cases.filters import CaseFilter
from madoguchi.cases.models import Case, EntryKind, Promise
from madoguchi.cases.services import PromiseSpec, log_entry, open_case
from madoguchi.orgs.models import Role
from madoguchi.server import prepared
from tests.conftest import World
from tests.factories import MembershipFactory, OrganizationFactory, SiteFactory

SIZE = 2  # small pages: a second page and "more" with a few rows


@pytest.fixture(autouse=True)
def _fresh_statements() -> Any:
    prepared._PREPARED.clear()
    yield
    prepared._PREPARED.clear()


def _promise(case: Case, due: dt.datetime) -> Promise:
    entry = log_entry(
        case,
        user=None,
        kind=EntryKind.CALL_OUT,
        promise=PromiseSpec(by="docomo-hikari", what="callback", due=due),
    )
    return entry.promises.get()


def _desk(site: Any, user: Any, now: dt.datetime) -> None:
    """Three open cases at `site`, each with an overdue promise and one due soon."""
    for hours in (3, 2, 1):
        case = open_case(site, user=user, outage_started=now - dt.timedelta(hours=hours))
        _promise(case, now - dt.timedelta(minutes=10 * hours))
        _promise(case, now + dt.timedelta(hours=hours))


def _orm(user: Any, filters: CaseFilter, now: dt.datetime, page: int) -> selectors.DeskLists:
    """What the dashboard read before the statements were prepared."""
    cases, more_cases = rows.page_without_count(
        rows.case_rows(selectors.open_cases(user, filters)), page, SIZE
    )
    overdue_rows = selectors.overdue_promises(user, now, filters)
    overdue, more_overdue = rows.page_without_count(rows.promise_rows(overdue_rows), page, SIZE)
    soon = list(rows.promise_rows(selectors.promises_due_soon(user, now, filters))[:SIZE])
    overdue_count, case_count = rows.capped_counts(
        overdue_rows, selectors.open_cases(user, filters, counting=True)
    )
    return selectors.DeskLists(
        cases, more_cases, overdue, more_overdue, soon, overdue_count, case_count
    )


def _desk_statements() -> list[tuple[object, ...]]:
    """The prepared shapes of the desk's lists and site picker (a request prepares others: its
    session's, its user's, the directory's stamps)."""
    desk = {"desk lists", "party desk lists", "promise rows by id", "site choices"}
    return [key for key in prepared._PREPARED if desk & set(key)]


@pytest.mark.parametrize(
    "query", [{}, {"status": "open"}, {"assignee": "me"}, {"assignee": "999"}, {"site": "site"}]
)
@pytest.mark.parametrize("page", [1, 2])
def test_the_prepared_lists_are_the_orms(world: World, query: dict[str, str], page: int) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    now = timezone.now()
    _desk(world.site_a, alice, now)
    _desk(SiteFactory(organization=world.org_a), None, now)
    if query.get("site"):
        query = {"site": str(world.site_a.pk)}
    filters = CaseFilter.from_query(query)
    found = selectors.desk_lists(alice, filters, now, page, page, SIZE)
    assert found == _orm(alice, filters, now, page)


def test_a_prepared_statement_is_filled_with_each_users_organizations(world: World) -> None:
    now = timezone.now()
    alice = world.org_a.memberships.get(role="owner").user
    mallory = world.org_b.memberships.get(role="owner").user
    _desk(world.site_a, alice, now)
    _desk(world.site_b, mallory, now)
    mine = selectors.desk_lists(alice, CaseFilter(), now, 1, 1, SIZE)
    theirs = selectors.desk_lists(mallory, CaseFilter(), now, 1, 1, SIZE)  # the same shape
    assert len(_desk_statements()) == 1  # one statement set served both
    assert mine is not None
    assert theirs is not None
    assert mine == _orm(alice, CaseFilter(), now, 1)
    assert theirs == _orm(mallory, CaseFilter(), now, 1)
    assert {row["organization_id"] for row in mine.overdue + mine.due_soon} == {world.org_a.pk}
    assert {row["organization_id"] for row in theirs.overdue + theirs.due_soon} == {world.org_b.pk}
    assert not {row["id"] for row in mine.cases} & {row["id"] for row in theirs.cases}


def test_a_user_of_two_organizations_gets_the_rows_of_both(world: World) -> None:
    now = timezone.now()
    alice = world.org_a.memberships.get(role="owner").user
    mallory = world.org_b.memberships.get(role="owner").user
    both = MembershipFactory(organization=world.org_a, role=Role.STAFF).user
    MembershipFactory(organization=world.org_b, user=both, role=Role.STAFF)
    _desk(world.site_a, alice, now)
    _desk(world.site_b, mallory, now)
    _desk(SiteFactory(organization=OrganizationFactory()), None, now)  # nobody's here
    selectors.desk_lists(alice, CaseFilter(), now, 1, 1, SIZE)
    found = selectors.desk_lists(both, CaseFilter(), now, 1, 1, SIZE)
    assert found is not None
    assert found == _orm(both, CaseFilter(), now, 1)
    shown = {row["organization_id"] for row in found.overdue + found.due_soon}
    assert shown == {world.org_a.pk, world.org_b.pk}


def _orm_party(user: Any, filters: CaseFilter, now: dt.datetime, page: int) -> selectors.DeskLists:
    """What the dashboard read for a party before its statements were prepared."""
    first = rows.case_rows(selectors.open_cases(user, filters, first=page * SIZE + 1))
    cases, more_cases = rows.page_without_count(first, page, SIZE)
    late, soon = selectors.awaited_of_party(user, now, filters)
    start = (page - 1) * SIZE
    shown = late[start : start + SIZE] + soon[:SIZE]
    found = {r["id"]: r for r in rows.promise_rows(selectors.promises_by_ids(user, shown))}
    (case_count,) = rows.capped_counts(selectors.open_cases(user, filters, counting=True))
    return selectors.DeskLists(
        cases,
        more_cases,
        [found[pk] for pk in late[start : start + SIZE] if pk in found],
        len(late) > start + SIZE,
        [found[pk] for pk in soon[:SIZE] if pk in found],
        rows.capped_label(len(late)),
        case_count,
    )


@pytest.mark.parametrize(
    "query", [{}, {"status": "open"}, {"assignee": "me"}, {"site": "site"}, {"party": "ocn"}]
)
@pytest.mark.parametrize("page", [1, 2])
def test_the_prepared_lists_of_a_party_are_the_orms(
    world: World, query: dict[str, str], page: int
) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    now = timezone.now()
    _desk(world.site_a, alice, now)
    _desk(SiteFactory(organization=world.org_a), None, now)
    query = {"party": "docomo-hikari", **query}
    if query.get("site"):
        query["site"] = str(world.site_a.pk)
    filters = CaseFilter.from_query(query)
    found = selectors.desk_lists(alice, filters, now, page, page, SIZE)
    assert found is not None  # prepared, not read through the ORM
    assert found == _orm_party(alice, CaseFilter.from_query(query), now, page)
    if query == {"party": "docomo-hikari"} and page == 1:
        assert found.overdue  # the comparison saw rows
        assert found.due_soon


def test_a_prepared_party_statement_is_filled_with_each_users_organizations(
    world: World,
) -> None:
    now = timezone.now()
    alice = world.org_a.memberships.get(role="owner").user
    mallory = world.org_b.memberships.get(role="owner").user
    _desk(world.site_a, alice, now)
    _desk(world.site_b, mallory, now)
    party = CaseFilter(party="docomo-hikari")
    mine = selectors.desk_lists(alice, party, now, 1, 1, SIZE)
    theirs = selectors.desk_lists(mallory, CaseFilter(party="docomo-hikari"), now, 1, 1, SIZE)
    assert len(_desk_statements()) == 2  # the lists' and the promise rows': one set each
    assert mine is not None
    assert theirs is not None
    assert mine == _orm_party(alice, CaseFilter(party="docomo-hikari"), now, 1)
    assert theirs == _orm_party(mallory, CaseFilter(party="docomo-hikari"), now, 1)
    assert {row["organization_id"] for row in mine.overdue + mine.due_soon} == {world.org_a.pk}
    assert {row["organization_id"] for row in theirs.overdue + theirs.due_soon} == {world.org_b.pk}
    assert not {row["id"] for row in mine.cases} & {row["id"] for row in theirs.cases}


def test_a_search_is_read_through_the_orm(world: World) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    now = timezone.now()
    assert selectors.desk_lists(alice, CaseFilter(q="不通"), now, 1, 1, SIZE) is None


def test_the_site_picker_lists_each_users_own_sites(world: World) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    mallory = world.org_b.memberships.get(role="owner").user
    mine = selectors.site_choices(alice)
    theirs = selectors.site_choices(mallory)  # the statement prepared for alice's shape
    assert len(_desk_statements()) == 1
    assert mine == [(world.site_a.pk, world.site_a.name)]
    assert theirs == [(world.site_b.pk, world.site_b.name)]
