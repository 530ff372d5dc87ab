"""What is worth telling people, read from the rows (nothing below this app calls it, and no
signal tells it): each event has a stable key, so reading the same window twice finds the
same events and the delivery rows' unique key keeps them from being sent twice.

Each reader looks back over WINDOW from `now`, a span longer than the gap between two runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from madoguchi.cases.desks import deadline_call_line, promise_call_line
from madoguchi.cases.models import ACTIVE_STATUSES, Case, EntryKind, Promise, TimelineEntry
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import Directory, parties_for
from madoguchi.engine.messages import label
from madoguchi.engine.timezone import TOKYO
from madoguchi.incidents.models import Incident, IncidentUpdate, State
from madoguchi.incidents.services import status_token
from madoguchi.notifications.models import Channel, EventKind
from madoguchi.orgs.models import Organization
from madoguchi.server.i18n import engine_lang
from madoguchi.server.templatetags.madoguchi import party_name, when
from madoguchi.sitefiles.calendar import deadline_uid, feed_sites
from madoguchi.sitefiles.deadline_reminders import CONTRACT_END, due_day, stage_for
from madoguchi.sitefiles.deadline_reminders import _deadlines as site_deadlines

WINDOW = dt.timedelta(hours=24)
DUE_SOON = dt.timedelta(hours=2)
# Events read per kind per run at most (the newest); a backlog larger than this is a
# server that was down for days, and the newest word is what matters then.
LIMIT = 500


@dataclass(frozen=True)
class Event:
    key: str
    kind: str
    organization_id: int
    subject: str
    text: str
    path: str = ""
    urgent: bool = False
    # Whose own channels hear of it: these users (None: every member with a channel).
    user_ids: tuple[int, ...] | None = None
    # Whose customer contacts hear of it (incidents only): these sites, with the customers'
    # status page (never a desk page, which needs a login) as the link.
    site_ids: tuple[int, ...] = ()
    public_path: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def collect(now: dt.datetime, *, deadlines: bool = False) -> Iterator[Event]:
    """The events of the window ending at `now`; with `deadlines`, also the legal deadlines
    near (an assessment of every site of the organizations that listen: run it daily)."""
    yield from _cases_opened(now)
    yield from _cases_updated(now)
    yield from _promises(now)
    yield from _incidents(now)
    if deadlines:
        yield from _deadlines_near(now)


def _deadlines_near(now: dt.datetime) -> Iterator[Event]:
    """A legal deadline (初期契約解除, 承諾番号, a compensation claim) 7 days, 1 day and on the
    day before it, as the reminder mails count them (sitefiles.deadline_reminders)."""
    listening = {
        org
        for org, events in Channel.objects.filter(active=True).values_list(
            "organization_id", "events"
        )
        if not events or EventKind.DEADLINE_NEAR in events
    }
    today = now.astimezone(TOKYO).date()
    for organization in Organization.objects.filter(pk__in=listening).order_by("pk"):
        directory = parties_for(organization)
        for site in feed_sites(Site.objects.filter(organization=organization)):
            merged = site_directory(site, directory)
            holders = {c.ref: c.party for c in site.contracts.all()}
            for deadline in site_deadlines(site, directory, now):
                stage = stage_for(deadline, today)
                if deadline.code == CONTRACT_END or stage is None:
                    continue
                day = due_day(deadline)
                call = deadline_call_line(engine_lang(), merged, deadline, holders)
                why = f"{deadline.why} {call}" if call else deadline.why
                words = {"site": site.name, "due": when(day), "why": why}
                yield Event(
                    key=f"deadline-near:{deadline_uid(site, deadline)}:{day}:{stage}",
                    kind=EventKind.DEADLINE_NEAR,
                    organization_id=organization.pk,
                    subject=_("Deadline %(due)s: %(site)s") % words,
                    text=_("%(site)s: %(why)s (by %(due)s)") % words,
                    path=reverse("sites:detail", args=[site.pk]),
                    urgent=stage == 0,
                    data={"site": site.pk},
                )


def _case_path(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id])


def _cases_opened(now: dt.datetime) -> Iterator[Event]:
    rows = (
        Case.objects.filter(created__gt=now - WINDOW, created__lte=now)
        .select_related("site")
        .order_by("-created")[:LIMIT]
    )
    for case in rows:
        yield Event(
            key=f"case-opened:{case.pk}",
            kind=EventKind.CASE_OPENED,
            organization_id=case.organization_id,
            subject=_("New case: %(site)s") % {"site": case.site.name},
            text=_("A case was opened at %(site)s: %(case)s")
            % {"site": case.site.name, "case": case},
            path=_case_path(case.pk),
            user_ids=(case.assignee_id,) if case.assignee_id else None,
            data={"case": case.pk, "site": case.site_id},
        )


def _cases_updated(now: dt.datetime) -> Iterator[Event]:
    """Each call, visit, letter, note or status change after the opening is an update."""
    rows = (
        TimelineEntry.objects.filter(recorded__gt=now - WINDOW, recorded__lte=now)
        .exclude(kind=EntryKind.STATUS, status_from="")
        .select_related("case__site")
        .order_by("-recorded")[:LIMIT]
    )
    for entry in rows:
        case = entry.case
        what = entry.said or entry.get_kind_display()
        yield Event(
            key=f"case-updated:{entry.pk}",
            kind=EventKind.CASE_UPDATED,
            organization_id=case.organization_id,
            subject=_("Case updated: %(site)s") % {"site": case.site.name},
            text=f"{case.site.name} — {case}: {what}"[:1000],
            path=_case_path(case.pk),
            user_ids=(case.assignee_id,) if case.assignee_id else None,
            data={"case": case.pk, "site": case.site_id},
        )


def _promises(now: dt.datetime) -> Iterator[Event]:
    rows = (
        Promise.objects.open()
        .filter(case__status__in=ACTIVE_STATUSES)
        .filter(due__gt=now - WINDOW, due__lte=now + DUE_SOON)
        .select_related("case__site", "organization")
        .order_by("due")[:LIMIT]
    )
    directories: dict[int, Directory] = {}
    for promise in rows:
        case = promise.case
        if promise.organization_id not in directories:
            directories[promise.organization_id] = parties_for(promise.organization)
        directory = directories[promise.organization_id]
        call = promise_call_line(engine_lang(), directory, promise.by, promise.what)
        overdue = promise.due <= now
        values = {
            "party": party_name(promise.by),
            "what": label("ja", promise.what),
            "due": when(promise.due),
            "site": case.site.name,
        }
        if overdue:
            kind, subject = EventKind.PROMISE_OVERDUE, _("Promise overdue: %(site)s") % values
            text = _("%(party)s promised %(what)s by %(due)s and has not kept it.") % values
        else:
            kind, subject = EventKind.PROMISE_DUE_SOON, _("Promise due soon: %(site)s") % values
            text = _("%(party)s promised %(what)s by %(due)s.") % values
        yield Event(
            key=f"{kind}:{promise.pk}:{promise.due.isoformat()}",
            kind=kind,
            organization_id=promise.organization_id,
            subject=subject,
            text=f"{case.site.name}: {text}" + (f"\n{call}" if call else ""),
            path=_case_path(case.pk),
            urgent=overdue,
            user_ids=(case.assignee_id,) if case.assignee_id else None,
            data={"case": case.pk, "promise": promise.pk},
        )


def _incident_words(incident: Incident) -> dict[str, str]:
    return {
        "party": party_name(incident.party),
        "service": label("ja", incident.service),
        "area": incident.prefecture + incident.city,
    }


def _incidents(now: dt.datetime) -> Iterator[Event]:
    since = now - WINDOW
    opened = (
        Incident.objects.shown()
        .filter(created__gt=since, created__lte=now)
        .order_by("-created")[:LIMIT]
    )
    for incident in opened:
        words = _incident_words(incident)
        yield Event(
            key=f"incident-opened:{incident.pk}",
            kind=EventKind.INCIDENT_OPENED,
            organization_id=incident.organization_id,
            subject=_("Incident: %(party)s %(service)s in %(area)s") % words,
            text=_("One outage at several sites: %(party)s (%(service)s) in %(area)s.") % words,
            path=reverse("incidents:detail", args=[incident.pk]),
            urgent=True,
            data={"incident": incident.pk},
        )
    updates = (
        IncidentUpdate.objects.filter(at__gt=since, at__lte=now)
        .exclude(incident__state=State.DISMISSED)
        .select_related("incident")
        .prefetch_related("incident__links__case")
        .order_by("-at")[:LIMIT]
    )
    for update in updates:
        incident = update.incident
        words = _incident_words(incident)
        yield Event(
            key=f"incident-updated:{update.pk}",
            kind=EventKind.INCIDENT_UPDATED,
            organization_id=incident.organization_id,
            subject=_("Incident update: %(party)s %(service)s in %(area)s") % words,
            text=update.said[:1000],
            path=reverse("incidents:detail", args=[incident.pk]),
            site_ids=_sites(incident) if update.public else (),
            public_path=_status_path(incident),
            data={"incident": incident.pk, "update": update.pk},
        )
    ended = (
        Incident.objects.filter(state=State.ENDED, ended__gt=since, ended__lte=now)
        .prefetch_related("links__case")
        .order_by("-ended")[:LIMIT]
    )
    for incident in ended:
        words = {**_incident_words(incident), "at": when(incident.ended)}
        yield Event(
            key=f"incident-ended:{incident.pk}",
            kind=EventKind.INCIDENT_ENDED,
            organization_id=incident.organization_id,
            subject=_("Restored: %(party)s %(service)s in %(area)s") % words,
            text=_("%(party)s (%(service)s) in %(area)s works again since %(at)s.") % words,
            path=reverse("incidents:detail", args=[incident.pk]),
            site_ids=_sites(incident),
            public_path=_status_path(incident),
            data={"incident": incident.pk},
        )


def _status_path(incident: Incident) -> str:
    token = status_token(incident)
    return reverse("status:page", args=[token]) if token else ""


def _sites(incident: Incident) -> tuple[int, ...]:
    return tuple(sorted({link.case.site_id for link in incident.links.all()}))
