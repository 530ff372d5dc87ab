"""The desk filtered by a party (`?party=`): each side of "first with, waiting on or promised
by" is read from its own index (cases.filters.party_desk); the rows, their order and their
pages are those of the plain OR of the three columns, with a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from madoguchi.cases import rows, selectors
from madoguchi.cases.filters import CaseFilter, party_desk
from madoguchi.cases.models import Case, Promise
from tests.conftest import World
from tests.factories import CaseFactory, PromiseFactory, SiteFactory

PARTIES = ["docomo-hikari", "so-net", "ntt-east", "biglobe"]


@pytest.fixture
def desk(world: World) -> World:
    """Eighty cases of every status in org A, oldest first by their number; a few waiting on
    plala (a sparse party: no case is first with it) and promises due yesterday, within
    the day and next week, some made by a party other than the case's."""
    now = timezone.now()
    other_site = SiteFactory(organization=world.org_a, name="A社 支店")
    statuses = ["open", "waiting", "visit", "resolved", "closed"]
    for n in range(80):
        case = CaseFactory(
            site=world.site_a if n % 3 else other_site,
            ref=f"d{n:02}",
            title=f"件{n:02}",
            status=statuses[n % 5] if n % 7 else "open",
            first_party=PARTIES[n % 4] if n % 2 else "docomo-hikari",
            waiting_on="plala" if n % 11 == 5 else "",
            created=now - dt.timedelta(days=400 - n),
        )
        for k, due in enumerate((-24, 3, 24 * 7)):
            if (n + k) % 3 == 0:
                PromiseFactory(
                    case=case,
                    by="plala" if n % 13 == 4 else case.first_party or "so-net",
                    due=now + dt.timedelta(hours=due, minutes=n),
                    case_active=case.is_active,
                )
    # Another organization's cases with the same parties never show.
    CaseFactory(site=world.site_b, first_party="docomo-hikari", waiting_on="plala")
    PromiseFactory(case__site=world.site_b, by="plala", due=now - dt.timedelta(hours=1))
    return world


def _user(world: World) -> Any:
    return world.org_a.memberships.get(role="owner").user


def _cases_matching(slugs: list[str]) -> Q:
    return Q(first_party__in=slugs) | Q(waiting_on__in=slugs)


def _promises_matching(slugs: list[str]) -> Q:
    return Q(case__first_party__in=slugs) | Q(case__waiting_on__in=slugs) | Q(by__in=slugs)


def _ids(rows: Any) -> list[int]:
    return [row.pk for row in rows]


@pytest.mark.parametrize(
    "party", ["ドコモ光", "docomo-hikari", "plala", "ぷらら", "存在しない会社"]
)
def test_the_open_cases_of_a_party_are_those_of_the_or_oldest_first(
    desk: World, party: str
) -> None:
    user = _user(desk)
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    expected = Case.objects.for_user(user).active().filter(_cases_matching(slugs))
    found = _ids(selectors.open_cases(user, filters))
    assert found == _ids(expected.order_by("created", "id"))
    assert (len(found) > 0) is (party not in ("存在しない会社",))


@pytest.mark.parametrize("party", ["ドコモ光", "ぷらら"])
def test_every_case_of_a_party_lists_newest_first(desk: World, party: str) -> None:
    user = _user(desk)
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    expected = Case.objects.for_user(user).filter(_cases_matching(slugs))
    found = selectors.listed_cases(user, filters).order_by("-created", "-id")
    assert _ids(found) == _ids(expected.order_by("-created", "-id"))
    assert all(case.organization_id == desk.org_a.pk for case in found)


@pytest.mark.parametrize("party", ["ドコモ光", "plala", "so-net"])
def test_the_promises_of_a_party_are_those_of_the_or(desk: World, party: str) -> None:
    user = _user(desk)
    now = timezone.now()
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    awaited = (
        Promise.objects.for_user(user).of_active_cases().open().filter(_promises_matching(slugs))
    )
    overdue = awaited.filter(due__lt=now).order_by("due", "id")
    soon = awaited.filter(due__gte=now, due__lt=now + selectors.DASHBOARD_DUE_WINDOW)
    assert _ids(selectors.overdue_promises(user, now, filters)) == _ids(overdue)
    assert _ids(selectors.promises_due_soon(user, now, filters)) == _ids(soon.order_by("due", "id"))
    assert overdue.exists()
    assert soon.exists()


@pytest.mark.parametrize("party", ["ドコモ光", "ぷらら", "存在しない会社"])
@pytest.mark.parametrize("first", [1, 5, 21])
def test_the_first_rows_of_a_party_are_the_first_of_the_or(
    desk: World, party: str, first: int
) -> None:
    user = _user(desk)
    now = timezone.now()
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    cases = Case.objects.for_user(user).active().filter(_cases_matching(slugs))
    promises = Promise.objects.for_user(user).of_active_cases().open()
    overdue = promises.filter(_promises_matching(slugs), due__lt=now)
    found = selectors.open_cases(user, filters, first=first)
    assert _ids(found) == _ids(cases.order_by("created", "id")[:first])
    found_overdue = party_desk(
        Promise, user, slugs, lambda rows: rows.of_active_cases().open().filter(due__lt=now)
    ).first(first)
    assert _ids(found_overdue.order_by("due", "id")) == _ids(overdue.order_by("due", "id")[:first])


@pytest.mark.parametrize("party", ["ドコモ光", "plala", "so-net", "存在しない会社"])
def test_a_partys_awaited_promises_in_one_read_are_those_of_the_or(desk: World, party: str) -> None:
    user = _user(desk)
    now = timezone.now()
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    awaited = Promise.objects.for_user(user).of_active_cases().open()
    awaited = awaited.filter(_promises_matching(slugs)).order_by("due", "id")
    soon = awaited.filter(due__gte=now, due__lt=now + selectors.DASHBOARD_DUE_WINDOW)
    late, due_soon = selectors.awaited_of_party(user, now, filters)
    assert late == _ids(awaited.filter(due__lt=now))
    assert due_soon == _ids(soon)


def test_the_dashboard_pages_and_counts_a_partys_overdue_promises(desk: World) -> None:
    user = _user(desk)
    now = timezone.now()
    awaited = Promise.objects.for_user(user).of_active_cases().open()
    overdue = awaited.filter(_promises_matching(["docomo-hikari"]), due__lt=now)
    assert 1 < overdue.count() <= 20
    client = desk.clients["alice"]
    page = client.get("/cases/?party=ドコモ光")
    assert page.context["overdue_count"] == str(overdue.count())
    assert [row.pk for row in page.context["overdue"]] == _ids(overdue.order_by("due", "id"))
    assert not page.context["more_overdue"]
    assert page.context["due_soon"]
    second = client.get("/cases/?party=ドコモ光&overdue_page=2")
    assert second.context["overdue"] == []


@pytest.mark.parametrize("party", ["ドコモ光", "ぷらら", "存在しない会社"])
def test_a_partys_counts_are_those_of_the_or(desk: World, party: str) -> None:
    user = _user(desk)
    now = timezone.now()
    filters = CaseFilter(party=party)
    slugs = sorted(filters.party_slugs(user))
    cases = Case.objects.for_user(user).active().filter(_cases_matching(slugs))
    promises = Promise.objects.for_user(user).of_active_cases().open()
    overdue = promises.filter(_promises_matching(slugs), due__lt=now)
    counted = rows.capped_counts(
        party_desk(
            Promise, user, slugs, lambda rows: rows.of_active_cases().open().filter(due__lt=now)
        ).ids(),
        selectors.open_cases(user, filters, counting=True),
        cap=5,
    )
    expected = [overdue.count(), cases.count()]
    assert counted == [f"{n:,}" if n <= 5 else "5+" for n in expected]


def test_a_search_within_a_party_is_not_cut_at_the_page(desk: World) -> None:
    user = _user(desk)
    filters = CaseFilter(party="ドコモ光", q="件7")
    expected = (
        Case.objects.for_user(user)
        .active()
        .filter(_cases_matching(sorted(filters.party_slugs(user))), title__startswith="件7")
    )
    found = selectors.open_cases(user, filters, first=1)
    assert set(_ids(found)) == set(_ids(expected))
    assert len(_ids(expected)) > 1


def test_a_promise_made_by_the_party_counts_on_a_case_with_another(desk: World) -> None:
    user = _user(desk)
    made = Promise.objects.filter(by="plala", organization=desk.org_a, case_active=True)
    assert made.exclude(case__first_party="plala").exclude(case__waiting_on="plala").exists()
    found = _ids(selectors.overdue_promises(user, timezone.now(), CaseFilter(party="plala")))
    assert set(_ids(made.filter(due__lt=timezone.now(), kept__isnull=True))) <= set(found)


def test_the_party_filter_keeps_the_other_fields(desk: World) -> None:
    user = _user(desk)
    filters = CaseFilter(party="docomo-hikari", site=desk.site_a.pk, status="waiting")
    expected = Case.objects.for_user(user).filter(
        _cases_matching(["docomo-hikari"]), site=desk.site_a, status="waiting"
    )
    found = selectors.listed_cases(user, filters).order_by("created", "id")
    assert _ids(found) == _ids(expected.order_by("created", "id")) != []
    mine = CaseFilter(party="docomo-hikari", assignee="me")
    assert list(selectors.open_cases(user, mine)) == []


@pytest.mark.parametrize("party", ["ドコモ光", "plala", "so-net", "存在しない会社"])
@pytest.mark.parametrize("model", [Case, Promise])
def test_every_row_of_a_partys_desk_is_of_the_users_organization(
    desk: World, party: str, model: type[Case] | type[Promise]
) -> None:
    """The promises taken by case are built without an organization condition (their cases
    carry it): every read of the party desk still returns the user's organization's rows
    only, though the other organization has cases and promises of the same parties."""
    for slug in [*PARTIES, "plala"]:
        case = CaseFactory(site=desk.site_b, first_party=slug, waiting_on=slug)
        PromiseFactory(case=case, by=slug, due=timezone.now(), case_active=True)
    user = _user(desk)
    slugs = sorted(CaseFilter(party=party).party_slugs(user))
    if model is Case:
        found = party_desk(Case, user, slugs)
        everyone = Case.objects.filter(_cases_matching(slugs))
    else:
        found = party_desk(Promise, user, slugs, lambda rows: rows.of_active_cases())
        everyone = Promise.objects.filter(_promises_matching(slugs), case_active=True)
    ids = {row["pk"] for row in found.ids()}
    ids |= set(_ids(found.rows())) | set(_ids(found.first(1000)))
    if model is Promise:
        ids |= {pk for pk, _late in found.awaited(timezone.now())}
    theirs = everyone.exclude(organization=desk.org_a)
    assert ids == set(everyone.filter(organization=desk.org_a).values_list("pk", flat=True))
    assert theirs.exists() is (party != "存在しない会社")
    assert not ids & set(theirs.values_list("pk", flat=True))


def test_another_organizations_user_sees_none_of_these(desk: World) -> None:
    mallory = desk.org_b.memberships.get().user
    found = selectors.listed_cases(mallory, CaseFilter(party="plala"))
    assert {case.organization_id for case in found} == {desk.org_b.pk}


def _refs(html: str) -> list[str]:
    return re.findall(r"件(\d\d)", html)


def _open_cases(html: str) -> list[str]:
    """The case numbers in the dashboard's open-case list, in their order."""
    return _refs(html.split('id="open-cases"', 1)[1])


def test_the_dashboard_pages_a_common_partys_open_cases_oldest_first(desk: World) -> None:
    user = _user(desk)
    expected = Case.objects.for_user(user).active().filter(_cases_matching(["docomo-hikari"]))
    titles = [case.title[1:] for case in expected.order_by("created", "id")]
    assert len(titles) > 20
    client = desk.clients["alice"]
    first = _open_cases(client.get("/cases/?party=ドコモ光&page=1").content.decode())
    second = _open_cases(client.get("/cases/?party=ドコモ光&page=2").content.decode())
    assert first == titles[:20]
    assert second == titles[20:40]


def test_the_case_list_pages_a_partys_cases_newest_first(desk: World) -> None:
    user = _user(desk)
    expected = Case.objects.for_user(user).filter(_cases_matching(["docomo-hikari"]))
    titles = [case.title[1:] for case in expected.order_by("-created", "-id")]
    client = desk.clients["alice"]
    first = _refs(client.get("/cases/all/?party=ドコモ光").content.decode())
    second = _refs(client.get("/cases/all/?party=ドコモ光&page=2").content.decode())
    assert first == titles[:20]
    assert second == titles[20:40]


# The plain dashboard's queries (11: session, user, memberships, three lists, the counts, the
# pickers) and the party's name resolved once for the three lists (its organizations and
# directory stamp); the case list: session, user, memberships, the name, the page. (The
# dashboard took 14 before the incident suggestions' two and the receivables panel's one
# became fragments of their own apps, loaded after the page.)
@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/cases/?party=ドコモ光", 13),
        ("/cases/?party=ぷらら", 13),
        ("/cases/all/?party=ドコモ光", 6),
    ],
)
def test_a_partys_desk_takes_a_fixed_number_of_queries(desk: World, url: str, queries: int) -> None:
    client = desk.clients["alice"]
    client.get(url)  # the first read of the directory fills the cache
    few = _queries(lambda: client.get(url))
    for _ in range(15):
        CaseFactory(site=desk.site_a, first_party="docomo-hikari", waiting_on="plala")
    assert _queries(lambda: client.get(url)) == few <= queries  # sessions in Redis: one less


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)
