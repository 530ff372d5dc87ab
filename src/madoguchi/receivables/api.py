"""Receivables: what sales agents promised to pay, what came in, and the dunning letter
(the same services and selectors as the pages and `madoguchi manage receivables`)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.api import owned_row, require_write
from madoguchi.receivables import selectors
from madoguchi.receivables.letter import letter_pdf, letter_text
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.services import (
    YEN_MAX,
    ReceivableError,
    create_receivable,
    record_payment,
)
from madoguchi.server.api_common import ERRORS, MAX_ID, Invalid, Pages, PathId, answers

router = Router(tags=["receivables"])

Yen = Field(ge=0, le=YEN_MAX)
State = Literal["paid", "late", "short", "unpaid", "not-due"]


class ReceivableIn(Schema):
    agent_id: int = Field(ge=1, le=MAX_ID)
    description: str = Field(min_length=1, max_length=bounds.DESCRIPTION)
    amount_yen: int = Field(ge=1, le=YEN_MAX)
    due: dt.date
    site_id: int | None = Field(None, ge=1, le=MAX_ID)
    case_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str = Field("", max_length=bounds.NOTE)


class PaymentIn(Schema):
    paid_on: dt.date
    amount_yen: int = Yen
    fee_yen: int = Field(0, ge=0, le=YEN_MAX, description="bank transfer fee deducted (振込手数料)")
    other_yen: int = Field(0, ge=0, le=YEN_MAX, description="another amount deducted")
    other_what: str = Field(
        "", max_length=bounds.ITEM, description="what the other deduction was for"
    )
    note: str = Field("", max_length=bounds.NOTE)


class DeductionOut(Schema):
    kind: Literal["bank-fee", "other"]
    amount_yen: int
    what: str


class PaymentOut(Schema):
    id: int
    paid_on: dt.date
    amount_yen: int
    note: str
    deductions: list[DeductionOut]


class ReceivableOut(Schema):
    id: int
    agent_id: int
    agent_name: str
    description: str
    site_id: int | None
    case_id: int | None
    amount_yen: int
    due: dt.date
    note: str
    state: State = Field(
        description="paid (in full by the due date), late (in full after it), short (less "
        "than promised came), unpaid (nothing came, past due), not-due"
    )
    received_yen: int
    fee_deducted_yen: int
    other_deducted_yen: int
    open_yen: int
    over_yen: int
    days_late: int
    days_overdue: int
    fee_explains_shortfall: bool


class ReceivableDetailOut(ReceivableOut):
    payments: list[PaymentOut]


class AgentPaymentsOut(Schema):
    agent_id: int
    agent_name: str
    receivables: int
    paid_on_time: int
    judged: int = Field(description="receivables past their due date or settled")
    late: int
    short: int
    unpaid: int
    not_due: int
    open_yen: int
    overdue_yen: int
    short_yen: int
    unpaid_yen: int


def _out(row: Receivable, on: dt.date) -> dict[str, Any]:
    s = selectors.standing(row, on)
    return {
        "id": row.pk,
        "agent_id": row.agent_id,
        "agent_name": row.agent.name,
        "description": row.description,
        "site_id": row.site_id,
        "case_id": row.case_id,
        "amount_yen": row.amount_yen,
        "due": row.due,
        "note": row.note,
        "state": s.state,
        "received_yen": s.received,
        "fee_deducted_yen": s.fee_deducted,
        "other_deducted_yen": s.other_deducted,
        "open_yen": s.open_yen,
        "over_yen": s.over_yen,
        "days_late": s.days_late,
        "days_overdue": s.days_overdue,
        "fee_explains_shortfall": s.fee_explains,
    }


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    on = selectors.today()
    row = get_object_or_404(selectors.receivables_for(request.user, on), pk=pk)
    payments = row.payments.prefetch_related("deductions")
    return {
        **_out(row, on),
        "payments": [
            {
                "id": p.pk,
                "paid_on": p.paid_on,
                "amount_yen": p.amount_yen,
                "note": p.note,
                "deductions": [
                    {"kind": d.kind, "amount_yen": d.amount_yen, "what": d.what}
                    for d in p.deductions.all()
                ],
            }
            for p in payments
        ],
    }


def _refused(exc: ReceivableError) -> Invalid:
    return Invalid("invalid input", [{"path": exc.field, "message": exc.message}])


@router.get("/receivables", response=answers(200, list[ReceivableOut]))
@paginate(Pages, page_size=50)
def list_receivables(
    request: HttpRequest,
    open: bool = True,
    agent_id: int | None = Query(None, ge=1, le=MAX_ID),
) -> list[dict[str, Any]] | QuerySet[Receivable]:
    """Open receivables, overdue first (`open=false`: all of them, by due date)."""
    on = selectors.today()
    if open:
        rows = selectors.open_receivables(request.user, on)
    else:
        rows = selectors.receivables_for(request.user, on).order_by("due", "pk")
    if agent_id is not None:
        rows = rows.filter(agent_id=agent_id)
    return _Rows(rows, on)  # type: ignore[return-value]


class _Rows:
    """A queryset the paginator slices in the database; each page's rows come out as dicts."""

    def __init__(self, rows: QuerySet[Receivable], on: dt.date) -> None:
        self.rows, self.on = rows, on

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        return [_out(row, self.on) for row in self.rows[index]]


@router.post("/receivables", response=answers(201, ReceivableDetailOut))
def add_receivable(request: HttpRequest, payload: ReceivableIn) -> Status[dict[str, Any]]:
    """What a sales agent promised to pay, by when, for which job."""
    agent = Agent.objects.for_user(request.user).filter(pk=payload.agent_id).first()
    if agent is None:
        raise Invalid("invalid input", [{"path": "agent_id", "message": "no such agent"}])
    require_write(request, agent.organization_id)
    site = case = None
    if payload.site_id is not None:
        site = Site.objects.for_user(request.user).filter(pk=payload.site_id).first()
        if site is None:
            raise Invalid("invalid input", [{"path": "site_id", "message": "no such site"}])
    if payload.case_id is not None:
        case = Case.objects.for_user(request.user).filter(pk=payload.case_id).first()
        if case is None:
            raise Invalid("invalid input", [{"path": "case_id", "message": "no such case"}])
    try:
        row = create_receivable(
            agent.organization,
            agent=agent,
            description=payload.description,
            amount_yen=payload.amount_yen,
            due=payload.due,
            site=site,
            case=case,
            note=payload.note,
        )
    except ReceivableError as exc:
        raise _refused(exc) from None
    return Status(201, _detail(request, row.pk))


@router.get("/receivables/{receivable_id}", response=answers(200, ReceivableDetailOut))
def get_receivable(request: HttpRequest, receivable_id: PathId) -> dict[str, Any]:
    return _detail(request, receivable_id)


@router.post("/receivables/{receivable_id}/payments", response=answers(201, ReceivableDetailOut))
def add_payment(
    request: HttpRequest, receivable_id: PathId, payload: PaymentIn
) -> Status[dict[str, Any]]:
    """Money received for the receivable, with what the payer deducted (振込手数料, other)."""
    row = owned_row(request, Receivable.objects.for_user(request.user), receivable_id, write=True)
    try:
        record_payment(
            row,
            paid_on=payload.paid_on,
            amount_yen=payload.amount_yen,
            fee_yen=payload.fee_yen,
            other_yen=payload.other_yen,
            other_what=payload.other_what,
            note=payload.note,
        )
    except ReceivableError as exc:
        raise _refused(exc) from None
    return Status(201, _detail(request, row.pk))


@router.get("/receivables/agents/{agent_id}", response=answers(200, AgentPaymentsOut))
def agent_payments(request: HttpRequest, agent_id: PathId) -> dict[str, Any]:
    """An agent's payment record: paid on time n of m, late, short, unpaid, open amounts."""
    agent = get_object_or_404(Agent.objects.for_user(request.user), pk=agent_id)
    t = selectors.totals(Receivable.objects.filter(agent=agent), selectors.today())
    return {
        "agent_id": agent.pk,
        "agent_name": agent.name,
        "receivables": t["all"],
        "paid_on_time": t["paid"],
        "judged": t["judged"],
        "late": t["late"],
        "short": t["short"],
        "unpaid": t["unpaid"],
        "not_due": t["not_due"],
        "open_yen": t["open_total"],
        "overdue_yen": t["overdue_total"],
        "short_yen": t["short_yen"],
        "unpaid_yen": t["unpaid_yen"],
    }


@router.get(
    "/receivables/agents/{agent_id}/letter",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "the dunning letter (督促状) to the agent: text or PDF",
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def agent_letter(
    request: HttpRequest, agent_id: PathId, format: Literal["txt", "pdf"] = "txt"
) -> HttpResponse:
    agent = get_object_or_404(
        Agent.objects.for_user(request.user).select_related("organization"), pk=agent_id
    )
    if format == "pdf":
        return HttpResponse(letter_pdf(agent), content_type="application/pdf")
    return HttpResponse(letter_text(agent), content_type="text/plain; charset=utf-8")
