"""Reads of receivables. What a receivable stands at is decided here, once, in the database:
`with_sums` annotates every row with what was received and deducted (subqueries over the
payments, so a page of rows is one query) and its `state`; `standing` turns such a row into
what a page says (days late or overdue, the shortfall, whether the bank fee explains it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from madoguchi.agents.models import Agent
from madoguchi.engine.model import TOKYO
from madoguchi.orgs.selectors import organization_ids
from madoguchi.orgs.types import AnyUser
from madoguchi.receivables.models import Deduction, DeductionKind, Payment, Receivable
from madoguchi.server.prepared import prepared_reads

# The states, as stored in the `state` annotation.
PAID = "paid"  # in full, on or before the due date
LATE = "late"  # in full, after the due date
SHORT = "short"  # something came, less than promised
UNPAID = "unpaid"  # nothing came, the due date has passed
NOT_DUE = "not-due"  # nothing came yet, the due date has not passed
STATES = (PAID, LATE, SHORT, UNPAID, NOT_DUE)


def today() -> dt.date:
    """The day in Japan: a receivable due today is not overdue until tomorrow there."""
    return timezone.now().astimezone(TOKYO).date()


def _sum(rows: QuerySet[Any], group: str, field: str) -> Coalesce:
    total = rows.order_by().values(group).annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


# Rows of `with_sums`: Receivables with the annotations below (filter and order by them).
Annotated = QuerySet[Any]


def with_sums(rows: QuerySet[Receivable], on: dt.date) -> Annotated:
    """The receivables with `received`, `fee_deducted`, `other_deducted`, `last_paid_on`,
    `open_yen`, `state` and `overdue` (open and past due on `on`), all computed by the
    database."""
    payments = Payment.objects.filter(receivable=OuterRef("pk"))
    deductions = Deduction.objects.filter(payment__receivable=OuterRef("pk"))
    last = payments.order_by("-paid_on").values("paid_on")[:1]
    full = Q(received__gte=F("amount_yen"))
    return rows.annotate(
        received=_sum(payments, "receivable", "amount_yen"),
        fee_deducted=_sum(
            deductions.filter(kind=DeductionKind.BANK_FEE), "payment__receivable", "amount_yen"
        ),
        other_deducted=_sum(
            deductions.exclude(kind=DeductionKind.BANK_FEE), "payment__receivable", "amount_yen"
        ),
        last_paid_on=Subquery(last, output_field=DateField()),
    ).annotate(
        open_yen=Case(
            When(received__lt=F("amount_yen"), then=F("amount_yen") - F("received")),
            default=Value(0),
            output_field=IntegerField(),
        ),
        state=Case(
            When(full & Q(last_paid_on__gt=F("due")), then=Value(LATE)),
            When(full, then=Value(PAID)),
            When(received__gt=0, then=Value(SHORT)),
            When(due__lt=on, then=Value(UNPAID)),
            default=Value(NOT_DUE),
        ),
        overdue=Case(
            When(Q(received__lt=F("amount_yen")) & Q(due__lt=on), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        # By the dates alone: money that came after the due date came late, whether it
        # settled the amount or fell short of it.
        came_late=Case(
            When(last_paid_on__gt=F("due"), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


@dataclass(frozen=True)
class Standing:
    """What a page says about one receivable (from a `with_sums` row)."""

    state: str
    promised: int
    received: int
    fee_deducted: int
    other_deducted: int
    open_yen: int
    over_yen: int  # paid more than promised
    days_late: int  # the last money came this many days after the due date (full or short)
    days_overdue: int  # open this many days after the due date
    fee_explains: bool  # the shortfall is exactly the bank fee the payer deducted

    @property
    def deducted(self) -> int:
        return self.fee_deducted + self.other_deducted


def standing(row: Receivable, on: dt.date) -> Standing:
    state: str = row.state  # type: ignore[attr-defined]
    received: int = row.received  # type: ignore[attr-defined]
    fee: int = row.fee_deducted  # type: ignore[attr-defined]
    last: dt.date | None = row.last_paid_on  # type: ignore[attr-defined]
    open_yen: int = row.open_yen  # type: ignore[attr-defined]
    return Standing(
        state=state,
        promised=row.amount_yen,
        received=received,
        fee_deducted=fee,
        other_deducted=row.other_deducted,  # type: ignore[attr-defined]
        open_yen=open_yen,
        over_yen=max(received - row.amount_yen, 0),
        days_late=(last - row.due).days if last and last > row.due else 0,
        days_overdue=(on - row.due).days if open_yen and row.due < on else 0,
        fee_explains=state == SHORT and fee > 0 and open_yen == fee,
    )


def receivables_for(user: AnyUser, on: dt.date) -> Annotated:
    """The user's organizations' receivables, with their sums."""
    return with_sums(Receivable.objects.for_user(user), on).select_related(
        "agent", "site", "case", "request"
    )


def open_receivables(user: AnyUser, on: dt.date, agent: Agent | None = None) -> Annotated:
    """Receivables with money still open, overdue first (longest overdue first), then by due
    date."""
    rows = receivables_for(user, on).filter(open_yen__gt=0)
    if agent is not None:
        rows = rows.filter(agent=agent)
    return rows.order_by("-overdue", "due", "pk")


def user_receivable(user: AnyUser, pk: int, on: dt.date) -> Receivable:
    """One receivable of the user's organizations, with its sums (DoesNotExist otherwise)."""
    return receivables_for(user, on).get(pk=pk)


def user_agent(user: AnyUser, pk: int) -> Agent:
    return Agent.objects.for_user(user).get(pk=pk)


def totals(rows: QuerySet[Receivable], on: dt.date) -> dict[str, int]:
    """Counts and sums by state over `rows`, in one query: the dashboard's panel and an
    agent's record."""
    answer = with_sums(rows.order_by(), on).aggregate(**_aggregates())
    # The on-time record: of the receivables that were due (or settled), how many were paid
    # in full by their date.
    answer["judged"] = answer["all"] - answer["not_due"]
    return answer


def _aggregates() -> dict[str, Any]:
    """What `totals` sums up, by name, in the order of the statement's columns."""

    def count(state: str) -> Count:
        return Count("pk", filter=Q(state=state))

    def total(field: str, state: str) -> Coalesce:
        return Coalesce(Sum(field, filter=Q(state=state)), Value(0))

    return {
        "all": Count("pk"),
        "paid": count(PAID),
        # A payment that came after its date is late whether or not it was also short.
        "late": Count("pk", filter=Q(came_late=1)),
        "short": count(SHORT),
        "unpaid": count(UNPAID),
        "not_due": count(NOT_DUE),
        "late_yen": total("amount_yen", LATE),
        "short_yen": total("open_yen", SHORT),
        "short_fee_yen": total("fee_deducted", SHORT),
        "unpaid_yen": total("open_yen", UNPAID),
        "open_total": Coalesce(Sum("open_yen"), Value(0)),
        "overdue_total": Coalesce(Sum("open_yen", filter=Q(overdue=1)), Value(0)),
    }


# `_aggregates`' names, in the statement's order: the prepared read's columns (building the
# twelve expressions only for their names was ~0.3 ms of every desk panel).
_AGGREGATE_NAMES = tuple(_aggregates())


def organization_totals(organization_ids: list[int], on: dt.date) -> dict[str, int]:
    """`totals` of the organizations' receivables (the desk's panel), from a statement
    compiled once per process and database (`server.prepared.prepared_reads`).

    Why: the panel's query is one indexed read (0.1 ms of SQL), but building it through the
    ORM (four subqueries, three CASEs, twelve aggregates) cost ~15 ms of Python on every
    dashboard, a quarter of the page's CPU (issue 26); it only varies by the organization
    ids and the day."""
    if not organization_ids:
        return totals(Receivable.objects.none(), on)
    read = prepared_reads(
        ("receivables-totals",), _totals_statement, {"organization": organization_ids, "on": on}
    )
    if read is None:  # the placeholders could not be told apart: build it as usual
        return totals(Receivable.objects.filter(organization_id__in=organization_ids), on)
    answer = dict(zip(_AGGREGATE_NAMES, read[0][0], strict=True))
    answer["judged"] = answer["all"] - answer["not_due"]
    return answer


def _totals_statement(values: Mapping[str, Any]) -> list[tuple[str, tuple[Any, ...]]]:
    """`totals`' one statement as it runs (an aggregate is no queryset to compile)."""
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    rows = Receivable.objects.filter(organization_id__in=values["organization"])
    with connection.execute_wrapper(capture):
        totals(rows, values["on"])
    return captured


def desk_totals(user: AnyUser, on: dt.date) -> dict[str, int] | None:
    """The desk's panel: `organization_totals` of the user's organizations (their ids read
    first, so nothing of another organization is counted); None when they have no receivable."""
    found = organization_totals(organization_ids(user), on)
    return found if found["all"] else None


def agent_record(agent: Agent, on: dt.date) -> dict[str, int]:
    """An agent's payment record (its page's panel): `totals` of its receivables, one query."""
    return totals(Receivable.objects.filter(organization_id=agent.organization_id, agent=agent), on)
