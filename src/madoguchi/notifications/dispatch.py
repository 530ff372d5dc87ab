"""From events to deliveries, and each delivery's attempts.

`record` takes one delivery row per event and recipient (the unique key: a second run, or
two runs at once, add nothing), held until the recipient's quiet hours end unless the event
is urgent. `attempt` leases one due row with a conditional UPDATE, sends it once, and marks
it sent, or schedules the next try with exponential backoff, or gives up after MAX_ATTEMPTS.
Nothing here depends on the task backend: a backend that runs a task twice finds the row
leased or sent; one that loses a task leaves the row due for the next sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from madoguchi.engine.timezone import TOKYO
from madoguchi.notifications import senders
from madoguchi.notifications.events import Event
from madoguchi.notifications.models import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    Channel,
    Delivery,
    DeliveryStatus,
    SiteContact,
)
from madoguchi.orgs.models import Membership

MAX_ATTEMPTS = 5
FIRST_BACKOFF = dt.timedelta(minutes=1)  # then 2, 4, 8 minutes
LEASE = dt.timedelta(minutes=5)  # longer than a send can take (senders.TIMEOUT)

logger = logging.getLogger(__name__)


def quiet_until(now: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime | None:
    """The end of the quiet hours `now` falls in (Tokyo time), or None outside them."""
    local = now.astimezone(TOKYO)
    clock = local.time()
    if start == end:
        return None
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return None
    day = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=TOKYO)


def backoff(attempts: int) -> dt.timedelta:
    return FIRST_BACKOFF * 2 ** max(attempts - 1, 0)


def _absolute(path: str) -> str:
    return f"{settings.MADOGUCHI_PUBLIC_URL}{path}" if path else ""


def record(events: Iterable[Event], now: dt.datetime) -> int:
    """Delivery rows for the events (none twice); returns how many rows were new. A fixed
    number of queries for the channels and contacts, one insert per batch."""
    events = list(events)
    orgs = {e.organization_id for e in events}
    channels: dict[int, list[Channel]] = defaultdict(list)
    for channel in Channel.objects.filter(organization_id__in=orgs, active=True):
        channels[channel.organization_id].append(channel)
    members = set(
        Membership.objects.filter(organization_id__in=orgs).values_list(
            "organization_id", "user_id"
        )
    )
    sites = {s for e in events for s in e.site_ids}
    contacts: dict[int, list[SiteContact]] = defaultdict(list)
    for contact in SiteContact.objects.filter(site_id__in=sites, incident_updates=True):
        contacts[contact.site_id].append(contact)
    rows: list[Delivery] = []
    for event in events:
        for channel in channels[event.organization_id]:
            if not channel.wants(event.kind):
                continue
            if channel.user_id is not None:
                if (event.organization_id, channel.user_id) not in members:
                    continue  # a former member hears nothing more
                if event.user_ids is not None and channel.user_id not in event.user_ids:
                    continue
            rows.append(
                _row(
                    event,
                    now,
                    f"channel:{channel.pk}",
                    channel.quiet_start,
                    channel.quiet_end,
                    channel=channel,
                )
            )
        if event.public_path:
            for site in event.site_ids:
                for contact in contacts[site]:
                    rows.append(
                        _row(
                            event,
                            now,
                            f"contact:{contact.pk}",
                            DEFAULT_QUIET_START,
                            DEFAULT_QUIET_END,
                            contact=contact,
                            public=True,
                        )
                    )
    before = Delivery.objects.filter(event_key__in={r.event_key for r in rows}).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=200)
    return Delivery.objects.filter(event_key__in={r.event_key for r in rows}).count() - before


def _row(
    event: Event,
    now: dt.datetime,
    recipient: str,
    quiet_start: dt.time,
    quiet_end: dt.time,
    *,
    channel: Channel | None = None,
    contact: SiteContact | None = None,
    public: bool = False,
) -> Delivery:
    held = None if event.urgent else quiet_until(now, quiet_start, quiet_end)
    return Delivery(
        organization_id=event.organization_id,
        event_key=event.key,
        event=event.kind,
        recipient=recipient,
        channel=channel,
        contact=contact,
        urgent=event.urgent,
        subject=event.subject[:200],
        text=event.text,
        url=_absolute(event.public_path if public else event.path),
        # A customer hears what happened, not the desk's ids.
        data={} if public else event.data,
        not_before=held or now,
        held=held is not None,
        created=now,
    )


def due_ids(now: dt.datetime, limit: int = 200) -> list[int]:
    return list(
        Delivery.objects.due(now)
        .filter(Q(lease__isnull=True) | Q(lease__lt=now - LEASE))
        .order_by("not_before", "id")
        .values_list("id", flat=True)[:limit]
    )


def _lease(delivery_id: int, now: dt.datetime) -> bool:
    taken = (
        Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, not_before__lte=now)
        .filter(Q(lease__isnull=True) | Q(lease__lt=now - LEASE))
        .update(status=DeliveryStatus.SENDING, lease=now, attempts=F("attempts") + 1)
    )
    return taken == 1


def attempt(delivery_id: int, now: dt.datetime) -> str:
    """Send one due delivery once; returns its status afterwards ("" when it was not due,
    or another run holds it)."""
    if not _lease(delivery_id, now):
        return ""
    delivery = Delivery.objects.select_related("channel", "contact").get(pk=delivery_id)
    try:
        senders.send(delivery)
    except senders.SendFailed as exc:
        return _failed(delivery, now, str(exc))
    except Exception as exc:  # a bug in a sender must not leave the row leased for good
        logger.exception("delivery %s failed unexpectedly", delivery_id)
        return _failed(delivery, now, type(exc).__name__)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery_id).update(
            status=DeliveryStatus.SENT, sent=now, lease=None, last_error=""
        )
    return DeliveryStatus.SENT


def _failed(delivery: Delivery, now: dt.datetime, error: str) -> str:
    if delivery.attempts >= MAX_ATTEMPTS:
        status, next_at = DeliveryStatus.FAILED, delivery.not_before
    else:
        status, next_at = DeliveryStatus.PENDING, now + backoff(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=status, not_before=next_at, lease=None, last_error=error[:500]
    )
    logger.warning("delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, error)
    return status
