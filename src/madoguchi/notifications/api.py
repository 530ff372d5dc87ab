"""API routes for notifications: channels (e-mail, webhook, LINE), the organization's LINE
account, customer contacts of a site for incident updates, and the delivery log. Writes go
through `notifications.services`, like the web pages."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from madoguchi.contracts.models import Site
from madoguchi.notifications import selectors, services
from madoguchi.notifications.models import Channel, ChannelKind, Delivery, EventKind, SiteContact
from madoguchi.orgs.api import owned_row, target_organization
from madoguchi.orgs.selectors import organizations_for
from madoguchi.server.api_common import Invalid, MaybeSlug, Pages, PathId, answers

router = Router(tags=["notifications"])

# A wall-clock time in Tokyo (quiet hours): no date, no offset.
ClockTime = Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", max_length=5)]


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
    return get_object_or_404(selectors.channels_for(request.user), pk=pk)


def _notification_refused(exc: services.NotificationError) -> Invalid:
    return Invalid("invalid input", [{"path": exc.field, "message": str(exc)}])


@router.get("/channels", response=answers(200, list[ChannelOut]))
@paginate(Pages, page_size=100)
def list_channels(request: HttpRequest) -> QuerySet[Channel]:
    return selectors.channels_for(request.user).order_by("created", "id")


@router.post("/channels", response=answers(201, NewChannelOut))
def create_channel(request: HttpRequest, payload: ChannelIn) -> Status[Channel]:
    if payload.personal:
        mine = organizations_for(request.user)
        organization = (
            mine.filter(slug=payload.organization).first() if payload.organization else None
        ) or mine.first()
        if organization is None:
            raise HttpError(404, "no such organization")
    else:
        organization = target_organization(request, payload.organization or None)
    try:
        channel = services.create_channel(
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
    except services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(201, channel)


@router.patch("/channels/{channel_id}", response=answers(200, ChannelOut))
def update_channel(request: HttpRequest, channel_id: PathId, payload: ChannelPatch) -> Channel:
    channel = _channel(request, channel_id)
    try:
        return services.set_channel_active(request.user, channel, active=payload.active)
    except services.NotificationError as exc:
        raise HttpError(403, str(exc)) from None


@router.delete("/channels/{channel_id}", response=answers(204, None))
def delete_channel(request: HttpRequest, channel_id: PathId) -> Status[None]:
    channel = _channel(request, channel_id)
    try:
        services.delete_channel(request.user, channel)
    except services.NotificationError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(204, None)


@router.put("/line-account", response=answers(204, None))
def put_line_account(request: HttpRequest, payload: LineAccountIn) -> Status[None]:
    """The organization's LINE Messaging API channel access token (never read back)."""
    organization = target_organization(request, payload.organization or None)
    try:
        services.set_line_token(
            request.user, organization_id=organization.pk, token=payload.channel_token
        )
    except services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(204, None)


@router.get("/sites/{site_id}/contacts", response=answers(200, list[ContactOut]))
def list_contacts(request: HttpRequest, site_id: PathId) -> QuerySet[SiteContact]:
    site = get_object_or_404(Site.objects.for_user(request.user), pk=site_id)
    return selectors.contacts_for(request.user).filter(site=site)[:200]


@router.post("/sites/{site_id}/contacts", response=answers(201, ContactOut))
def create_contact(request: HttpRequest, site_id: PathId, payload: ContactIn) -> Status[Any]:
    site = owned_row(request, Site.objects.for_user(request.user), site_id, write=True)
    try:
        contact = services.add_contact(request.user, site, **payload.dict())
    except services.NotificationError as exc:
        raise _notification_refused(exc) from None
    return Status(201, contact)


@router.delete("/contacts/{contact_id}", response=answers(204, None))
def delete_contact(request: HttpRequest, contact_id: PathId) -> Status[None]:
    contact = owned_row(request, selectors.contacts_for(request.user), contact_id, write=True)
    services.remove_contact(request.user, contact)
    return Status(204, None)


@router.get("/deliveries", response=answers(200, list[DeliveryOut]))
@paginate(Pages, page_size=100)
def list_deliveries(request: HttpRequest) -> QuerySet[Delivery]:
    """The delivery log, newest first: each event and recipient once, with its status."""
    return selectors.deliveries_for(request.user).order_by("-created", "-id")
