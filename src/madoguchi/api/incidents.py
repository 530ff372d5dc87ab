"""API routes for incidents (one outage at several sites) and notification channels,
customer contacts and the delivery log. Writes go through `incidents.services` and
`notifications.services`, like the web pages and the CLI."""

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.api.auth import require_write
from madoguchi.api.common import Invalid, Pages, PathId, answers, target_organization
from madoguchi.api.schemas import MAX_ID, MaybeSlug, Slug, Time
from madoguchi.cases.models import Case, PromiseKind
from madoguchi.contracts.models import Site
from madoguchi.engine import bounds
from madoguchi.engine.model import Service
from madoguchi.incidents import selectors, services
from madoguchi.incidents.models import Incident
from madoguchi.incidents.outcomes import site_outcomes
from madoguchi.notifications import selectors as notification_selectors
from madoguchi.notifications import services as notification_services
from madoguchi.notifications.models import Channel, ChannelKind, Delivery, EventKind, SiteContact

incidents_router = Router(tags=["incidents"])
notifications_router = Router(tags=["notifications"])

# A wall-clock time in Tokyo (quiet hours): no date, no offset.
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length=5)]
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
    incident = get_object_or_404(selectors.incidents_for(request.user), pk=pk)
    if write:
        require_write(request, incident.organization_id)
    return incident


def _refused(exc: Exception) -> HttpError:
    return HttpError(409, str(exc))


@incidents_router.get("/incidents", response=answers(200, list[IncidentOut]))
@paginate(Pages, page_size=50)
def list_incidents(request: HttpRequest) -> QuerySet[Incident]:
    return selectors.incidents_for(request.user).prefetch_related("links").order_by("-started")


@incidents_router.get("/incidents/suggestions", response=answers(200, list[SuggestionOut]))
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


@incidents_router.post("/incidents", response=answers(201, IncidentOut))
def create_incident(request: HttpRequest, payload: IncidentIn) -> Status[Incident]:
    org = _organization_of(request, payload.case_ids)
    try:
        incident = services.confirm_incident(request.user, organization_id=org, **payload.dict())
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return Status(201, incident)


@incidents_router.post("/incidents/dismissals", response=answers(204, None))
def dismiss_suggestion(request: HttpRequest, payload: IncidentIn) -> Status[None]:
    """Say the suggested cases are not one outage: they are not suggested together again."""
    org = _organization_of(request, payload.case_ids)
    try:
        services.dismiss_suggestion(request.user, organization_id=org, **payload.dict())
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return Status(204, None)


@incidents_router.get("/incidents/{incident_id}", response=answers(200, IncidentOut))
def get_incident(request: HttpRequest, incident_id: PathId) -> Incident:
    return _incident(request, incident_id)


@incidents_router.post("/incidents/{incident_id}/cases", response=answers(200, IncidentOut))
def add_cases(request: HttpRequest, incident_id: PathId, payload: CasesIn) -> Incident:
    incident = _incident(request, incident_id, write=True)
    try:
        services.add_cases(incident, payload.case_ids, user=request.user)
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return _incident(request, incident_id)


@incidents_router.delete(
    "/incidents/{incident_id}/cases/{case_id}", response=answers(200, IncidentOut)
)
def remove_case(request: HttpRequest, incident_id: PathId, case_id: PathId) -> Incident:
    incident = _incident(request, incident_id, write=True)
    try:
        services.remove_case(incident, case_id, user=request.user)
    except services.IncidentError as exc:
        raise HttpError(404, str(exc)) from None
    return _incident(request, incident_id)


@incidents_router.get("/incidents/{incident_id}/calls", response=answers(200, list[CallOut]))
def list_calls(request: HttpRequest, incident_id: PathId) -> QuerySet[Any]:
    return selectors.updates(_incident(request, incident_id)).order_by("at", "id")[:500]


@incidents_router.post("/incidents/{incident_id}/calls", response=answers(201, CallOut))
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


@incidents_router.post("/incidents/{incident_id}/end", response=answers(200, IncidentOut))
def end_incident(request: HttpRequest, incident_id: PathId, payload: EndIn) -> Incident:
    """The service is back: each linked case's outage ends then (unless it has its own)."""
    incident = _incident(request, incident_id, write=True)
    try:
        services.end_incident(incident, user=request.user, ended=payload.ended)
    except services.IncidentError as exc:
        raise _refused(exc) from None
    return _incident(request, incident_id)


@incidents_router.get("/incidents/{incident_id}/sites", response=answers(200, list[SiteOutcomeOut]))
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


@incidents_router.post("/incidents/{incident_id}/status-link", response=answers(201, StatusLinkOut))
def issue_status_link(request: HttpRequest, incident_id: PathId) -> Status[dict[str, str]]:
    """A new private address for the customers (the previous one stops working)."""
    incident = _incident(request, incident_id, write=True)
    token = services.issue_status_link(incident, user=request.user)
    return Status(201, {"url": f"{settings.MADOGUCHI_PUBLIC_URL}/status/{token}/"})


@incidents_router.delete("/incidents/{incident_id}/status-link", response=answers(204, None))
def revoke_status_link(request: HttpRequest, incident_id: PathId) -> Status[None]:
    incident = _incident(request, incident_id, write=True)
    services.revoke_status_link(incident, user=request.user)
    return Status(204, None)


# --- Notifications ----------------------------------------------------------------------


class ChannelIn(Schema):
    kind: ChannelKind
    target: str = Field(max_length=500)
    name: str = Field("", max_length=100)
    events: list[EventKind] = Field([], max_length=20)
    personal: bool = Field(False, description="the user's own channel (else the organization's)")
    quiet_start: ClockTime = Field("21:00", description="Tokyo time, HH:MM")
    quiet_end: ClockTime = Field("08:00", description="Tokyo time, HH:MM")
    organization: MaybeSlug = ""


class ChannelPatch(Schema):
    active: bool = True


class ChannelOut(Schema):
    id: int
    kind: str
    name: str
    target: str
    events: list[str]
    personal: bool
    quiet_start: str = Field(description="Tokyo time, HH:MM")
    quiet_end: str = Field(description="Tokyo time, HH:MM")
    active: bool

    @staticmethod
    def resolve_personal(channel: Channel) -> bool:
        return channel.user_id is not None

    @staticmethod
    def resolve_quiet_start(channel: Channel) -> str:
        return channel.quiet_start.strftime("%H:%M")

    @staticmethod
    def resolve_quiet_end(channel: Channel) -> str:
        return channel.quiet_end.strftime("%H:%M")


class NewChannelOut(ChannelOut):
    secret: str = Field(description="the webhook's signing key, shown once")


class LineAccountIn(Schema):
    channel_token: str = Field(max_length=500)
    organization: MaybeSlug = ""


class ContactIn(Schema):
    name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    incident_updates: bool = True


class ContactOut(Schema):
    id: int
    site: int = Field(alias="site_id")
    name: str
    email: str
    incident_updates: bool


class DeliveryOut(Schema):
    id: int
    event: str
    event_key: str
    recipient: str
    status: str
    attempts: int
    urgent: bool
    held: bool
    not_before: dt.datetime
    sent: dt.datetime | None
    last_error: str
    created: dt.datetime


def _channel(request: HttpRequest, pk: int) -> Channel:
    return get_object_or_404(notification_selectors.channels_for(request.user), pk=pk)


def _notification_refused(exc: notification_services.NotificationError) -> Invalid:
    return Invalid("invalid input", [{"path": exc.field, "message": str(exc)}])


@notifications_router.get("/channels", response=answers(200, list[ChannelOut]))
@paginate(Pages, page_size=100)
def list_channels(request: HttpRequest) -> QuerySet[Channel]:
    return notification_selectors.channels_for(request.user).order_by("created", "id")


@notifications_router.post("/channels", response=answers(201, NewChannelOut))
def create_channel(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    if payload.personal:
        from madoguchi.orgs.selectors import organizations_for

        mine = organizations_for(request.user)
        organization = (
            mine.filter(slug=payload.organization).first() if payload.organization else None
        ) or mine.first()
        if organization is None:
            raise HttpError(404, "no such organization")
    else:
        organization = target_organization(request, payload.organization or None)
    try:
        channel = notification_services.create_channel(
            request.user,
            organization_id=organization.pk,
            kind=payload.kind,
            target=payload.target,
            name=payload.name,
            events=[str(e) for e in payload.events],
            personal=payload.personal,
            quiet_start=dt.time.fromisoformat(payload.quiet_start),
            quiet_end=dt.time.fromisoformat(payload.quiet_end),
        )
    except notification_services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(201, channel)


@notifications_router.patch("/channels/{channel_id}", response=answers(200, ChannelOut))
def update_channel(request: HttpRequest, channel_id: PathId, payload: ChannelPatch) -> Channel:
    channel = _channel(request, channel_id)
    try:
        return notification_services.set_channel_active(
            request.user, channel, active=payload.active
        )
    except notification_services.NotificationError as exc:
        raise HttpError(403, str(exc)) from None


@notifications_router.delete("/channels/{channel_id}", response=answers(204, None))
def delete_channel(request: HttpRequest, channel_id: PathId) -> Status[None]:
    channel = _channel(request, channel_id)
    try:
        notification_services.delete_channel(request.user, channel)
    except notification_services.NotificationError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(204, None)


@notifications_router.put("/line-account", response=answers(204, None))
def put_line_account(request: HttpRequest, payload: LineAccountIn) -> Status[None]:
    """The organization's LINE Messaging API channel access token (never read back)."""
    organization = target_organization(request, payload.organization or None)
    try:
        notification_services.set_line_token(
            request.user, organization_id=organization.pk, token=payload.channel_token
        )
    except notification_services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(204, None)


@notifications_router.get("/sites/{site_id}/contacts", response=answers(200, list[ContactOut]))
def list_contacts(request: HttpRequest, site_id: PathId) -> QuerySet[SiteContact]:
    site = get_object_or_404(Site.objects.for_user(request.user), pk=site_id)
    return notification_selectors.contacts_for(request.user).filter(site=site)[:200]


@notifications_router.post("/sites/{site_id}/contacts", response=answers(201, ContactOut))
def create_contact(request: HttpRequest, site_id: PathId, payload: ContactIn) -> Status[Any]:
    site = get_object_or_404(Site.objects.for_user(request.user), pk=site_id)
    require_write(request, site.organization_id)
    try:
        contact = notification_services.add_contact(request.user, site, **payload.dict())
    except notification_services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(201, contact)


@notifications_router.delete("/contacts/{contact_id}", response=answers(204, None))
def delete_contact(request: HttpRequest, contact_id: PathId) -> Status[None]:
    contact = get_object_or_404(notification_selectors.contacts_for(request.user), pk=contact_id)
    require_write(request, contact.organization_id)
    notification_services.remove_contact(request.user, contact)
    return Status(204, None)


@notifications_router.get("/deliveries", response=answers(200, list[DeliveryOut]))
@paginate(Pages, page_size=100)
def list_deliveries(request: HttpRequest) -> QuerySet[Delivery]:
    """The delivery log, newest first: each event and recipient once, with its status."""
    return notification_selectors.deliveries_for(request.user).order_by("-created", "-id")
