"""Reminders of money past due: when a receivable is unpaid past its due date, or was paid
short and its due date has passed, the organization's owners and staff are mailed once for
that state (one mail per receivable, user, state and due date: a receivable that goes from
unpaid to short, or gets a new due date, is reminded again).

Run by the `send_reminders` command (registered in receivables.apps), like the site
deadlines: each mail is claimed before it is sent (a unique row), marked sent once the mail
server accepted it, and released for the next run when it was refused; running the job twice
sends nothing twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from madoguchi.cases.models import ReminderSettings
from madoguchi.cases.reminders import LEASE, RemindersFailed
from madoguchi.engine.model import TOKYO
from madoguchi.orgs.models import WRITE_ROLES, Membership, Organization
from madoguchi.receivables.models import Receivable, ReceivableReminder
from madoguchi.receivables.selectors import SHORT, UNPAID, Standing, standing, with_sums

logger = logging.getLogger(__name__)
REMINDED = (UNPAID, SHORT)


def _recipients(organization: Organization) -> list[User]:
    """Owners and staff with an e-mail address who did not turn deadline mails off."""
    members = [
        m.user
        for m in Membership.objects.filter(
            organization=organization, role__in=WRITE_ROLES, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user")
        .order_by("user_id")
    ]
    off = set(
        ReminderSettings.objects.filter(user__in=members, deadlines=False).values_list(
            "user_id", flat=True
        )
    )
    return [user for user in members if user.pk not in off]


def _claim(receivable: Receivable, user: User, state: str, clock: dt.datetime) -> int | None:
    """The reminder row's id, taken by this run; None when it was sent or another run has it."""
    try:
        with transaction.atomic():
            return ReceivableReminder.objects.create(
                organization_id=receivable.organization_id,
                receivable=receivable,
                user=user,
                state=state,
                due=receivable.due,
                lease=clock,
            ).pk
    except IntegrityError:
        pass
    row = ReceivableReminder.objects.get(
        receivable=receivable, user=user, state=state, due=receivable.due
    )
    taken = ReceivableReminder.objects.filter(
        pk=row.pk, sent__isnull=True, lease__lt=clock - LEASE
    ).update(lease=clock)
    return row.pk if taken == 1 else None


def _send(receivable: Receivable, s: Standing, email: str) -> None:
    context = {"r": receivable, "s": s, "agent": receivable.agent}
    with translation.override("ja"):
        subject = render_to_string("receivables/reminder_subject.txt", context)
        body = render_to_string("receivables/reminder.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        recipient_list=[email],
    )


def send_receivable_reminders(now: dt.datetime | None = None) -> int:
    """Mail about receivables unpaid or short past their due date; returns how many mails
    were sent."""
    now = now or timezone.now()
    on = now.astimezone(TOKYO).date()
    clock = timezone.now()  # leases follow the real clock, whatever `now` the run is for
    sent = 0
    failures: list[str] = []
    for organization in Organization.objects.order_by("pk"):
        rows = (
            with_sums(Receivable.objects.filter(organization=organization), on)
            .filter(state__in=REMINDED, due__lt=on)
            .select_related("agent")
            .order_by("due", "pk")
        )
        due = list(rows)
        if not due:
            continue
        people = _recipients(organization)
        for receivable in due:
            s = standing(receivable, on)
            for user in people:
                row = _claim(receivable, user, s.state, clock)
                if row is None:
                    continue
                try:
                    _send(receivable, s, user.email)
                except Exception as exc:  # any refusal: SMTP errors, a timeout
                    logger.exception("receivable reminder %s not sent; retried next run", row)
                    failures.append(f"{receivable.agent.name}: {receivable}: {exc}")
                    ReceivableReminder.objects.filter(pk=row).delete()
                    continue
                ReceivableReminder.objects.filter(pk=row).update(sent=now, lease=None)
                sent += 1
    if failures:
        raise RemindersFailed((sent, 0), failures)
    return sent
