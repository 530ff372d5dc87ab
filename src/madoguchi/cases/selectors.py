"""Reads for the dashboard, the lists and the case page, each a fixed number of queries.

Lists are narrowed by `filters.CaseFilter` (search included, `search.py`) and shown as plain
rows (`rows.py`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from madoguchi.cases import rows
from madoguchi.cases.filters import CaseFilter, awaited_pairs
from madoguchi.cases.models import Case, Promise, PromiseQuerySet, TimelineEntry
from madoguchi.contracts.models import Site
from madoguchi.directory.selectors import Directory
from madoguchi.orgs.selectors import organization_ids
from madoguchi.orgs.types import AnyUser
from madoguchi.server.prepared import keep_prefetched, prepared_or_built, prepared_reads

# The dashboard's "due soon" list: promises falling due within a day (the reminder mail's
# lead time is another figure, `reminders.REMINDER_LEAD_TIME`).
DASHBOARD_DUE_WINDOW = dt.timedelta(hours=24)


def overdue_promises(user: AnyUser, now: dt.datetime, filters: CaseFilter) -> QuerySet[Promise]:
    rows = filters.promises(user, lambda rows: rows.of_active_cases().overdue(now))
    return rows.order_by("due", "id")


def promises_due_soon(
    user: AnyUser, now: dt.datetime, filters: CaseFilter, *, until: dt.datetime | None = None
) -> QuerySet[Promise]:
    """Awaited promises due from `now` to `until` (default: DASHBOARD_DUE_WINDOW later)."""
    end = now + DASHBOARD_DUE_WINDOW if until is None else until

    def due_soon(rows: PromiseQuerySet) -> PromiseQuerySet:
        awaited = rows.of_active_cases().open()
        return awaited.filter(due__gte=now, due__lt=end)

    return filters.promises(user, due_soon).order_by("due", "id")


def awaited_of_party(
    user: AnyUser, now: dt.datetime, filters: CaseFilter
) -> tuple[list[int], list[int]]:
    """The ids of the overdue promises and of those due soon (each soonest due first), for
    a filter with a party: one read of the party's sides for both lists and the count
    (filters.PartyDesk.awaited)."""

    return _late_and_soon(
        filters.awaited_of_party(user, _awaited_before(now + DASHBOARD_DUE_WINDOW), now)
    )


def _awaited_before(until: dt.datetime) -> Callable[[PromiseQuerySet], PromiseQuerySet]:
    """The condition of the dashboard's promise lists: awaited, of an active case, due
    before `until` (the end of the due-soon window)."""

    def awaited(rows: PromiseQuerySet) -> PromiseQuerySet:
        return rows.of_active_cases().open().filter(due__lt=until)

    return awaited


def _late_and_soon(pairs: list[tuple[int, bool]]) -> tuple[list[int], list[int]]:
    """(id, overdue) pairs as the ids of the overdue promises and of those due soon."""
    return [pk for pk, late in pairs if late], [pk for pk, late in pairs if not late]


def party_promise_page(
    late: list[int],
    soon: list[int],
    page: int,
    size: int,
    rows_of: Callable[[list[int]], Iterable[dict[str, Any]]],
) -> tuple[list[dict[str, Any]], bool, list[dict[str, Any]], str]:
    """A party's overdue page, whether there is another, those due soon and the overdue
    count, from the ids `awaited_of_party` gives and one read of the rows shown (`rows_of`
    the ids, in any order)."""
    start = (page - 1) * size
    shown = late[start : start + size] + soon[:size]  # apart: due before or after now
    found = {row["id"]: row for row in rows_of(shown)}
    overdue = [found[pk] for pk in late[start : start + size] if pk in found]
    due_soon = [found[pk] for pk in soon[:size] if pk in found]
    return overdue, len(late) > start + size, due_soon, rows.capped_label(len(late))


@dataclass(frozen=True)
class DeskLists:
    """The dashboard's lists without a party or a search: rows as `.values()` dicts
    (`rows.as_case_rows`, `rows.as_promise_rows`), one page each, and the capped counts."""

    cases: list[dict[str, Any]]
    more_cases: bool
    overdue: list[dict[str, Any]]
    more_overdue: bool
    due_soon: list[dict[str, Any]]
    overdue_count: str
    case_count: str


# Pages past this are read through the ORM as usual (each page number is its own shape).
PREPARED_PAGES = 5


@dataclass
class _StandIn:
    """A user for compiling the lists with placeholder values: their organizations' ids
    (as `orgs.selectors.roles_of` keeps them) and their id (an assignee "me")."""

    pk: int
    _madoguchi_roles: dict[int, str]
    is_authenticated: bool = True


def desk_lists(
    user: AnyUser,
    filters: CaseFilter,
    now: dt.datetime,
    case_page: int,
    overdue_page: int,
    size: int,
) -> DeskLists | None:
    """The dashboard's open cases, overdue promises, promises due soon and their counts
    (the same queries as `open_cases`, `overdue_promises`, `promises_due_soon` and
    `rows.capped_counts`, or with a party `awaited_of_party` and `promises_by_ids`), from
    statements prepared once (`prepared.prepared_reads` says why); None for a search, a
    user without organizations or a far page (the caller reads them as usual)."""
    ids = organization_ids(user)
    if filters.q or not ids or max(case_page, overdue_page) > PREPARED_PAGES:
        return None
    values: dict[str, Any] = {"organization": ids, "now": now, "until": now + DASHBOARD_DUE_WINDOW}
    if (assignee := filters.assignee_id(user)) is not None:
        values["assignee"] = assignee
    if filters.site is not None:
        values["site"] = filters.site
    if filters.party:
        values["slugs"] = sorted(filters.party_slugs(user))
        return _party_desk_lists(user, filters, values, case_page, overdue_page, size)

    def build(ph: Mapping[str, Any]) -> list[Any]:
        stand_in, narrowed = _stand_in(filters, ph)
        overdue = overdue_promises(stand_in, ph["now"], narrowed)
        soon = promises_due_soon(stand_in, ph["now"], narrowed, until=ph["until"])
        case_start = (case_page - 1) * size
        overdue_start = (overdue_page - 1) * size
        return [
            rows.case_rows(open_cases(stand_in, narrowed))[case_start : case_start + size + 1],
            rows.promise_rows(overdue)[overdue_start : overdue_start + size + 1],
            rows.promise_rows(soon)[:size],
            rows.capped_counts_sql(overdue, open_cases(stand_in, narrowed, counting=True)),
        ]

    shape = ("desk lists", filters.status, case_page, overdue_page, size)
    read = prepared_reads(shape, build, values)
    if read is None:
        return None
    cases, overdue, due_soon, ((overdue_count, case_count),) = read
    return DeskLists(
        cases=cases[:size],
        more_cases=len(cases) > size,
        overdue=overdue[:size],
        more_overdue=len(overdue) > size,
        due_soon=due_soon,
        overdue_count=rows.capped_label(overdue_count),
        case_count=rows.capped_label(case_count),
    )


def _stand_in(filters: CaseFilter, ph: Mapping[str, Any]) -> tuple[Any, CaseFilter]:
    """A user and a filter holding the placeholders of `ph` instead of the request's values
    (the organizations, the assignee "me", the site, the party's slugs)."""
    stand_in: Any = _StandIn(ph.get("assignee", -1), dict.fromkeys(ph["organization"], "staff"))
    narrowed = filters.model_copy(
        update={"site": ph.get("site"), "assignee": "me" if "assignee" in ph else ""}
    )
    narrowed._slugs = {stand_in.pk: frozenset(ph["slugs"])} if "slugs" in ph else {}
    return stand_in, narrowed


def _party_desk_lists(
    user: AnyUser,
    filters: CaseFilter,
    values: dict[str, Any],
    case_page: int,
    overdue_page: int,
    size: int,
) -> DeskLists | None:
    """`desk_lists` for a party: the page of open cases, the (id, overdue) pairs of the
    party's awaited promises (`awaited_of_party`: the overdue page, its exact count and those
    due soon, from one read) and the open-case count, then the rows of the promises shown."""

    def build(ph: Mapping[str, Any]) -> list[Any]:
        stand_in, narrowed = _stand_in(filters, ph)
        case_start = (case_page - 1) * size
        first = case_page * size + 1
        cases = rows.case_rows(open_cases(stand_in, narrowed, first=first))
        awaited_until = _awaited_before(ph["until"])
        awaited = narrowed.awaited_of_party_read(stand_in, awaited_until, ph["now"])
        counted = rows.capped_counts_sql(open_cases(stand_in, narrowed, counting=True))
        if awaited is None:
            return []  # not prepared: nothing can match
        return [cases[case_start : case_start + size + 1], awaited, counted]

    shape = ("party desk lists", filters.status, case_page, size)
    read = prepared_reads(shape, build, values)
    if not read:
        return None
    cases, pairs, ((case_count,),) = read
    late, soon = _late_and_soon(awaited_pairs(pairs))
    overdue, more_overdue, due_soon, overdue_count = party_promise_page(
        late,
        soon,
        overdue_page,
        size,
        lambda shown: _promise_rows_by_ids(user, values["organization"], shown),
    )
    return DeskLists(
        cases=cases[:size],
        more_cases=len(cases) > size,
        overdue=overdue,
        more_overdue=more_overdue,
        due_soon=due_soon,
        overdue_count=overdue_count,
        case_count=rows.capped_label(case_count),
    )


def _promise_rows_by_ids(
    user: AnyUser, organization: list[int], shown: list[int]
) -> list[dict[str, Any]]:
    """The rows of the promises `shown` (ids the user's own reads returned), prepared once
    per number of ids."""
    if not shown:
        return []

    def build(ph: Mapping[str, Any]) -> list[Any]:
        stand_in: Any = _StandIn(-1, dict.fromkeys(ph["organization"], "staff"))
        return [rows.promise_rows(promises_by_ids(stand_in, ph["shown"]))]

    values = {"organization": organization, "shown": shown}
    (found,) = prepared_or_built(("promise rows by id",), build, values)
    return list(found)


def promises_by_ids(user: AnyUser, ids: list[int]) -> QuerySet[Promise]:
    """The user's promises of `ids`, soonest due first."""
    return Promise.objects.for_user(user).filter(pk__in=ids).order_by("due", "id")


def open_cases(
    user: AnyUser, filters: CaseFilter, *, first: int | None = None, counting: bool = False
) -> QuerySet[Case]:
    """Active cases, oldest first (the dashboard). `first`: the caller reads no more than
    that many; `counting`: it counts them only, unordered (filters.party_desk)."""
    active = Case.objects.for_user(user).active()
    cases = filters.cases(active, user, first=first, counting=counting)
    return cases if counting else cases.order_by("created", "id")


def listed_cases(
    user: AnyUser, filters: CaseFilter, *, newest: int | None = None
) -> QuerySet[Case]:
    """Every case the filter keeps, unordered (the all-cases page and the API order them);
    `newest`: the caller reads no more than that many, newest first (filters.party_desk)."""
    return filters.cases(Case.objects.for_user(user), user, newest=newest)


def recent_site_cases(site: Site, count: int = 20) -> QuerySet[Case]:
    """A site's newest cases, as its page lists them: what the list shows (the name, which
    falls back on the services and the outage's start, the status and the day), not each
    case's stored assessment and observations (kilobytes of JSON a case, decoded per row)."""
    shown = ("title", "services", "outage_started", "status", "created")
    rows = Case.objects.filter(organization_id=site.organization_id, site=site).only(*shown)
    return rows.order_by("-created", "-id")[:count]


def case_for_page(user: AnyUser, pk: int) -> Case:
    """The case with everything its page shows (its site, organization, assignee and
    promises), or Case.DoesNotExist.

    Read from statements compiled once per process (`prepared_reads`): building and
    compiling this read (71 columns over three joins, then the promises) was the largest
    part of the case page's CPU after its rendering (issue 26). The promises are read only
    for a case found among the user's organizations."""
    values = {"organization": organization_ids(user), "case": pk}
    (found,) = prepared_or_built(("case page",), _case_page_read, values)
    if not found:
        raise Case.DoesNotExist
    case = found[0]
    _with_promises(case)
    # The site's organization is the case's: joined once, not twice. Each joined table adds
    # to PostgreSQL's planning (0.7 ms for this query with five joins, 0.5 with three).
    if case.site.organization_id == case.organization_id:
        case.site.organization = case.organization
    return case


def _case_page_read(ph: Mapping[str, Any]) -> list[Any]:
    cases = Case.objects.filter(organization_id__in=ph["organization"], pk=ph["case"])
    return [cases.select_related("site", "organization", "assignee")]


def _promises_read(ph: Mapping[str, Any]) -> list[Any]:
    return [Promise.objects.filter(case_id=ph["case"])]


def _with_promises(case: Case) -> None:
    """The case's promises read and kept as `prefetch_related("promises")` keeps them
    (`case.promises.all()` then asks nothing), each holding its case."""
    (promises,) = prepared_or_built(
        ("case promises",), _promises_read, {"case": case.pk}, scope="case"
    )
    keep_prefetched(case, "promises", promises)


def timeline(case: Case) -> list[TimelineEntry]:
    """The case's entries in order, each correction holding the entry it corrects.

    A correction corrects an entry of the same timeline, so that entry is taken from the
    list rather than joined again for every row. Read from a statement compiled once
    (`prepared_reads`), for a case already found among the user's."""
    (entries,) = prepared_or_built(("timeline",), _timeline_read, {"case": case.pk}, scope="case")
    by_pk = {entry.pk: entry for entry in entries}
    for entry in entries:
        TimelineEntry.case.field.set_cached_value(entry, case)
        if entry.corrects_id in by_pk:
            entry.corrects = by_pk[entry.corrects_id]
    return entries


def _timeline_read(ph: Mapping[str, Any]) -> list[Any]:
    return [
        TimelineEntry.objects.filter(case_id=ph["case"])
        .select_related("author")
        .order_by("at", "id")
    ]


# The dashboard's site picker lists at most this many sites by name (and the chosen one);
# past that, the site page's own "cases" list is the way in.
SITE_CHOICES_MAX = 300


def site_choices(user: AnyUser, chosen: int | None = None) -> list[tuple[int, str]]:
    """The user's sites as (id, name) for a picker, by name; the chosen one always in it."""
    ids = organization_ids(user)

    def build(ph: Mapping[str, Any]) -> list[Any]:
        mine = Site.objects.filter(organization_id__in=ph["organization"]).order_by("name", "id")
        return [mine.values("pk", "name")[:SITE_CHOICES_MAX]]

    (read,) = prepared_or_built(("site choices",), build, {"organization": ids})
    listed = [(row["pk"], row["name"]) for row in read]
    if chosen is not None and all(pk != chosen for pk, _name in listed):
        sites = Site.objects.filter(organization_id__in=ids, pk=chosen)
        listed += list(sites.values_list("pk", "name"))
    return listed


def party_choices(directories: Mapping[int, Directory], lang: str) -> list[tuple[str, str]]:
    """The parties of the user's organizations (the catalog and their own; `directories_of`)
    as (slug, name) in `lang`, by name: the dashboard's party picker."""
    names: dict[str, str] = {}
    for directory in directories.values():
        for slug, party in directory.items():
            names[slug] = party.name_en if lang == "en" and party.name_en else party.name
    return sorted(names.items(), key=lambda item: (item[1].casefold(), item[0]))
