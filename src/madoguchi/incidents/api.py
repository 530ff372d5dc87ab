"""API routes for incidents (one outage at several sites): their cases, calls, outcomes and
public status links. Writes go through `incidents.services`, like the web pages and the CLI."""

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.cases.models import Case, PromiseKind
from madoguchi.engine import bounds
from madoguchi.engine.model import Service
from madoguchi.incidents import selectors, services
from madoguchi.incidents.models import Incident
from madoguchi.incidents.outcomes import site_outcomes
from madoguchi.orgs.api import owned_row, require_write
from madoguchi.server.api_common import (
    MAX_ID,
    MaybeSlug,
    Pages,
    PathId,
    Slug,
    Time,
    answers,
)

router = Router(tags=["incidents"])

CaseIds = Annotated[list[Annotated[int, Field(ge=1, le=MAX_ID)]], Field(max_length=200)]


class IncidentOut(Schema):
    id: int
    party: str
    service: str
    prefecture: str
    city: str
    started: dt.datetime
    ended: dt.datetime | None
    state: str
    next_update_due: dt.datetime | None
    cases: list[int]

    @staticmethod
    def resolve_cases(incident: Incident) -> list[int]:
        return [link.case_id for link in incident.links.all()]


class SuggestionOut(Schema):
    party: str
    service: str
    prefecture: str
    city: str
    started: dt.datetime
    cases: list[int] = Field(alias="case_ids")


class IncidentIn(Schema):
    """Confirm a suggestion (or make an incident of open cases by hand)."""

    case_ids: CaseIds = Field(min_length=1)
    party: Slug
    service: Service
    prefecture: str = Field("", max_length=bounds.PREFECTURE)
    city: str = Field("", max_length=bounds.CITY)


class CasesIn(Schema):
    case_ids: CaseIds = []


class CallIn(Schema):
    said: str = Field("", max_length=bounds.NOTE)
    party: MaybeSlug = ""
    person: str = Field("", max_length=bounds.PERSON)
    reference: str = Field("", max_length=bounds.REFERENCE)
    at: Time | None = None
    promise_what: PromiseKind | None = None
    promise_due: Time | None = None
    next_update_due: Time | None = None
    public: bool = True


class CallOut(Schema):
    id: int
    at: dt.datetime
    party: str
    reference: str
    said: str
    promise_what: str
    promise_due: dt.datetime | None
    public: bool


class EndIn(Schema):
    ended: Time | None = None


class SiteOutcomeOut(Schema):
    case: int
    site: int
    site_name: str
    outage_started: dt.datetime | None
    outage_ended: dt.datetime | None
    outage_minutes: int | None
    owed_yen: int | None


class StatusLinkOut(Schema):
    url: str


def _incident(request: HttpRequest, pk: int, *, write: bool = False) -> Incident:
    return owned_row(request, selectors.incidents_for(request.user), pk, write=write)


def _refused(exc: Exception) -> HttpError:
    return HttpError(409, str(exc))


@router.get("/incidents", response=answers(200, list[IncidentOut]))
@paginate(Pages, page_size=50)
def list_incidents(request: HttpRequest) -> QuerySet[Incident]:
    return selectors.incidents_for(request.user).prefetch_related("links").order_by("-started")


@router.get("/incidents/suggestions", response=answers(200, list[SuggestionOut]))
def list_suggestions(request: HttpRequest) -> list[Any]:
    """Open cases at several sites that look like one outage (same holder, area, hours)."""
    return selectors.suggestions(request.user, timezone.now())


def _organization_of(request: HttpRequest, case_ids: list[int]) -> int:
    orgs = set(
        Case.objects.for_user(request.user)
        .filter(pk__in=case_ids)
        .values_list("organization_id", flat=True)
    )
    if len(orgs) != 1:
        raise HttpError(404, "no such cases")
    (org,) = orgs
    require_write(request, org)
    return org


@router.post("/incidents", response=answers(201, IncidentOut))
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[Incident]:
    org = _organization_of(request, payload.case_ids)
    try:
        incident = services.confirm_incident(request.user, organization_id=org, **payload.dict())
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return Status(201, incident)


@router.post("/incidents/dismissals", response=answers(204, None))
def dismiss_suggestion(request: HttpRequest, payload: IncidentIn) -> Status[None]:
    """Say the suggested cases are not one outage: they are not suggested together again."""
    org = _organization_of(request, payload.case_ids)
    try:
        services.dismiss_suggestion(request.user, organization_id=org, **payload.dict())
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return Status(204, None)


@router.get("/incidents/{incident_id}", response=answers(200, IncidentOut))
def get_incident(request: HttpRequest, incident_id: PathId) -> Incident:
    return _incident(request, incident_id)


@router.post("/incidents/{incident_id}/cases", response=answers(200, IncidentOut))
def add_cases(request: HttpRequest, incident_id: PathId, payload: CasesIn) -> Incident:
    incident = _incident(request, incident_id, write=True)
    try:
        services.add_cases(incident, payload.case_ids, user=request.user)
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return _incident(request, incident_id)


@router.delete("/incidents/{incident_id}/cases/{case_id}", response=answers(200, IncidentOut))
def remove_case(request: HttpRequest, incident_id: PathId, case_id: PathId) -> Incident:
    incident = _incident(request, incident_id, write=True)
    try:
        services.remove_case(incident, case_id, user=request.user)
    except services.IncidentError as exc:
        raise HttpError(404, str(exc)) from None
    return _incident(request, incident_id)


@router.get("/incidents/{incident_id}/calls", response=answers(200, list[CallOut]))
def list_calls(request: HttpRequest, incident_id: PathId) -> QuerySet[Any]:
    return selectors.updates(_incident(request, incident_id)).order_by("at", "id")[:500]


@router.post("/incidents/{incident_id}/calls", response=answers(201, CallOut))
def log_call(request: HttpRequest, incident_id: PathId, payload: CallIn) -> Status[Any]:
    """One call about the incident: kept on it and logged on every linked case."""
    incident = _incident(request, incident_id, write=True)
    values = payload.dict()
    values["promise_what"] = str(payload.promise_what or "")
    try:
        update = services.log_call(incident, user=request.user, **values)
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return Status(201, update)


@router.post("/incidents/{incident_id}/end", response=answers(200, IncidentOut))
def end_incident(request: HttpRequest, incident_id: PathId, payload: EndIn) -> Incident:
    """The service is back: each linked case's outage ends then (unless it has its own)."""
    incident = _incident(request, incident_id, write=True)
    try:
        services.end_incident(incident, user=request.user, ended=payload.ended)
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return _incident(request, incident_id)


@router.get("/incidents/{incident_id}/sites", response=answers(200, list[SiteOutcomeOut]))
def incident_sites(request: HttpRequest, incident_id: PathId) -> list[dict[str, Any]]:
    """Each linked site's outage and what its customer is owed (the engine's findings)."""
    incident = _incident(request, incident_id)
    now = timezone.now()
    found = []
    for outcome in site_outcomes(incident, selectors.linked_cases(incident), now):
        case = outcome.case
        found.append(
            {
                "case": case.pk,
                "site": case.site_id,
                "site_name": case.site.name,
                "outage_started": case.outage_started,
                "outage_ended": case.outage_ended,
                "outage_minutes": int(outcome.duration.total_seconds() // 60)
                if outcome.duration is not None
                else None,
                "owed_yen": outcome.owed_yen,
            }
        )
    return found


@router.post("/incidents/{incident_id}/status-link", response=answers(201, StatusLinkOut))
def issue_status_link(request: HttpRequest, incident_id: PathId) -> Status[dict[str, str]]:
    """A new private address for the customers (the previous one stops working)."""
    incident = _incident(request, incident_id, write=True)
    token = services.issue_status_link(incident, user=request.user)
    return Status(201, {"url": f"{settings.MADOGUCHI_PUBLIC_URL}/status/{token}/"})


@router.delete("/incidents/{incident_id}/status-link", response=answers(204, None))
def revoke_status_link(request: HttpRequest, incident_id: PathId) -> Status[None]:
    incident = _incident(request, incident_id, write=True)
    services.revoke_status_link(incident, user=request.user)
    return Status(204, None)
