"""API routes for cases, their timeline entries and promises. Writes go through
`cases.services`, like the web pages."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.cases.assessment import case_reports
from madoguchi.cases.filters import CaseFilter
from madoguchi.cases.models import CASE_DETAIL_FIELDS, Case, EntryKind, Promise, PromiseKind
from madoguchi.cases.models import Status as CaseStatus
from madoguchi.cases.report import journey, letter_pdf, letter_text, report_markdown
from madoguchi.cases.selectors import listed_cases
from madoguchi.cases.services import (
    CaseError,
    CaseWouldBreakSite,
    PromiseSpec,
    assignee_by_id,
    correct_entry,
    edit_case,
    log_entry,
    open_case,
    set_outage,
    settle_promise,
)
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.orgs.api import owned_row
from madoguchi.server.api_common import (
    ERRORS,
    MAX_INT,
    Invalid,
    MaybeSlug,
    Pages,
    PathId,
    Slug,
    Time,
    answers,
)

router = Router(tags=["cases"])


Said = Annotated[str, Field(max_length=bounds.NOTE)]


class CaseIn(Schema):
    title: str = Field("", max_length=bounds.NAME)
    outage_started: Time | None = None


class CasePatch(Schema):
    """Each given field is one timeline entry: a status change (with `said`), a new title,
    a new assignee (null: nobody)."""

    status: CaseStatus | None = Field(None)
    said: Said = ""
    title: str | None = Field(None, max_length=bounds.NAME)
    assignee_id: int | None = Field(None, ge=1, le=MAX_INT)


class CaseRowOut(Schema):
    """A case in a list: the detail (`GET /cases/{id}`) adds the assessment at opening."""

    id: int
    site: int = Field(alias="site_id")
    ref: str
    title: str
    status: str
    waiting_on: str
    assignee: int | None = Field(None, alias="assignee_id")
    first_party: str
    outage_started: dt.datetime | None
    outage_ended: dt.datetime | None
    created: dt.datetime


class Report(Schema):
    party: str
    at: dt.datetime


class CaseOut(CaseRowOut):
    services: list[str] = Field(description="the services that were out; empty: the symptoms'")
    reports: list[Report] = Field(
        description="when each party was first told: the case's imported reports and the "
        "first call with each party in its timeline, the earliest winning"
    )
    symptoms: list[str]
    observations: dict[str, Any]
    assessment: dict[str, Any]

    @staticmethod
    def resolve_reports(case: Case) -> list[dict[str, str]]:
        return case_reports(case)


class PromiseIn(Schema):
    by: Slug = Field(description="the party that promised (its slug)")
    what: (
        PromiseKind | Annotated[str, Field(min_length=1, max_length=bounds.PROMISE, pattern=r"\S")]
    )
    due: Time
    amount_yen: int | None = Field(None, ge=0, le=bounds.YEN_MAX)


class EntryIn(Schema):
    kind: EntryKind = EntryKind.CALL_OUT
    at: Time | None = None
    party: MaybeSlug = ""
    desk: MaybeSlug = ""
    person: str = Field("", max_length=bounds.PERSON)
    reference: str = Field("", max_length=bounds.REFERENCE)
    said: Said = ""
    minutes: int | None = Field(None, ge=0, le=MAX_INT)
    status: CaseStatus | None = None
    promise: PromiseIn | None = None
    outcome: Literal["", "no-contract", "refused", "callback", "visit", "resolved"] = Field(
        "",
        description="what the call came to: no-contract adds the party to the site's "
        "said_no_contract; callback and visit need a promise; resolved resolves the case",
    )
    # A call with a party keeps that party's open callback promises at the call's time;
    # false when this call was not their callback.
    settle_callbacks: bool = True


class EntryOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    recorded: dt.datetime
    party: str
    desk: str
    person: str
    reference: str
    said: str
    minutes: int | None
    status_from: str
    status_to: str
    outcome: str
    corrects: int | None = Field(None, alias="corrects_id")


class OutageIn(Schema):
    """When the service went out and came back (null: unknown / still out)."""

    started: Time | None = None
    ended: Time | None = None


class RungOut(Schema):
    party: str
    party_name: str | None
    desk_name: str | None
    phone: str | None
    open_now: bool | None
    next_open: str | None
    why: str


class StepOut(Schema):
    at: dt.datetime
    party: str
    person: str
    kind: str
    outcome: str


class OwedOut(Schema):
    code: str
    party: str | None
    amount_yen: int | None
    why: str
    action: str


class FirstCalled(Schema):
    party: str
    at: dt.datetime


class JourneyOut(Schema):
    """Where the case stands: the escalation ladder (`rung` is the index of the desk to go to
    now; 0 until a refusal or a broken promise), the steps taken, and what is owed."""

    rung: int
    rungs: list[RungOut]
    say: str = Field(description="one line to open the next desk's call or form with")
    first_called: FirstCalled | None
    steps: list[StepOut]
    owed: list[OwedOut]


class CorrectionIn(Schema):
    said: Said = Field(min_length=1, pattern=r"\S")


class PromiseOut(Schema):
    id: int
    case: int = Field(alias="case_id")
    by: str
    what: str
    amount_yen: int | None
    due: dt.datetime
    kept: dt.datetime | None
    broken: dt.datetime | None
    state: str


def _case(request: HttpRequest, pk: int, *, write: bool = False) -> Case:
    return owned_row(request, Case.objects.for_user(request.user), pk, write=write)


def _refused(exc: CaseError) -> HttpError:
    return HttpError(409, str(exc))


@router.get("/cases", response=answers(200, list[CaseRowOut]))
@paginate(Pages, page_size=50)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> QuerySet[Case]:
    """Cases, oldest first, narrowed like the web's lists (the same `CaseFilter`)."""
    rows = listed_cases(request.user, filters).defer(*CASE_DETAIL_FIELDS)
    return rows.order_by("created", "id")


@router.post("/sites/{site_id}/cases", response=answers(201, CaseOut))
def create_case(request: HttpRequest, site_id: PathId, payload: CaseIn) -> Status[Case]:
    site = owned_row(request, Site.objects.for_user(request.user), site_id, write=True)
    return Status(
        201,
        open_case(
            site, user=request.user, title=payload.title, outage_started=payload.outage_started
        ),
    )


@router.get("/cases/{case_id}", response=answers(200, CaseOut))
def get_case(request: HttpRequest, case_id: PathId) -> Case:
    return _case(request, case_id)


@router.patch("/cases/{case_id}", response=answers(200, CaseOut))
def update_case(request: HttpRequest, case_id: PathId, payload: CasePatch) -> Case:
    case = _case(request, case_id, write=True)
    changes: dict[str, Any] = {
        "title": payload.title,
        "status": payload.status,
        "said": payload.said,
    }
    try:
        if "assignee_id" in payload.model_fields_set:
            changes["assignee"] = assignee_by_id(payload.assignee_id)
        return edit_case(case, user=request.user, **changes)
    except CaseError as exc:
        raise _refused(exc) from None


@router.get(
    "/cases/{case_id}/report",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "the case report (Markdown)",
                "content": {"text/markdown": {"schema": {"type": "string"}}},
            }
        }
    },
)
def case_report(request: HttpRequest, case_id: PathId) -> HttpResponse:
    case = _case(request, case_id)
    return HttpResponse(report_markdown(case), content_type="text/markdown; charset=utf-8")


@router.get("/cases/{case_id}/journey", response=answers(200, JourneyOut))
def case_journey(request: HttpRequest, case_id: PathId) -> dict[str, Any]:
    return journey(_case(request, case_id))


@router.get(
    "/cases/{case_id}/letter",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "the complaint letter (申入書) to the next desk: text or PDF",
                "content": {
                    "text/plain": {"schema": {"type": "string"}},
                    "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                },
            }
        }
    },
)
def case_letter(
    request: HttpRequest, case_id: PathId, format: Literal["txt", "pdf"] = "txt"
) -> HttpResponse:
    case = _case(request, case_id)
    if format == "pdf":
        return HttpResponse(letter_pdf(case), content_type="application/pdf")
    return HttpResponse(letter_text(case), content_type="text/plain; charset=utf-8")


@router.put("/cases/{case_id}/outage", response=answers(200, CaseOut))
def put_outage(request: HttpRequest, case_id: PathId, payload: OutageIn) -> Case:
    """Set the outage's start and end (backdated as known); a change is a timeline entry."""
    case = _case(request, case_id, write=True)
    try:
        set_outage(case, user=request.user, started=payload.started, ended=payload.ended)
    except CaseError as exc:
        raise _refused(exc) from None
    return case


@router.get("/cases/{case_id}/entries", response=answers(200, list[EntryOut]))
@paginate(Pages, page_size=100)
def list_entries(request: HttpRequest, case_id: PathId) -> QuerySet[Any]:
    return _case(request, case_id).entries.order_by("at", "id")


@router.post("/cases/{case_id}/entries", response=answers(201, EntryOut))
def create_entry(request: HttpRequest, case_id: PathId, payload: EntryIn) -> Status[Any]:
    case = _case(request, case_id, write=True)
    data = payload.dict(exclude={"promise"})
    promise = None
    if payload.promise is not None:
        promise = PromiseSpec(
            by=payload.promise.by,
            what=str(payload.promise.what),
            due=payload.promise.due,
            amount_yen=payload.promise.amount_yen,
        )
    try:
        entry = log_entry(case, user=request.user, promise=promise, **data)
    except CaseWouldBreakSite as exc:
        errors = [
            {"path": "promise.by" if ".promises[" in p.path else "party", "message": p.message}
            for p in exc.problems
        ]
        raise Invalid("the site would no longer be a valid site file", errors) from None
    except CaseError as exc:
        raise _refused(exc) from None
    return Status(201, entry)


@router.post("/entries/{entry_id}/corrections", response=answers(201, EntryOut))
def create_correction(request: HttpRequest, entry_id: PathId, payload: CorrectionIn) -> Status[Any]:
    from madoguchi.cases.models import TimelineEntry

    entry = get_object_or_404(TimelineEntry.objects.for_user(request.user), pk=entry_id)
    _case(request, entry.case_id, write=True)
    return Status(201, correct_entry(entry, user=request.user, said=payload.said))


@router.get("/cases/{case_id}/promises", response=answers(200, list[PromiseOut]))
@paginate(Pages, page_size=100)
def list_promises(request: HttpRequest, case_id: PathId) -> QuerySet[Promise]:
    return _case(request, case_id).promises.order_by("due", "id")


@router.post("/promises/{promise_id}/{verdict}", response=answers(200, PromiseOut))
def settle(
    request: HttpRequest,
    promise_id: PathId,
    verdict: Literal["kept", "broken"],
    at: Annotated[Time | None, Query(description="when (empty: now); may be backdated")] = None,
) -> Promise:
    """Mark a promise `kept` or `broken`; a broken one moves the case up the ladder."""
    promise = get_object_or_404(Promise.objects.for_user(request.user), pk=promise_id)
    _case(request, promise.case_id, write=True)
    try:
        settle_promise(promise, user=request.user, kept=verdict == "kept", at=at)
    except CaseError as exc:
        raise _refused(exc) from None
    return promise
