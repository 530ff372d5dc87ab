"""Calendar feeds (iCalendar): the dates that cost money and the promises awaited, for the
calendars people already use.

Deadlines come from the same assessment as the site page (初期契約解除, 承諾番号,
compensation claims, contract ends); promises are the open ones of the site's open cases,
the rows the assessment reads, so that each has a UID of its own: a promise moved to another
time, a contract whose end is changed, keep their UID and the calendar moves the event.
Times are in Asia/Tokyo; a whole-day deadline is an all-day event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from icalendar import Alarm, Calendar, Event

from madoguchi.cases.assessment import assess_site, with_site_file_rows
from madoguchi.cases.desks import deadline_call_line, promise_call_line
from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import model as engine
from madoguchi.engine.messages import label, say
from madoguchi.engine.results import Deadline
from madoguchi.engine.timezone import TOKYO

DOMAIN = "madoguchi"
PROMISE_LENGTH = dt.timedelta(minutes=30)
# Reminders on the person's device: the day before and the morning of a deadline (an all-day
# event starts at 00:00, so 9:00 that morning is +9h), and an hour before a promise.
DEADLINE_ALARMS = (dt.timedelta(hours=-15), dt.timedelta(hours=9))
PROMISE_ALARMS = (dt.timedelta(hours=-1),)


def deadline_uid(site: Site, deadline: Deadline) -> str:
    """Stable across edits: the deadline's kind and what it is about, never its date."""
    about = deadline.contract or deadline.case or deadline.party or deadline.due
    return f"{deadline.code}-{site.pk}-{about}@{site.organization.slug}.{DOMAIN}"


def promise_uid(promise: Promise) -> str:
    return f"promise-{promise.pk}@{DOMAIN}"


def _alarms(event: Event, triggers: Iterable[dt.timedelta], text: str) -> None:
    for trigger in triggers:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", text)
        alarm.add("trigger", trigger)
        event.add_component(alarm)


def _description(*lines: str | None) -> str:
    return "\n".join(line for line in lines if line)


def _deadline_event(
    site: Site, deadline: Deadline, url: str, stamp: dt.datetime, call: str | None = None
) -> Event:
    event = Event()
    event.add("uid", deadline_uid(site, deadline))
    event.add("dtstamp", stamp)
    summary = f"{site.name}: {deadline.why}"
    event.add("summary", summary)
    if len(deadline.due) == 10:
        day = dt.date.fromisoformat(deadline.due)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        _alarms(event, DEADLINE_ALARMS, summary)
    else:
        at = dt.datetime.fromisoformat(deadline.due).astimezone(TOKYO)
        event.add("dtstart", at)
        event.add("dtend", at + PROMISE_LENGTH)
        _alarms(event, PROMISE_ALARMS, summary)
    event.add("url", url)
    event.add("description", _description(deadline.why, call, url))
    return event


def _promise_event(
    case: Case, promise: Promise, directory: dict[str, engine.Party], url: str, stamp: dt.datetime
) -> Event:
    party = directory.get(promise.by)
    why = say(
        "ja",
        "deadline.promise",
        party=party.name if party else promise.by,
        what=label("ja", promise.what),
    )
    summary = f"{case.site.name}: {why}"
    event = Event()
    event.add("uid", promise_uid(promise))
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    due = promise.due.astimezone(TOKYO)
    event.add("dtstart", due)
    event.add("dtend", due + PROMISE_LENGTH)
    event.add("url", url)
    call = promise_call_line("ja", directory, promise.by, promise.what)
    event.add("description", _description(why, call, str(case), url))
    _alarms(event, PROMISE_ALARMS, summary)
    return event


def feed_sites(sites: QuerySet[Site]) -> list[Site]:
    """The sites with everything the feed reads, in a fixed number of queries."""
    return list(with_site_file_rows(sites.select_related("organization")).order_by("name", "id"))


def calendar_for(
    sites: list[Site],
    *,
    url_of: dict[str, str],
    case: Case | None = None,
    name: str = "窓口",
    now: dt.datetime | None = None,
) -> bytes:
    """One calendar of the sites' deadlines and open promises (only `case`'s when given).
    `url_of` maps "site:<pk>" and "case:<pk>" to absolute page addresses."""
    stamp = (now or dt.datetime.now(TOKYO)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//Madoguchi//窓口//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    directories: dict[int, dict[str, engine.Party]] = {}
    for site in sites:
        if site.organization_id not in directories:
            directories[site.organization_id] = parties_for(site.organization)
        directory = directories[site.organization_id]
        merged = site_directory(site, directory)  # with the site's own parties
        holders = {c.ref: c.party for c in site.contracts.all()}
        cases = [c for c in site.cases.all() if case is None or c.pk == case.pk]
        by_ref = {c.ref: c for c in cases}
        site_url = url_of.get(f"site:{site.pk}", "")
        assessment = assess_site(site, lang="ja", directory=directory)
        for deadline in assessment.deadlines:
            if deadline.code == "promise":
                continue  # below, from the promise rows, each with a UID of its own
            if case is not None and deadline.case != case.ref:
                continue
            about = by_ref.get(deadline.case or "")
            url = url_of.get(f"case:{about.pk}", site_url) if about else site_url
            call = deadline_call_line("ja", merged, deadline, holders)
            calendar.add_component(_deadline_event(site, deadline, url, stamp, call))
        for each in cases:
            url = url_of.get(f"case:{each.pk}", site_url)
            for promise in each.promises.all():
                if promise.kept is None and promise.broken is None:
                    calendar.add_component(_promise_event(each, promise, merged, url, stamp))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
