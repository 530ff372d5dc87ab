"""Every write to channels, the LINE account and customer contacts, checked the same way
for the web, the API and the CLI. Errors name the field, in the user's language."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from madoguchi.contracts.models import Site
from madoguchi.notifications.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    Channel,
    ChannelKind,
    Delivery,
    EventKind,
    LineAccount,
    SiteContact,
)
from madoguchi.orgs.selectors import can_write
from madoguchi.orgs.types import AnyUser

# The events a channel can ask for (a test is sent only when a person asks for it).
SUBSCRIBABLE = [e for e in EventKind.values if e != EventKind.TEST]


class NotificationError(ValueError):
    """A channel or contact that cannot be saved, said with the field's name (`field`: the
    field's path for the API's 422 body; empty when it is not one field's fault)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _check_target(kind: str, target: str) -> str:
    target = target.strip()
    if kind == ChannelKind.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            raise NotificationError(_("target: enter a valid e-mail address."), "target") from None
    elif kind == ChannelKind.WEBHOOK:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname or len(target) > 500:
            raise NotificationError(
                _("target: enter the webhook's http(s) address."), "target"
            ) from None
    elif kind == ChannelKind.LINE:
        if not target or len(target) > 100 or not target.isalnum():
            raise NotificationError(_("target: enter the LINE user, group or room id."), "target")
    else:
        raise NotificationError(_("kind: choose e-mail, webhook or LINE."), "kind")
    return target


def _check_events(events: Sequence[str]) -> list[str]:
    unknown = [e for e in events if e not in SUBSCRIBABLE]
    if unknown:
        raise NotificationError(_("events: unknown event."), "events")
    return list(dict.fromkeys(events))


def _check_writer(user: AnyUser | None, organization_id: int) -> None:
    if user is not None and not can_write(user, organization_id):
        raise NotificationError(_("You cannot change this organization's notifications."))


@transaction.atomic
def create_channel(
    user: AnyUser | None,
    *,
    organization_id: int,
    kind: str,
    target: str,
    name: str = "",
    events: Sequence[str] = (),
    personal: bool = False,
    quiet_start: dt.time = DEFAULT_QUIET_START,
    quiet_end: dt.time = DEFAULT_QUIET_END,
) -> Channel:
    """An organization's channel (owner or staff), or with `personal` the user's own (any
    member, a viewer included: it is only their own word). A webhook gets its signing key."""
    owner = user if isinstance(user, get_user_model()) and user.is_authenticated else None
    if personal:
        if owner is None:
            raise NotificationError(_("A personal channel needs a user."))
        from madoguchi.orgs.selectors import roles_of

        if organization_id not in roles_of(owner):
            raise NotificationError(_("You cannot change this organization's notifications."))
    else:
        _check_writer(user, organization_id)
    return Channel.objects.create(
        organization_id=organization_id,
        user=owner if personal else None,
        kind=kind,
        target=_check_target(kind, target),
        name=name.strip()[:100],
        secret=secrets.token_hex(24) if kind == ChannelKind.WEBHOOK else "",
        events=_check_events(events),
        quiet_start=quiet_start,
        quiet_end=quiet_end,
    )


def _may_change(user: AnyUser | None, channel: Channel) -> None:
    if user is None:
        return
    if channel.user_id is not None and channel.user_id == getattr(user, "pk", None):
        return
    _check_writer(user, channel.organization_id)
    if channel.user_id is not None:  # another person's own channel is theirs to change
        raise NotificationError(_("You cannot change this organization's notifications."))


@transaction.atomic
def delete_channel(user: AnyUser | None, channel: Channel) -> None:
    _may_change(user, channel)
    channel.delete()


@transaction.atomic
def set_channel_active(user: AnyUser | None, channel: Channel, *, active: bool) -> Channel:
    _may_change(user, channel)
    channel.active = active
    channel.save(update_fields=["active"])
    return channel


@transaction.atomic
def set_line_token(user: AnyUser | None, *, organization_id: int, token: str) -> LineAccount:
    _check_writer(user, organization_id)
    token = token.strip()
    if not token or len(token) > 500 or any(c.isspace() for c in token):
        raise NotificationError(
            _("channel_token: enter the channel access token from LINE."), "channel_token"
        )
    account, _created = LineAccount.objects.update_or_create(
        organization_id=organization_id, defaults={"channel_token": token}
    )
    return account


@transaction.atomic
def add_contact(
    user: AnyUser | None, site: Site, *, name: str, email: str, incident_updates: bool = True
) -> SiteContact:
    _check_writer(user, site.organization_id)
    name, email = _checked_contact(name, email)
    return SiteContact.objects.create(
        organization_id=site.organization_id,
        site=site,
        name=name,
        email=email,
        incident_updates=incident_updates,
    )


@transaction.atomic
def remove_contact(user: AnyUser | None, contact: SiteContact) -> None:
    _check_writer(user, contact.organization_id)
    contact.delete()


@transaction.atomic
def update_channel(
    user: AnyUser | None,
    channel: Channel,
    *,
    name: str,
    target: str = "",
    events: Sequence[str] = (),
    quiet_start: dt.time = DEFAULT_QUIET_START,
    quiet_end: dt.time = DEFAULT_QUIET_END,
) -> Channel:
    """Change a channel's name, address, events and quiet hours (not its kind). An empty
    `target` keeps the address (a webhook's address is never shown back in full)."""
    _may_change(user, channel)
    if target.strip():
        channel.target = _check_target(channel.kind, target)
    channel.name = name.strip()[:100]
    channel.events = _check_events(events)
    channel.quiet_start = quiet_start
    channel.quiet_end = quiet_end
    channel.save(update_fields=["target", "name", "events", "quiet_start", "quiet_end"])
    return channel


@transaction.atomic
def regenerate_secret(user: AnyUser | None, channel: Channel) -> Channel:
    """A new signing key for a webhook (the old one stops verifying at once)."""
    _may_change(user, channel)
    if channel.kind != ChannelKind.WEBHOOK:
        raise NotificationError(_("Only a webhook has a signing key."))
    channel.secret = secrets.token_hex(24)
    channel.save(update_fields=["secret"])
    return channel


@transaction.atomic
def remove_line_token(user: AnyUser | None, *, organization_id: int) -> None:
    _check_writer(user, organization_id)
    LineAccount.objects.filter(organization_id=organization_id).delete()


@transaction.atomic
def send_test(user: AnyUser | None, channel: Channel, now: dt.datetime) -> Delivery:
    """A test message to the channel at once (not held for quiet hours), on the queue like
    every delivery: its attempts and status show in the delivery log. Each press is its
    own event."""
    _may_change(user, channel)
    from madoguchi.notifications.tasks import deliver

    delivery = Delivery.objects.create(
        organization_id=channel.organization_id,
        event_key=f"{EventKind.TEST}:{channel.pk}:{uuid.uuid4().hex}",
        event=EventKind.TEST,
        recipient=f"channel:{channel.pk}",
        channel=channel,
        urgent=True,
        subject=_("Test notification"),
        text=_("This is a test from Madoguchi: notifications reach this channel."),
        not_before=now,
        created=now,
    )
    transaction.on_commit(lambda: deliver.enqueue(delivery.pk))
    return delivery


def _checked_contact(name: str, email: str) -> tuple[str, str]:
    name = name.strip()
    if not name or len(name) > 100:
        raise NotificationError(_("name: enter the contact's name (up to 100 characters)."), "name")
    try:
        validate_email(email.strip())
    except ValidationError:
        raise NotificationError(_("email: enter a valid e-mail address."), "email") from None
    return name, email.strip()


@transaction.atomic
def update_contact(
    user: AnyUser | None,
    contact: SiteContact,
    *,
    name: str,
    email: str,
    incident_updates: bool = True,
) -> SiteContact:
    _check_writer(user, contact.organization_id)
    contact.name, contact.email = _checked_contact(name, email)
    contact.incident_updates = incident_updates
    contact.save(update_fields=["name", "email", "incident_updates"])
    return contact
