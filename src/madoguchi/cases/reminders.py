"""Reminders for promises due soon or overdue, sent to the case's assignee.

A reminder is marked sent only after the mail server accepted it. Before sending, the
promise is leased with a conditional UPDATE (`reminder_lease`), so two runs at once never
send the same reminder; the lease ends when the mail is accepted (and the reminder marked)
or refused (and left for the next run). A run that dies mid-send leaves a lease that
expires after LEASE, and the reminder is retried then. A mail the server accepted just
before a crash may go out twice; none is ever lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from madoguchi.cases.desks import promise_call_line
from madoguchi.cases.models import Promise
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import parties_for
from madoguchi.engine.messages import LANGS, label
from madoguchi.orgs.models import Membership
from madoguchi.server.templatetags.madoguchi import when

# A reminder mail goes this long before a promise falls due (the dashboard's "due soon"
# list looks further ahead: `selectors.DASHBOARD_DUE_WINDOW`).
REMINDER_LEAD_TIME = dt.timedelta(hours=2)
# Longer than a send can take (EMAIL_TIMEOUT bounds it), shorter than an operator's patience.
LEASE = dt.timedelta(minutes=10)

logger = logging.getLogger(__name__)


@dataclass
class RemindersFailed(Exception):
    """Some reminders could not be sent; the others were, and these are retried next run."""

    sent: tuple[int, int]
    failures: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.failures)} reminder(s) not sent: " + "; ".join(self.failures)


def _lease(promise: Promise, flag: str, clock: dt.datetime) -> bool:
    """Take the promise for this run, unless its reminder is sent or another run holds it."""
    free = Q(reminder_lease__isnull=True) | Q(reminder_lease__lt=clock - LEASE)
    taken = (
        Promise.objects.filter(pk=promise.pk, **{f"{flag}__isnull": True})
        .filter(free)
        .update(reminder_lease=clock)
    )
    return taken == 1


def _send(promise: Promise, overdue: bool) -> None:
    """One mail in Japanese with English below: the party by its name, the promise in words,
    the due time as people read it (2026年1月30日(金) 18:00), never a slug or a code."""
    case = promise.case
    assert case.assignee is not None  # only promises of assigned cases are reminded
    directory = site_directory(case.site, parties_for(case.organization))
    party = directory.get(promise.by)
    context = {"promise": promise, "case": case, "site": case.site, "overdue": overdue}
    for lang in LANGS:
        with translation.override(lang):
            context[lang] = {
                "party": (
                    (party.name_en if lang == "en" and party.name_en else party.name)
                    if party
                    else promise.by
                ),
                "what": label(lang, promise.what),
                "due": when(promise.due),
                "call": promise_call_line(lang, directory, promise.by, promise.what),
            }
    subject = render_to_string("cases/reminder_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("cases/reminder.txt", context),
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        recipient_list=[case.assignee.email],
    )


def _remind(promise: Promise, flag: str, now: dt.datetime, failures: list[str]) -> bool:
    """Lease, send, then mark; True when this run sent the reminder."""
    clock = timezone.now()  # leases follow the real clock, whatever `now` the run is for
    if not _lease(promise, flag, clock):
        return False
    leased = Promise.objects.filter(pk=promise.pk, reminder_lease=clock)
    try:
        _send(promise, overdue=flag == "reminded_overdue")
    except Exception as exc:  # any refusal: SMTP errors, a refused connection, a timeout
        logger.exception("reminder for promise %s not sent; retried next run", promise.pk)
        failures.append(f"promise {promise.pk} ({promise.case.site.name}): {exc}")
        leased.update(reminder_lease=None)
        return False
    leased.update(**{flag: now, "reminder_lease": None})
    return True


def send_reminders(now: dt.datetime | None = None) -> tuple[int, int]:
    """Send what is due; returns (due-soon mails, overdue mails). When a mail is refused the
    run goes on with the others and then raises RemindersFailed."""
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
    failures: list[str] = []
    soon = overdue = 0
    for promise in base.filter(
        due__gte=now, due__lt=now + REMINDER_LEAD_TIME, reminded_due_soon__isnull=True
    ):
        soon += _remind(promise, "reminded_due_soon", now, failures)
    for promise in base.filter(due__lt=now, reminded_overdue__isnull=True):
        overdue += _remind(promise, "reminded_overdue", now, failures)
    if failures:
        raise RemindersFailed((soon, overdue), failures)
    return soon, overdue
