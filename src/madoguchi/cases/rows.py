"""The desk's lists (dashboard, all cases) as plain rows, paged and counted cheaply.

Why not models: the dashboard shows up to sixty rows (overdue promises, promises due soon,
open cases), and building a promise, its case, the case's site and assignee as model
instances for each cost more than the queries themselves (about 5 ms a dashboard). So a list
reads only the columns its rows show, as `.values()`, into the small frozen rows below.
Why no COUNT(*): counting every match of a list or a search was 40 ms at 10⁶ cases on
PostgreSQL; pages are taken without one and the counts are capped ("1,000+").
bench/README.md has the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet

from madoguchi.cases.desks import promise_call
from madoguchi.cases.models import Case, Promise, Status
from madoguchi.cases.names import case_name
from madoguchi.engine import model as engine
from madoguchi.engine.dialling import DeskCall
from madoguchi.server.links import url_maker

# Each row field, and the column (path from the case or promise) it is read from.
CASE_COLUMNS = {
    "pk": "id",
    "ref": "ref",
    "title": "title",
    "status": "status",
    "waiting_on": "waiting_on",
    "finding_holder": "finding_holder",
    "site_name": "site__name",
    "assignee_name": "assignee__username",
    "created": "created",
    "outage_started": "outage_started",
    "services": "services",
}
PROMISE_COLUMNS = {
    "pk": "id",
    "by": "by",
    "what": "what",
    "amount_yen": "amount_yen",
    "due": "due",
    "organization_id": "organization_id",
}


@dataclass(frozen=True, slots=True)
class CaseRow:
    pk: int
    ref: str
    title: str
    status: str
    waiting_on: str
    finding_holder: bool
    site_name: str
    assignee_name: str | None
    created: dt.datetime
    outage_started: dt.datetime | None
    services: list[str]
    url: str

    def __str__(self) -> str:
        return case_name(self.title, self.services, self.outage_started)

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True, slots=True)
class PromiseRow:
    pk: int
    by: str
    what: str
    amount_yen: int | None
    due: dt.datetime
    organization_id: int
    case: CaseRow
    # The desk to ask about the promise and the number to dial for it from a mobile
    # (`with_calls`); None until then.
    call: DeskCall | None = None


def case_rows(cases: QuerySet[Case]) -> QuerySet[Case, dict[str, Any]]:
    """The columns of CaseRow, still lazy (page them, then `as_case_rows`)."""
    return cases.values(*CASE_COLUMNS.values())


def promise_rows(promises: QuerySet[Promise]) -> QuerySet[Promise, dict[str, Any]]:
    """The columns of PromiseRow and its case's, still lazy (then `as_promise_rows`)."""
    case_paths = (f"case__{path}" for path in CASE_COLUMNS.values())
    return promises.values(*PROMISE_COLUMNS.values(), *case_paths)


def as_case_rows(values: Iterable[Mapping[str, Any]]) -> list[CaseRow]:
    case_url = url_maker("cases:detail")
    return [_case_row(row, case_url) for row in values]


def as_promise_rows(values: Iterable[Mapping[str, Any]]) -> list[PromiseRow]:
    case_url = url_maker("cases:detail")
    return [
        PromiseRow(
            **{name: row[path] for name, path in PROMISE_COLUMNS.items()},
            case=_case_row(row, case_url, prefix="case__"),
        )
        for row in values
    ]


def _case_row(row: Mapping[str, Any], case_url: Callable[[int], str], prefix: str = "") -> CaseRow:
    fields = {name: row[prefix + path] for name, path in CASE_COLUMNS.items()}
    return CaseRow(**fields, url=case_url(fields["pk"]))


def with_calls(
    promises: list[PromiseRow], directories: Mapping[int, Mapping[str, engine.Party]], lang: str
) -> list[PromiseRow]:
    """The rows with the desk of the party to call and its number, from the organizations'
    directories already read (cached): no query per row."""
    calls = (
        promise_call(lang, directories.get(row.organization_id, {}), row.by, row.what)
        for row in promises
    )
    return [replace(row, call=call) for row, call in zip(promises, calls, strict=True)]


def page_without_count(rows: QuerySet, number: int, size: int) -> tuple[list[Any], bool]:
    """One page and whether there is another: one row more than the page, no COUNT(*)."""
    start = (max(number, 1) - 1) * size
    items = list(rows[start : start + size + 1])
    return items[:size], len(items) > size


COUNT_CAP = 1000


def capped_counts(*querysets: QuerySet, cap: int = COUNT_CAP) -> list[str]:
    """'1,000+' instead of counting ten thousand rows: the database stops at cap + 1.

    All the counts come back from one statement, one round trip for the dashboard's two;
    the ORM can count a sliced queryset but only one per query, hence the raw SELECT of
    the querysets' own SQL (`capped_counts_sql`).
    """
    with connection.cursor() as cursor:
        cursor.execute(*capped_counts_sql(*querysets, cap=cap))
        counts = cursor.fetchone()
    return capped_labels(counts, cap)


def capped_counts_sql(*querysets: QuerySet, cap: int = COUNT_CAP) -> tuple[str, list[Any]]:
    """The one statement of `capped_counts` and its parameters."""
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
    return "SELECT " + ", ".join(parts), params


def capped_labels(counts: Iterable[int], cap: int = COUNT_CAP) -> list[str]:
    return [capped_label(count, cap) for count in counts]


def capped_label(count: int, cap: int = COUNT_CAP) -> str:
    """A count as the lists show it: '1,000+' above the cap."""
    return f"{cap:,}+" if count > cap else f"{count:,}"
