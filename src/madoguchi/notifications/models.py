"""Notifications: where word of a case, a promise, an incident or a deadline goes (channels),
who among a site's customers hears of incidents (contacts), and every delivery made.

A delivery row is taken for one event and one recipient under a unique key before anything
is sent, so an event is never sent twice to one channel whatever the task backend does; its
attempts, backoff and status live in the row, not in the queue.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madoguchi.contracts.models import Site
from madoguchi.orgs.models import OrgOwned, OrgScopedQuerySet

DEFAULT_QUIET_START = dt.time(21, 0)
DEFAULT_QUIET_END = dt.time(8, 0)


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("e-mail")
    WEBHOOK = "webhook", _("webhook (JSON, Slack-compatible)")
    LINE = "line", _("LINE")


class EventKind(models.TextChoices):
    PROMISE_DUE_SOON = "promise-due-soon", _("a promise falls due soon")
    PROMISE_OVERDUE = "promise-overdue", _("a promise is overdue")
    CASE_OPENED = "case-opened", _("a case was opened")
    CASE_UPDATED = "case-updated", _("a case was updated")
    INCIDENT_OPENED = "incident-opened", _("an incident was opened")
    INCIDENT_UPDATED = "incident-updated", _("an incident was updated")
    INCIDENT_ENDED = "incident-ended", _("an incident ended")
    DEADLINE_NEAR = "deadline-near", _("a legal deadline is near")
    TEST = "test", _("a test notification")


class Channel(OrgOwned):
    """An organization's channel (no user) or a user's own; `events` empty means every event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_channels",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    # An e-mail address, a webhook URL, or a LINE user, group or room id.
    target = models.CharField(_("address"), max_length=500)
    # A webhook's signing key (HMAC-SHA256 of the body, header X-Madoguchi-Signature).
    secret = models.CharField(max_length=64, blank=True, default="")
    events = models.JSONField(_("events"), default=list, blank=True)
    quiet_start = models.TimeField(_("quiet from"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("quiet until"), default=DEFAULT_QUIET_END)
    active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        indexes = [models.Index(fields=["organization", "active"], name="channel_org_active_idx")]

    def __str__(self) -> str:
        return self.name or f"{self.kind} {self.pk}"

    @property
    def event_labels(self) -> list[str]:
        """The events it asked for, in words (empty: every event)."""
        return [str(EventKind(e).label) for e in self.events if e in EventKind.values]

    def wants(self, event: str) -> bool:
        return self.active and (not self.events or event in self.events)


class LineAccount(OrgOwned):
    """The organization's LINE Messaging API channel (its long-lived channel access token)."""

    channel_token = models.CharField(_("channel access token"), max_length=500)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("LINE account")
        verbose_name_plural = _("LINE accounts")
        constraints = [
            models.UniqueConstraint(fields=["organization"], name="one_line_account_per_org")
        ]

    def __str__(self) -> str:
        return f"LINE {self.organization_id}"


class SiteContact(OrgOwned):
    """A customer's person at a site, who hears of incidents touching that site by e-mail."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254)
    incident_updates = models.BooleanField(_("send incident updates"), default=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("waiting to be sent")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("gave up")


class DeliveryQuerySet(OrgScopedQuerySet):
    def due(self, now: dt.datetime) -> DeliveryQuerySet:
        return self.filter(status=DeliveryStatus.PENDING, not_before__lte=now)


DeliveryManager = models.Manager.from_queryset(DeliveryQuerySet)


class Delivery(OrgOwned):
    event_key = models.CharField(max_length=200)
    event = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    # "channel:<id>" or "contact:<id>": with event_key, the key that is never sent twice.
    recipient = models.CharField(max_length=40)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    contact = models.ForeignKey(
        SiteContact, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    urgent = models.BooleanField(default=False)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    # Not sent before this time: quiet hours, or the backoff after a failed attempt.
    not_before = models.DateTimeField()
    held = models.BooleanField(default=False)  # first held for quiet hours
    lease = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects: ClassVar[DeliveryManager] = DeliveryManager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event_key", "recipient"], name="delivery_once")
        ]
        indexes = [
            models.Index(
                fields=["not_before", "id"],
                condition=models.Q(status="pending"),
                name="delivery_due_idx",
            ),
            models.Index(fields=["organization", "-created"], name="delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} → {self.recipient} ({self.status})"
