"""Reads for the dashboard and the case page, each a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q, QuerySet

from madoguchi.cases.models import Case, Promise, Status, TimelineEntry
from madoguchi.server.links import url_maker
from madoguchi.sites.models import Site

DUE_SOON = dt.timedelta(hours=24)


def filtered(queryset: QuerySet, filters: dict[str, Any], *, case_prefix: str = "") -> QuerySet:
    """Apply the dashboard filters (assignee, party, site) to cases or promises."""
    p = case_prefix
    if assignee := filters.get("assignee"):
        queryset = queryset.filter(**{f"{p}assignee_id": assignee})
    if site := filters.get("site"):
        queryset = queryset.filter(**{f"{p}site_id": site})
    if party := filters.get("party"):
        party_match = Q(**{f"{p}first_party": party}) | Q(**{f"{p}waiting_on": party})
        if p:  # promises: the party that promised counts too
            party_match |= Q(by=party)
        queryset = queryset.filter(party_match)
    return queryset


def overdue_promises(user: Any, now: dt.datetime, filters: dict[str, Any]) -> QuerySet[Promise]:
    rows = Promise.objects.for_user(user).of_active_cases().overdue(now)
    return filtered(rows, filters, case_prefix="case__").order_by("due", "id")


def promises_due_soon(user: Any, now: dt.datetime, filters: dict[str, Any]) -> QuerySet[Promise]:
    rows = Promise.objects.for_user(user).of_active_cases().open()
    rows = rows.filter(due__gte=now, due__lt=now + DUE_SOON)
    return filtered(rows, filters, case_prefix="case__").order_by("due", "id")


def open_cases(user: Any, filters: dict[str, Any]) -> QuerySet[Case]:
    rows = filtered(Case.objects.for_user(user).active(), filters)
    return rows.order_by("created", "id")


# The dashboard's rows are read as plain values: it shows sixty rows a page, and building a
# promise, its case, the case's site and assignee as models for each cost more than the
# queries themselves.
CASE_ROW_PATHS = (
    "id",
    "ref",
    "title",
    "status",
    "waiting_on",
    "site__name",
    "assignee__username",
    "created",
    "outage_started",
)
PROMISE_ROW_PATHS = ("id", "by", "what", "amount_yen", "due")


@dataclass(frozen=True, slots=True)
class CaseRow:
    pk: int
    ref: str
    title: str
    status: str
    waiting_on: str
    site_name: str
    assignee_name: str | None
    created: dt.datetime
    outage_started: dt.datetime | None
    url: str

    def __str__(self) -> str:
        return self.title or self.ref

    @property
    def status_label(self) -> str:
        return Status(self.status).label


@dataclass(frozen=True, slots=True)
class PromiseRow:
    pk: int
    by: str
    what: str
    amount_yen: int | None
    due: dt.datetime
    case: CaseRow


def case_rows(cases: QuerySet[Case]) -> QuerySet:
    """The cases as CaseRow values, still lazy (page them, then `as_case_rows`)."""
    return cases.values_list(*CASE_ROW_PATHS)


def promise_rows(promises: QuerySet[Promise]) -> QuerySet:
    """The promises as PromiseRow values, still lazy (page them, then `as_promise_rows`)."""
    return promises.values_list(*PROMISE_ROW_PATHS, *(f"case__{path}" for path in CASE_ROW_PATHS))


def as_case_rows(values: list[tuple]) -> list[CaseRow]:
    case_url = url_maker("cases:detail")
    return [CaseRow(*row, url=case_url(row[0])) for row in values]


def as_promise_rows(values: list[tuple]) -> list[PromiseRow]:
    split = len(PROMISE_ROW_PATHS)
    case_url = url_maker("cases:detail")
    return [
        PromiseRow(*row[:split], case=CaseRow(*row[split:], url=case_url(row[split])))
        for row in values
    ]


SEARCH_CANDIDATES = 1000
# A word found this often among the newest cases (here 1 in 22 or more) fills a page by
# walking them: the walk is then the cheap path, and the trigram index (which collects every
# match before any LIMIT) the expensive one. The sample costs a lookup per case: 500 took
# 4 ms at 10⁶ cases on PostgreSQL, 200 about half of that.
SAMPLE_NEWEST = 200
SAMPLE_HITS = 9


def search(cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """Cases whose ref or a reference number equals `query`; when none does, cases whose
    title or site name contains it.

    Each step is shaped for an index. Reference numbers (what people read out on the phone)
    take two exact lookups alone. For words, a sample of the newest cases tells common from
    rare: a common word walks the newest cases, where matches come quickly; a rare one
    collects candidate ids through a trigram index (pg_trgm on PostgreSQL, FTS5 on SQLite)
    and pages through those few cases.
    """
    query = query.strip()
    # Only the entries of `cases` (the user's organizations): another organization's numbers
    # must neither match nor turn the search away from titles, or they could be probed.
    scoped = TimelineEntry.objects.filter(reference=query, case__in=cases.order_by().values("pk"))
    ids = set(scoped.values_list("case_id", flat=True)[:200])
    ids |= set(cases.filter(ref=query).values_list("id", flat=True)[:200])
    if ids:
        return cases.filter(pk__in=ids)
    contains = Q(title__icontains=query) | Q(site__name__icontains=query)
    newest_first_walk = cases.filter(contains)
    if _common_among_newest(cases, contains):
        return newest_first_walk
    limit = SEARCH_CANDIDATES + 1
    candidates = _trigram_candidates(cases, query, limit)
    if candidates is None:
        return newest_first_walk
    by_title, by_site = candidates
    if len(by_title) < limit and len(by_site) < limit:
        return cases.filter(Q(pk__in=by_title) | Q(site_id__in=by_site))
    return newest_first_walk


def _common_among_newest(cases: QuerySet[Case], contains: Q) -> bool:
    newest = cases.order_by("-created", "-id").values("id")[:SAMPLE_NEWEST]
    hits = cases.filter(pk__in=newest).filter(contains).order_by()[:SAMPLE_HITS]
    return hits.count() >= SAMPLE_HITS


def _trigram_candidates(
    cases: QuerySet[Case], query: str, limit: int
) -> tuple[list[int], list[int]] | None:
    """Case and site ids whose title or name contains `query`, found through a trigram
    index (pg_trgm on PostgreSQL, FTS5 on SQLite); None where no such index can answer."""
    if connection.vendor == "postgresql":
        by_title = list(cases.filter(title__icontains=query).values_list("id", flat=True)[:limit])
        by_site = list(
            Site.objects.filter(name__icontains=query).values_list("id", flat=True)[:limit]
        )
        return by_title, by_site
    if connection.vendor != "sqlite" or len(query) < 3 or not _sqlite_fts_ready():
        return None
    phrase = '"' + query.replace('"', '""') + '"'
    with connection.cursor() as cursor:
        found = []
        for fts in ("cases_case_fts", "sites_site_fts"):
            cursor.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s", [phrase, limit]
            )
            found.append([row[0] for row in cursor.fetchall()])
    return found[0], found[1]


def _sqlite_fts_ready() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'cases_case_fts'")
        return cursor.fetchone() is not None


COUNT_CAP = 1000


def capped_counts(*querysets: QuerySet, cap: int = COUNT_CAP) -> list[str]:
    """'1,000+' instead of counting ten thousand rows: the database stops at cap + 1.

    All the counts come back from one statement, one round trip for the dashboard's two.
    """
    parts: list[str] = []
    params: list[Any] = []
    for index, rows in enumerate(querysets):
        try:
            sql, row_params = rows.order_by().values("pk")[: cap + 1].query.sql_with_params()
        except EmptyResultSet:  # e.g. a user without organizations: nothing to count
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{index})")
        params.extend(row_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return [f"{cap:,}+" if count > cap else f"{count:,}" for count in counts]


def page_without_count(rows: QuerySet, number: int, size: int) -> tuple[list[Any], bool]:
    """One page and whether there is another, without COUNT(*) over a search."""
    start = (max(number, 1) - 1) * size
    items = list(rows[start : start + size + 1])
    return items[:size], len(items) > size


def case_for_page(user: Any, pk: int) -> Case:
    """The case with everything its page shows, or Case.DoesNotExist."""
    case = (
        Case.objects.for_user(user)
        .select_related("site", "organization", "assignee")
        .prefetch_related("promises")
        .get(pk=pk)
    )
    # The site's organization is the case's: joined once, not twice. Each joined table adds
    # to PostgreSQL's planning (0.7 ms for this query with five joins, 0.5 with three).
    if case.site.organization_id == case.organization_id:
        case.site.organization = case.organization
    return case


def timeline(case: Case) -> list[TimelineEntry]:
    """The case's entries in order, each correction holding the entry it corrects.

    A correction corrects an entry of the same timeline, so that entry is taken from the
    list rather than joined again for every row."""
    entries = list(case.entries.select_related("author").order_by("at", "id"))
    by_pk = {entry.pk: entry for entry in entries}
    for entry in entries:
        if entry.corrects_id in by_pk:
            entry.corrects = by_pk[entry.corrects_id]
    return entries
