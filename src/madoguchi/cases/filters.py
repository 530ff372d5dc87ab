"""One filter for every list of cases: the dashboard, the all-cases page and
`GET /api/v1/cases` take the same parameters with the same meaning, so a case found on the
web is found through the API with the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any, Literal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import Col, RawSQL
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from madoguchi.cases.models import Case, Promise, Status
from madoguchi.cases.search import search_cases
from madoguchi.directory.selectors import party_slugs_named
from madoguchi.orgs.selectors import organizations_for
from madoguchi.orgs.types import AnyUser

MAX_ID = 2**63 - 1  # the largest id the database holds (larger ones match nothing anyway)


class CaseFilter(BaseModel):
    """What a list of cases is narrowed by; every field empty: no narrowing."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    # The slugs `party` stands for, per user: a dashboard narrows three lists by them.
    _slugs: dict[int | None, frozenset[str]] = PrivateAttr(default_factory=dict)

    status: Status | Literal[""] = Field("", description="the case's status")
    site: int | None = Field(None, ge=1, le=MAX_ID, description="the site's id")
    party: str = Field(
        "",
        max_length=80,
        description="a party the case (or a promise) is first with or waits on: its slug, "
        "name, English name or a name people use for it (ドコモ, ソネット)",
    )
    assignee: str = Field("", max_length=20, description="a user id, or me")
    q: str = Field(
        "",
        max_length=200,
        description="a reference number, words of a title or site name, or the name of a "
        "party the case is with",
    )

    @field_validator("site", mode="before")
    @classmethod
    def _empty_site_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator("party", "q")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> CaseFilter:
        """The filter of a page's query string; a malformed value is left out (a hand-edited
        URL shows the list without it rather than an error page)."""
        data = {name: query.get(name, "") for name in cls.model_fields}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                data.pop(str(error["loc"][0]), None)
            return cls.model_validate(data)

    def assignee_id(self, user: AnyUser) -> int | None:
        """The assignee asked for: None for anyone; "me", a user id, else nobody (-1)."""
        if not self.assignee:
            return None
        if self.assignee == "me":
            return user.pk if user.pk is not None else -1
        if self.assignee.isascii() and self.assignee.isdigit() and int(self.assignee) <= MAX_ID:
            return int(self.assignee)
        return -1

    def cases(
        self,
        cases: QuerySet[Case],
        user: AnyUser,
        *,
        first: int | None = None,
        counting: bool = False,
    ) -> QuerySet[Case]:
        """`cases` narrowed by every field, `q` through `search_cases`. `first`: the caller
        reads no more than the first `first` of them, oldest first; `counting`: the caller
        only counts them (see `with_parties`)."""
        cases = self._narrow(cases, user, prefix="")
        if self.status:
            cases = cases.filter(status=self.status)
        if self.party:  # after the other fields: each side of the party match carries them
            # A search narrows the party's cases afterwards: all of them, then.
            first, counting = (None, False) if self.q else (first, counting)
            cases = with_parties(
                cases, self.party_slugs(user), user, first=first, counting=counting
            )
        if self.q:
            named = party_slugs_named(organizations_for(user), self.q)
            cases = search_cases(cases, self.q, parties=named)
        return cases

    def promises(self, promises: QuerySet[Promise], user: AnyUser) -> QuerySet[Promise]:
        """Promises of active cases (the dashboard's lists) whose case the filter keeps (by
        assignee, site, party and status; the party that promised counts as well). `q`
        narrows the lists of cases only."""
        promises = self._narrow(promises, user, prefix="case__")
        if self.status:
            promises = promises.filter(case__status=self.status)
        if self.party:
            promises = with_parties(promises, self.party_slugs(user), user)
        return promises

    def awaited_of_party(
        self, promises: QuerySet[Promise], user: AnyUser, now: dt.datetime
    ) -> list[tuple[int, bool]]:
        """(id, overdue at `now`) of the `promises` the filter keeps, soonest due first: the
        filter has a party (see `party_promise_ids`)."""
        promises = self._narrow(promises, user, prefix="case__")
        if self.status:
            promises = promises.filter(case__status=self.status)
        return party_promise_ids(promises, self.party_slugs(user), user, now)

    def _narrow(self, rows: QuerySet, user: AnyUser, *, prefix: str) -> QuerySet:
        if (assignee := self.assignee_id(user)) is not None:
            rows = rows.filter(**{f"{prefix}assignee_id": assignee})
        if self.site is not None:
            rows = rows.filter(**{f"{prefix}site_id": self.site})
        return rows

    def party_slugs(self, user: AnyUser) -> frozenset[str]:
        """The slugs `party` stands for: itself, and every party it names (ドコモ →
        docomo-hikari), resolved once per user so the rows are filtered by their indexed
        slugs."""
        if user.pk not in self._slugs:
            named = party_slugs_named(organizations_for(user), self.party)
            self._slugs[user.pk] = frozenset({self.party} | named)
        return self._slugs[user.pk]


def with_parties[M: (Case, Promise)](
    rows: QuerySet[M],
    slugs: Collection[str],
    user: AnyUser,
    *,
    first: int | None = None,
    counting: bool = False,
) -> QuerySet[M]:
    """The rows a party filter keeps, of the user's organizations: cases first with or
    waiting on one of `slugs`; promises (of active cases: the dashboard's lists) whose case
    is such a case, or made by one of them. Order and page the result as usual. With
    `first`, only the first `first` rows in the dashboard's order (cases by `created`,
    promises by `due`, then id) are kept: pass the end of the page the caller will read.
    With `counting`, the result is the union of the matching ids itself, to be counted or
    sliced only (`rows.capped_counts`): no row of the table is read.

    Why not `Q(first_party__in=…) | Q(waiting_on__in=…)`, which says the same: no index
    answers an OR of two columns, so the database walked the desk's rows in their order and
    read each case to test it. A case row keeps a few kilobytes of assessment JSON before
    those columns, so every test reads overflow pages: for a party with few or no open cases
    the walk read every open case (270 ms for the open cases, 40–90 ms for the overdue count
    at 10⁶ cases on SQLite; bench/README.md). Here each side of the OR is its own query on
    its own index (migrations 0017 and 0018: open cases by first party and by the party
    waited on, with their age; awaited promises by who made them and by case), and the rows
    are the union of their ids, so the cost follows the matches, not the size of the desk.
    The sides carry every other condition of `rows` (the organization included), so the
    outer query tests nothing but the id. One `IN (… UNION …)` rather than an OR of `IN`s:
    PostgreSQL turns the union into a semi-join, an OR of subqueries into a scan.

    Why `first`: for a common party (~2,900 open cases of a desk at 10⁶) the outer query
    still read every matching row just to sort them and keep a page. With `first`, the
    sides give their (id, sort column) pairs from their indexes and the union of the pairs
    is sorted and cut at `first` before any row is read, so a page reads a page of rows.
    The cut is made on the union, not inside each side: SQLite cannot limit a member of a
    compound SELECT, and a side ordered and limited on its own was planned as a walk of the
    organization's cases by age (500 ms for a sparse party). Django cannot order a union
    by one of its columns inside `IN`, hence the union's own SQL wrapped in `RawSQL`.
    Why `counting`: a count needs the ids only, and looking each one up in its table cost
    more than the union (capped count of a common party's open cases: 4.2 → 1.4 ms).
    """
    sides = _sides(rows, sorted(slugs), user)
    manager = rows.model._default_manager
    if first is None:
        one, *others = (side.order_by().values("pk") for side in sides)
        if counting:
            ids: QuerySet[Any] = one.union(*others)
            return ids
        # Scoped by its sides (each is `rows`, or the user's cases): an organization
        # condition here as well led PostgreSQL to read every row of the organization and
        # hash-join the ids (15 ms at 10⁵ cases and growing with the desk) instead of
        # fetching the ids' rows.
        return manager.filter(pk__in=one.union(*others))
    key = "created" if rows.model is Case else "due"
    head, *rest = (side.order_by().values("pk", key) for side in sides)
    try:
        compiled: tuple[str, tuple[Any, ...]] = head.union(*rest).query.sql_with_params()
    except EmptyResultSet:  # e.g. a user without organizations
        return rows.none()
    window = f'SELECT "pk" FROM ({compiled[0]}) party_sides ORDER BY "{key}", "pk" LIMIT %s'
    return manager.filter(pk__in=RawSQL(window, (*compiled[1], first)))


def _by_case(promises: QuerySet[Promise]) -> QuerySet[Promise]:
    """`promises` without their own organization condition, for the side that takes them by
    case: the cases are the user's (`Case.objects.for_user`), so are their promises. With the
    condition SQLite read each promise row to test it, and for the promises due soon it
    walked the organization's promises of the day by due instead (9 → 2.5 ms for a common
    party, 6 → 0.02 ms for a sparse one at 10⁶ cases)."""
    side = promises.all()
    where = side.query.where
    table = side.model._meta.db_table
    if where.connector != "AND" or where.negated:  # its conditions are not all required
        return side

    def own_organization(child: Any) -> bool:
        lhs = getattr(child, "lhs", None)
        return (
            isinstance(lhs, Col) and lhs.alias == table and lhs.target.column == "organization_id"
        )

    where.children = [child for child in where.children if not own_organization(child)]
    return side


def party_promise_ids(
    promises: QuerySet[Promise], slugs: Collection[str], user: AnyUser, now: dt.datetime
) -> list[tuple[int, bool]]:
    """(id, overdue at `now`) of the `promises` whose case is first with or waiting on one
    of `slugs`, or made by one of them, soonest due first: pass the dashboard's awaited
    promises up to the end of its due-soon window.

    Why: the dashboard shows a party's overdue promises (a page and their count) and those
    due soon, three reads of the same sides (`with_parties`), each taking every promise of
    the party's ~2,900 open cases from the by-case index (5–6 ms each at 10⁶ cases on
    SQLite). Here the sides are read once, as (id, is it overdue) pairs without converting
    a date (2,300 pairs for a common party: 5 ms); the caller counts, pages and splits them
    and reads the rows of the page only.
    """
    one, *others = (
        side.order_by().values("pk", "due") for side in _sides(promises, sorted(slugs), user)
    )
    try:
        sql, params = one.union(*others).query.sql_with_params()
    except EmptyResultSet:  # e.g. a user without organizations
        return []
    moment = connection.ops.adapt_datetimefield_value(now)
    pairs = f'SELECT "pk", "due" < %s FROM ({sql}) party_sides ORDER BY "due", "pk"'
    with connection.cursor() as cursor:
        cursor.execute(pairs, (moment, *params))
        return [(pk, bool(late)) for pk, late in cursor.fetchall()]


def _sides[M: (Case, Promise)](
    rows: QuerySet[M], slugs: list[str], user: AnyUser
) -> list[QuerySet[M]]:
    """The sides of a party filter (`with_parties`), each on its own index."""
    matching: QuerySet[Any] = rows  # the same code for both models
    if rows.model is Case:
        return [matching.filter(first_party__in=slugs), matching.filter(waiting_on__in=slugs)]
    cases = Case.objects.for_user(user).active().order_by().values("pk")
    cases = cases.filter(first_party__in=slugs).union(cases.filter(waiting_on__in=slugs))
    return [matching.filter(by__in=slugs), _by_case(matching).filter(case__in=cases)]
