"""One filter for every list of cases: the dashboard, the all-cases page and
`GET /api/v1/cases` take the same parameters with the same meaning, so a case found on the
web is found through the API with the same words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from madoguchi.cases.models import Case, Promise, Status
from madoguchi.cases.search import search_cases
from madoguchi.directory.selectors import Directory, directories_of, party_slugs_named
from madoguchi.orgs.selectors import organization_ids
from madoguchi.orgs.types import AnyUser
from madoguchi.server.expressions import AmongIds

MAX_ID = 2**63 - 1  # the largest id the database holds (larger ones match nothing anyway)


class CaseFilter(BaseModel):
    """What a list of cases is narrowed by; every field empty: no narrowing."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    # The slugs `party` stands for, per user: a dashboard narrows three lists by them.
    _slugs: dict[int | None, frozenset[str]] = PrivateAttr(default_factory=dict)
    # The user's directories, per user: the party's slugs, a search's and the page's
    # choice of parties read them (a filter lives for one request).
    _directories: dict[int | None, dict[int, Directory]] = PrivateAttr(default_factory=dict)

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
        newest: int | None = None,
        counting: bool = False,
    ) -> QuerySet[Case]:
        """`cases` (the user's: `Case.objects.for_user(user)`, maybe narrowed) narrowed by
        every field, `q` through `search_cases`. `first`: the caller reads no more than the
        first `first` of them, oldest first (`newest`: the first `newest`, newest first);
        `counting`: the caller only counts them (see `party_desk`)."""
        narrowed = self._narrow(cases, user, prefix="")
        if self.status:
            narrowed = narrowed.filter(status=self.status)
        found: QuerySet[Any]
        if not self.party:
            found = narrowed
        else:  # after the other fields: each side of the party match carries them
            # `narrowed` are the user's rows already: they stand for the sides' scoped rows.
            desk = party_desk(Case, user, self.party_slugs(user), lambda _user_rows: narrowed)
            if self.q:  # a search narrows the party's cases afterwards: all of them, then
                found = desk.rows()
            elif counting:
                return desk.ids()
            elif newest is not None:
                found = desk.first(newest, newest=True)
            else:
                found = desk.rows() if first is None else desk.first(first)
        if self.q:
            named = party_slugs_named(self.directories(user).values(), self.q)
            found = search_cases(found, self.q, parties=named, organizations=organization_ids(user))
        return found

    def promises(self, user: AnyUser, conditions: Conditions) -> QuerySet[Promise]:
        """The user's promises narrowed by `conditions` (e.g. awaited ones of active cases:
        the dashboard's lists; never the organization) whose case the filter keeps (by
        assignee, site, party and status; the party that promised counts as well). `q`
        narrows the lists of cases only."""
        narrowed = self._promise_conditions(user, conditions)
        if self.party:
            return party_desk(Promise, user, self.party_slugs(user), narrowed).rows()
        return narrowed(Promise.objects.for_user(user))

    def awaited_of_party(
        self, user: AnyUser, conditions: Conditions, now: dt.datetime
    ) -> list[tuple[int, bool]]:
        """(id, overdue at `now`) of the user's promises narrowed by `conditions` that the
        filter keeps, soonest due first: the filter has a party (`PartyDesk.awaited`)."""
        narrowed = self._promise_conditions(user, conditions)
        return party_desk(Promise, user, self.party_slugs(user), narrowed).awaited(now)

    def awaited_of_party_read(
        self, user: AnyUser, conditions: Conditions, now: dt.datetime
    ) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL of `awaited_of_party` and its parameters (`PartyDesk.awaited_read`)."""
        narrowed = self._promise_conditions(user, conditions)
        return party_desk(Promise, user, self.party_slugs(user), narrowed).awaited_read(now)

    def _promise_conditions(self, user: AnyUser, conditions: Conditions) -> Conditions:
        def narrowed(rows: QuerySet[Any]) -> QuerySet[Any]:
            rows = self._narrow(conditions(rows), user, prefix="case__")
            return rows.filter(case__status=self.status) if self.status else rows

        return narrowed

    def _narrow(self, rows: QuerySet, user: AnyUser, *, prefix: str) -> QuerySet:
        if (assignee := self.assignee_id(user)) is not None:
            rows = rows.filter(**{f"{prefix}assignee_id": assignee})
        if self.site is not None:
            rows = rows.filter(**{f"{prefix}site_id": self.site})
        return rows

    def directories(self, user: AnyUser) -> dict[int, Directory]:
        """The directory of each of the user's organizations (`directories_of`), read once
        per user for the filter's request."""
        if user.pk not in self._directories:
            self._directories[user.pk] = directories_of(user)
        return self._directories[user.pk]

    def party_slugs(self, user: AnyUser) -> frozenset[str]:
        """The slugs `party` stands for: itself, and every party it names (ドコモ →
        docomo-hikari), resolved once per user so the rows are filtered by their indexed
        slugs."""
        if user.pk not in self._slugs:
            named = party_slugs_named(self.directories(user).values(), self.party)
            self._slugs[user.pk] = frozenset({self.party} | named)
        return self._slugs[user.pk]


# Every condition of a list but the organization: applied to the user's rows (the sides
# that carry their organization) or to all rows (the promises taken by the user's cases).
Conditions = Callable[[Any], QuerySet[Any]]


def _all_rows(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows


@dataclass(frozen=True)
class PartyDesk:
    """The rows of a party filter as the desk reads them (see `party_desk`)."""

    model: type[Case] | type[Promise]
    sides: tuple[QuerySet[Any], ...]

    def rows(self) -> QuerySet[Any]:
        """Every matching row, to order and page as usual. Scoped by its sides (each is the
        user's rows, or promises of the user's cases): an organization condition here as well
        led PostgreSQL to read every row of the organization and hash-join the ids (15 ms at
        10⁵ cases and growing with the desk) instead of fetching the ids' rows."""
        return self.model._default_manager.filter(pk__in=self.ids())

    def ids(self) -> QuerySet[Any]:
        """The union of the matching ids itself, to count or slice (`rows.capped_counts`):
        no row of the table is read."""
        one, *others = (side.order_by().values("pk") for side in self.sides)
        union: QuerySet[Any] = one.union(*others)
        return union

    def first(self, first: int, *, newest: bool = False) -> QuerySet[Any]:
        """The first `first` matching rows in the desk's order (cases by `created`, promises
        by `due`, then id; `newest`: the other way, as the all-cases list shows them): cut on
        the union of the sides' (id, key) pairs before any row is read."""
        key = "created" if self.model is Case else "due"
        try:
            sql, params = self._union_of(key)
        except EmptyResultSet:  # e.g. a user without organizations
            return self.model._default_manager.none()
        way = " DESC" if newest else ""
        window = f'SELECT "pk" FROM ({sql}) party_sides ORDER BY "{key}"{way}, "pk"{way} LIMIT %s'
        return self.model._default_manager.filter(pk__in=RawSQL(window, (*params, first)))

    def awaited(self, now: dt.datetime) -> list[tuple[int, bool]]:
        """(id, overdue at `now`) of every matching promise, soonest due first, in one read
        (no date converted in Python)."""
        read = self.awaited_read(now)
        if read is None:  # e.g. a user without organizations
            return []
        with connection.cursor() as cursor:
            cursor.execute(*read)
            return awaited_pairs(cursor.fetchall())

    def awaited_read(self, now: dt.datetime) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL of `awaited` and its parameters (rows: `awaited_pairs`); None when
        nothing can match."""
        try:
            sql, params = self._union_of("due")
        except EmptyResultSet:
            return None
        moment = connection.ops.adapt_datetimefield_value(now)
        pairs = f'SELECT "pk", "due" < %s FROM ({sql}) party_sides ORDER BY "due", "pk"'
        return pairs, (moment, *params)

    def _union_of(self, key: str) -> tuple[str, tuple[Any, ...]]:
        head, *rest = (side.order_by().values("pk", key) for side in self.sides)
        compiled: tuple[str, tuple[Any, ...]] = head.union(*rest).query.sql_with_params()
        return compiled


def awaited_pairs(rows: list[tuple[Any, Any]]) -> list[tuple[int, bool]]:
    """`PartyDesk.awaited`'s rows as (id, overdue): SQLite says 0/1, PostgreSQL a boolean."""
    return [(pk, bool(late)) for pk, late in rows]


def party_desk(
    model: type[Case] | type[Promise],
    user: AnyUser,
    slugs: Collection[str],
    conditions: Conditions = _all_rows,
) -> PartyDesk:
    """The user's cases first with or waiting on one of `slugs`, or their promises (of
    active cases: the dashboard's lists) whose case is such a case or made by one of them,
    narrowed by `conditions` (every other condition of the list, never the organization:
    this function scopes the rows). Read them through the answer: `rows()` to order and
    page, `first(n)` for the first rows of the desk's order, `ids()` to count,
    `awaited(now)` for the dashboard's promise lists in one read.

    This is the desk's one piece of speed machinery for a party; why it is built this way,
    each measured at 10⁶ cases on SQLite (bench/README.md):

    - Why not `Q(first_party__in=…) | Q(waiting_on__in=…)`, which says the same: no index
      answers an OR of two columns, so the database walked the desk's rows in their order
      and read each case to test it, past its few kilobytes of assessment JSON (270 ms for a
      party with few open cases). Here each side of the OR is its own query on its own index
      (migrations 0017 and 0018: open cases by first party and by the party waited on, with
      their age; awaited promises by who made them and by case), and the rows are the union
      of their ids, so the cost follows the matches, not the size of the desk. One
      `IN (… UNION …)` rather than an OR of `IN`s: PostgreSQL turns the union into a
      semi-join, an OR of subqueries into a scan.
    - Why the promises taken by case are built without an organization condition: their
      cases are the user's (`Case.objects.for_user`), so are the promises. With the
      condition SQLite read each promise row to test it, and for the promises due soon it
      walked the organization's promises of the day by due instead of the by-case index
      (9 → 2.5 ms for a common party, 6 → 0.02 ms for a sparse one). Every other side is
      built from the user's rows. PostgreSQL reads them through an array (`AmongIds` says
      why).
    - Why `first`: for a common party (~2,900 open cases of a desk) reading every match to
      sort it and keep a page cost 8 ms; the union of the sides' (id, key) pairs is sorted
      and cut before any row is read. The cut is on the union, not inside each side: SQLite
      cannot limit a member of a compound SELECT, and a side ordered and limited on its own
      was planned as a walk of the organization's cases by age (500 ms for a sparse party).
      Django cannot order a union by one of its columns inside `IN`, hence the union's own
      SQL wrapped in `RawSQL`.
    - Why `ids`: a count needs the ids only; looking each one up cost more than the union
      (4.2 → 1.4 ms). Why `awaited`: the overdue page, its count and the due-soon list read
      the same sides three times (5–6 ms each); one read of (id, is it overdue) pairs serves
      all three.
    """
    ordered = sorted(slugs)
    scoped = conditions(model._default_manager.for_user(user))
    if model is Case:
        return PartyDesk(
            model, (scoped.filter(first_party__in=ordered), scoped.filter(waiting_on__in=ordered))
        )
    cases = Case.objects.for_user(user).active().order_by().values("pk")
    cases = cases.filter(first_party__in=ordered).union(cases.filter(waiting_on__in=ordered))
    by_case = conditions(model._default_manager.all()).filter(AmongIds("case_id", cases))
    return PartyDesk(model, (scoped.filter(by__in=ordered), by_case))
