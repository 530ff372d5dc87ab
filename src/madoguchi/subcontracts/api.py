"""API routes for subcontract requests and the intake links agents send them through.
Requests are checked by the same form and written by the same services as the pages."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Customer
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import bounds
from madoguchi.orgs.api import owned_row, target_organization
from madoguchi.server.api_common import (
    MAX_ID,
    Date,
    MaybeSlug,
    Pages,
    PathId,
    answers,
    invalid_form,
)
from madoguchi.subcontracts import selectors, services
from madoguchi.subcontracts.forms import RequestForm, form_data
from madoguchi.subcontracts.models import IntakeLink, RequestStatus, SubcontractRequest
from madoguchi.subcontracts.words import check_text

router = Router(tags=["subcontracts"])

Short = Annotated[str, Field(max_length=bounds.NAME)]
Long = Annotated[str, Field(max_length=bounds.NOTE)]
Phone = Annotated[str, Field(max_length=bounds.PHONE)]
Address = Annotated[str, Field(max_length=bounds.ADDRESS)]
Party = Annotated[MaybeSlug, Field(description="a party's slug; empty: none")]


class HoldersIn(Schema):
    access: Party = Field(description="the line's holder")
    isp: Party = Field("", description="the provider; empty when in the line's set")
    phone: Party = ""
    tv: Party = ""


class RequestIn(Schema):
    """Every field the intake form asks; the same rules refuse an incomplete request."""

    organization: str | None = Field(None, max_length=50)
    job: Long
    customer_name: Short
    customer_address: Address
    customer_phone: Phone = ""
    line_product: Short
    course: str = Field(max_length=12, description="detached or multi-unit")
    building: str = Field(max_length=12, description="detached or multi-unit")
    holders: HoldersIn
    includes_isp: bool = False
    ids: dict[
        Annotated[str, Field(max_length=bounds.ID_LABEL)],
        Annotated[str, Field(max_length=bounds.ID_VALUE)],
    ] = Field(
        description="ID kind (customer_id, isp_user_id, phone_number, contract_number, "
        "consent_number or a name) → value; at least one",
        max_length=20,
    )
    promised: Long
    agent_name: Short
    agent_address: Address
    agent_phone: Phone
    agent_fax: Phone = ""
    agent_email: Annotated[str, Field(max_length=254)] = ""
    caller_name: Annotated[str, Field(max_length=bounds.PERSON)]
    payer: Short
    amount_yen: int = Field(ge=0, le=bounds.YEN_MAX)
    pay_by: Date


class CheckOut(Schema):
    code: str
    severity: str
    text: str


class RequestRowOut(Schema):
    id: int
    status: str
    channel: str
    customer_name: str
    agent_name: str
    agent: int | None = Field(None, alias="agent_id")
    amount_yen: int
    pay_by: dt.date
    created: dt.datetime
    checks: list[CheckOut]

    @staticmethod
    def resolve_checks(row: SubcontractRequest) -> list[dict[str, str]]:
        return [
            {"code": c.get("code", ""), "severity": c.get("severity", ""), "text": check_text(c)}
            for c in row.checks
        ]


class RequestOut(RequestRowOut):
    job: str
    customer_address: str
    customer_phone: str
    line_product: str
    course: str
    building: str
    holders: dict[str, str]
    includes_isp: bool
    ids: dict[str, str]
    promised: str
    agent_address: str
    agent_phone: str
    agent_fax: str
    agent_email: str
    caller_name: str
    payer: str
    checked: dt.datetime | None
    decline_reason: str
    decided: dt.datetime | None
    customer: int | None = Field(None, alias="customer_id")
    site: int | None = Field(None, alias="site_id")
    case: int | None = Field(None, alias="case_id")


class AcceptIn(Schema):
    customer_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="an existing customer; else one of the same name, else a new one",
    )


class DeclineIn(Schema):
    reason: Long = Field(min_length=1, pattern=r"\S")


class LinkIn(Schema):
    organization: str | None = Field(None, max_length=50)
    name: Annotated[str, Field(min_length=1, max_length=bounds.LABEL, pattern=r"\S")]


class LinkOut(Schema):
    id: int
    name: str
    prefix: str
    created: dt.datetime
    revoked: dt.datetime | None


class NewLinkOut(LinkOut):
    token: str = Field(description="shown once: the form is at /intake/{token}/")


class RequestFilter(Schema):
    status: RequestStatus | None = None


def _request(request: HttpRequest, pk: int, *, write: bool = False) -> SubcontractRequest:
    return owned_row(request, selectors.requests_for(request.user), pk, write=write)


@router.get("/subcontracts", response=answers(200, list[RequestRowOut]))
@paginate(Pages, page_size=50)
def list_requests(
    request: HttpRequest, filters: Query[RequestFilter]
) -> QuerySet[SubcontractRequest]:
    """Requests, newest first."""
    return selectors.listed_requests(request.user, status=filters.status or "")


@router.post("/subcontracts", response=answers(201, RequestOut))
def create_request(request: HttpRequest, payload: RequestIn) -> Status[SubcontractRequest]:
    """Record a request (as staff do on the page); it is checked at once."""
    organization = target_organization(request, payload.organization)
    values: dict[str, Any] = payload.dict(exclude={"organization"})
    form = RequestForm(
        form_data(values), directory=parties_for(organization), id_rows=len(payload.ids)
    )
    if not form.is_valid():
        raise invalid_form(form)
    return Status(201, services.receive_request(organization, values=form.values()))


@router.get("/subcontracts/{request_id}", response=answers(200, RequestOut))
def get_request(request: HttpRequest, request_id: PathId) -> SubcontractRequest:
    return _request(request, request_id)


@router.post("/subcontracts/{request_id}/accept", response=answers(200, RequestOut))
def accept_request(
    request: HttpRequest, request_id: PathId, payload: AcceptIn
) -> SubcontractRequest:
    """Take the job: the customer, the site with its contracts, and a case (all or nothing)."""
    row = _request(request, request_id, write=True)
    customer = None
    if payload.customer_id is not None:
        customer = get_object_or_404(
            Customer.objects.filter(organization_id=row.organization_id), pk=payload.customer_id
        )
    try:
        return services.accept(row, user=request.user, customer=customer)
    except services.RequestError as exc:
        raise HttpError(409, str(exc)) from None
    except SiteWouldBreak as exc:
        raise HttpError(409, str(exc)) from None


@router.post("/subcontracts/{request_id}/decline", response=answers(200, RequestOut))
def decline_request(
    request: HttpRequest, request_id: PathId, payload: DeclineIn
) -> SubcontractRequest:
    row = _request(request, request_id, write=True)
    try:
        return services.decline(row, user=request.user, reason=payload.reason)
    except services.RequestError as exc:
        raise HttpError(409, str(exc)) from None


@router.post("/subcontracts/{request_id}/recheck", response=answers(200, RequestOut))
def recheck_request(request: HttpRequest, request_id: PathId) -> SubcontractRequest:
    return services.recheck(_request(request, request_id, write=True))


@router.get("/intake-links", response=answers(200, list[LinkOut]))
@paginate(Pages, page_size=50)
def list_links(request: HttpRequest) -> QuerySet[IntakeLink]:
    return selectors.intake_links_for(request.user)


@router.post("/intake-links", response=answers(201, NewLinkOut))
def create_link(request: HttpRequest, payload: LinkIn) -> Status[dict[str, Any]]:
    organization = target_organization(request, payload.organization)
    link, token = services.issue_intake_link(organization, name=payload.name, user=request.user)
    return Status(
        201,
        {
            "id": link.pk,
            "name": link.name,
            "prefix": link.prefix,
            "created": link.created,
            "revoked": link.revoked,
            "token": token,
        },
    )


@router.delete("/intake-links/{link_id}", response=answers(204, None))
def revoke_link(request: HttpRequest, link_id: PathId) -> Status[None]:
    """The link stops working at once; its row stays, marked revoked."""
    link = owned_row(request, IntakeLink.objects.for_user(request.user), link_id, write=True)
    services.revoke_intake_link(link)
    return Status(204, None)
