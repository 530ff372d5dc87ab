"""Reminders for promises due soon or overdue, sent to the case's assignee.

Each promise is claimed with a conditional UPDATE before its mail is sent, so running the
job twice, or two jobs at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef
from django.utils import timezone

from madoguchi.cases.models import Promise
from madoguchi.orgs.models import Membership

DUE_SOON = dt.timedelta(hours=2)


def _claim(promise: Promise, field: str, now: dt.datetime) -> bool:
    claimed = Promise.objects.filter(pk=promise.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    )
    return claimed == 1


def _send(promise: Promise, overdue: bool) -> None:
    case = promise.case
    due = timezone.localtime(promise.due).strftime("%Y-%m-%d %H:%M")
    state = "期限切れ / overdue" if overdue else "まもなく期限 / due soon"
    send_mail(
        subject=f"[窓口] {state}: {promise.by} {promise.what} ({case.site.name})",
        message=(
            f"{case.site.name} — {case}\n{promise.by} が約束した {promise.what} の期限: {due}\n"
            f"{promise.by} promised {promise.what}, due {due}.\n"
        ),
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        recipient_list=[case.assignee.email],
    )


def send_reminders(now: dt.datetime | None = None) -> tuple[int, int]:
    """Send what is due; returns (due-soon mails, overdue mails)."""
    now = now or timezone.now()
    base = (
        Promise.objects.of_active_cases()
        .open()
        .filter(case__assignee__isnull=False)
        .exclude(case__assignee__email="")
        .filter(  # never to someone who has left the case's organization
            Exists(
                Membership.objects.filter(
                    organization_id=OuterRef("case__organization_id"),
                    user_id=OuterRef("case__assignee_id"),
                )
            )
        )
        .listed()
    )
    soon = overdue = 0
    for promise in base.filter(
        due__gte=now, due__lt=now + DUE_SOON, reminded_due_soon__isnull=True
    ):
        if _claim(promise, "reminded_due_soon", now):
            _send(promise, overdue=False)
            soon += 1
    for promise in base.filter(due__lt=now, reminded_overdue__isnull=True):
        if _claim(promise, "reminded_overdue", now):
            _send(promise, overdue=True)
            overdue += 1
    return soon, overdue
