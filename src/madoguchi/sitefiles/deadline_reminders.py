"""Reminders of the dates that cost money, mailed to the members of the site's organization:
a deadline (初期契約解除, 承諾番号, a compensation claim) 7 days, 1 day and on the day
before it; a contract's end 90, 60 and 30 days before, with what to do.

Days are counted in Tokyo calendar days (a holiday counts like any day: the deadline does
not move for it), so a run at 23:59 and one at 00:01 Tokyo time fall on different days. A
run that finds several stages due (the job did not run for a while) sends only the nearest.
Run by the `send_reminders` command (registered in sitefiles.apps). Each mail is claimed
before it is sent (a unique row per user, deadline, date and stage), marked sent once the
mail server accepted it, and released for the next run when it was refused: running the job
twice sends nothing twice."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from madoguchi.cases.assessment import site_record
from madoguchi.cases.desks import deadline_call_line
from madoguchi.cases.models import DeadlineReminder, ReminderSettings
from madoguchi.cases.reminders import LEASE, RemindersFailed
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import Directory, parties_for
from madoguchi.engine import assess, load_catalog
from madoguchi.engine.assess import resolve_now
from madoguchi.engine.context import Context
from madoguchi.engine.deadlines import upcoming_contract_ends
from madoguchi.engine.messages import day_text
from madoguchi.engine.results import Deadline
from madoguchi.engine.timezone import TOKYO
from madoguchi.orgs.models import Membership, Organization
from madoguchi.sitefiles.calendar import deadline_uid, feed_sites

DEADLINE_STAGES = (7, 1, 0)
CONTRACT_END_STAGES = (90, 60, 30)
CONTRACT_END = "contract-end"
NOT_REMINDED = frozenset({"promise"})  # promises have reminders of their own (cases)

logger = logging.getLogger(__name__)


def due_day(deadline: Deadline) -> dt.date:
    """The Tokyo day a deadline falls on."""
    if len(deadline.due) == 10:
        return dt.date.fromisoformat(deadline.due)
    return dt.datetime.fromisoformat(deadline.due).astimezone(TOKYO).date()


def stage_for(deadline: Deadline, today: dt.date) -> int | None:
    """The nearest stage (days before) reached today, or None (too far off, or past)."""
    left = (due_day(deadline) - today).days
    if left < 0:
        return None
    stages = CONTRACT_END_STAGES if deadline.code == CONTRACT_END else DEADLINE_STAGES
    reached = [stage for stage in stages if left <= stage]
    return min(reached) if reached else None


def _recipients(organization: Organization) -> list[tuple[User, bool, bool]]:
    """(user, wants deadlines, wants contract ends) for the organization's members with an
    e-mail address."""
    members = list(
        Membership.objects.filter(organization=organization, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    chosen = {
        s.user_id: s for s in ReminderSettings.objects.filter(user__in=[m.user for m in members])
    }
    answer = []
    for member in members:
        wants = chosen.get(member.user_id)
        answer.append(
            (
                member.user,
                wants.deadlines if wants else True,
                wants.contract_ends if wants else True,
            )
        )
    return answer


def _claim(
    site: Site, user: User, key: str, stage: int, due: dt.date, clock: dt.datetime
) -> DeadlineReminder | None:
    """The reminder's row, taken by this run; None when it was sent or another run has it."""
    try:
        with transaction.atomic():
            return DeadlineReminder.objects.create(
                organization_id=site.organization_id,
                site=site,
                user=user,
                key=key,
                stage=stage,
                due=due,
                lease=clock,
            )
    except IntegrityError:
        pass
    row = DeadlineReminder.objects.get(user=user, key=key, due=due, stage=stage)
    taken = DeadlineReminder.objects.filter(
        pk=row.pk, sent__isnull=True, lease__lt=clock - LEASE
    ).update(lease=clock)
    return row if taken == 1 else None


def _send(
    site: Site,
    deadline: Deadline,
    stage: int,
    email: str,
    today: dt.date,
    directory: Directory | None = None,
) -> None:
    day = due_day(deadline)
    merged = site_directory(site, directory)
    holders = {c.ref: c.party for c in site.contracts.all()}
    context = {
        "site": site,
        "why": deadline.why,
        "call": deadline_call_line("ja", merged, deadline, holders),
        "call_en": deadline_call_line("en", merged, deadline, holders),
        "day": day_text("ja", day),
        "day_en": day_text("en", day),
        "left": (day - today).days,
        "stage": stage,
        "contract_end": deadline.code == CONTRACT_END,
    }
    subject = render_to_string("cases/deadline_reminder_subject.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=render_to_string("cases/deadline_reminder.txt", context),
        from_email=getattr(settings, "DEFAULT_FROM_EMAIL", None),
        recipient_list=[email],
    )


def _deadlines(site: Site, directory: Directory, now: dt.datetime) -> list[Deadline]:
    """The site's deadlines as its page shows them (the same assessment), promises left to
    their own reminders; contract ends from 90 days ahead (the page shows them from 60)."""
    record = site_record(site, directory)
    catalog = load_catalog()
    assessment = assess(record, now=now, lang="ja", catalog=catalog)
    ctx = Context(site=record, catalog=catalog, now=resolve_now(record, now), lang="ja")
    within = dt.timedelta(days=max(CONTRACT_END_STAGES))
    return [
        d for d in assessment.deadlines if d.code not in NOT_REMINDED and d.code != CONTRACT_END
    ] + upcoming_contract_ends(ctx, within)


def send_deadline_reminders(now: dt.datetime | None = None) -> int:
    """Send the deadline reminders due at `now`; returns how many were sent."""
    now = now or timezone.now()
    today = now.astimezone(TOKYO).date()
    clock = timezone.now()  # leases follow the real clock, whatever `now` the run is for
    sent = 0
    failures: list[str] = []
    for organization in Organization.objects.order_by("pk"):
        people = _recipients(organization)
        if not people:
            continue
        directory = parties_for(organization)
        for site in feed_sites(Site.objects.filter(organization=organization)):
            for deadline in _deadlines(site, directory, now):
                stage = stage_for(deadline, today)
                if stage is None:
                    continue
                key = deadline_uid(site, deadline)
                for user, deadlines, contract_ends in people:
                    wanted = contract_ends if deadline.code == CONTRACT_END else deadlines
                    if not wanted:
                        continue
                    row = _claim(site, user, key, stage, due_day(deadline), clock)
                    if row is None:
                        continue
                    try:
                        _send(site, deadline, stage, user.email, today, directory)
                    except Exception as exc:  # any refusal: SMTP errors, a timeout
                        logger.exception("deadline reminder %s not sent; retried next run", key)
                        failures.append(f"{site.name}: {deadline.why}: {exc}")
                        DeadlineReminder.objects.filter(pk=row.pk).delete()
                        continue
                    DeadlineReminder.objects.filter(pk=row.pk).update(sent=now, lease=None)
                    sent += 1
    if failures:
        raise RemindersFailed((sent, 0), failures)
    return sent
