"""Every write to a case goes through here, in one transaction with its timeline entry.

Nothing is edited in place: a call, a status change, a kept or broken promise and a
correction are each a new entry, so the timeline is the record a customer can send to a
provider, 総務省 or a consumer centre.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.cases.assessment import (
    assess_site,
    keeping_site_file_valid,
    with_site_file_rows,
)
from madoguchi.cases.models import (
    TRANSITIONS,
    Case,
    EntryKind,
    Outcome,
    Promise,
    PromiseKind,
    ReminderSettings,
    Status,
    TimelineEntry,
)
from madoguchi.contracts.changes import site_changed
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Site
from madoguchi.contracts.services import lock_site, save_said_no_contract
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import model as engine
from madoguchi.engine.messages import label, time_text
from madoguchi.engine.sitefile import Problem
from madoguchi.orgs.models import Membership
from madoguchi.orgs.types import AnyUser
from madoguchi.server.i18n import engine_lang

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class CaseError(ValueError):
    """A change the case's rules do not allow (e.g. closing a case that is still open)."""


@dataclass(frozen=True)
class PromiseSpec:
    by: str
    what: str
    due: dt.datetime
    amount_yen: int | None = None
    note: str = ""


def _next_ref(site: Site) -> str:
    """The next free `case-N` of the site. Call inside a transaction that holds the site's
    row lock (`_lock_site`), so two people opening a case at once get different numbers."""
    taken = set(Case.objects.filter(site=site).values_list("ref", flat=True))
    number = len(taken) + 1
    while f"case-{number}" in taken:
        number += 1
    return f"case-{number}"


def _lock_site(site: Site) -> None:
    """Serialize the writers of one site's cases (contracts.services.lock_site: the site's row
    is always locked before any case or promise row)."""
    lock_site(site.pk)


def open_case(
    site: Site,
    *,
    user: AnyUser | None,
    title: str = "",
    symptoms: list[str] | None = None,
    outage_started: dt.datetime | None = None,
    assignee: User | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Open a case and keep the assessment of that moment with it."""
    now = now or timezone.now()
    # The assessment is read and computed before the write transaction opens: the engine's
    # time then holds no lock.
    loaded = with_site_file_rows(Site.objects.filter(pk=site.pk)).get()
    # As on the site's page: at the clock, unless the site's time is fixed.
    assessment = assess_site(loaded, now=loaded.assess_at or now).to_dict()
    first = assessment.get("first_call") or {}
    with transaction.atomic():
        _lock_site(site)
        case = Case.objects.create(
            organization=site.organization,
            site=site,
            ref=_next_ref(site),
            title=title,
            symptoms=list(symptoms if symptoms is not None else site.symptoms),
            observations={
                "onu": dict(site.onu),
                "said_no_contract": list(site.said_no_contract),
            },
            outage_started=outage_started,
            assignee=assignee or _author(user),
            assessment=assessment,
            first_party=first.get("party") or "",
            created=now,
        )
        _add_entry(
            case,
            user,
            EntryKind.STATUS,
            _("Case opened."),
            at=now,
            recorded=now,
            status_to=Status.OPEN,
        )
        site_changed(site.pk)  # a case with an outage counts toward what the customer is owed
    return case


def _author(user: AnyUser | None) -> User | None:
    """The user an entry is credited to: nobody for the system or an anonymous request."""
    return user if isinstance(user, get_user_model()) and user.is_authenticated else None


def _add_entry(
    case: Case, user: AnyUser | None, kind: str, said: str, **fields: Any
) -> TimelineEntry:
    """An entry written by the services alongside their change (never on its own)."""
    return TimelineEntry.objects.create(
        organization_id=case.organization_id,
        case=case,
        kind=kind,
        author=_author(user),
        said=said,
        **fields,
    )


def _apply_status(case: Case, to: str, at: dt.datetime) -> str:
    """Move the case to `to`; returns the status it had. Raises CaseError if not allowed."""
    before = case.status
    if to not in TRANSITIONS[before]:
        names = dict(Status.choices)  # the statuses' words, never their codes
        raise CaseError(
            _("A case cannot go from %(from)s to %(to)s.")
            % {"from": names.get(before, before), "to": names.get(to, to)}
        )
    case.status = to
    if to == Status.RESOLVED and case.outage_ended is None:
        case.outage_ended = at
    if to == Status.OPEN and before in (Status.RESOLVED, Status.CLOSED):
        case.outage_ended = None  # reopened: the outage is not over after all
    if to != Status.WAITING:
        case.waiting_on = ""
    return before


class CaseWouldBreakSite(CaseError):
    """A write to a case that would leave its site unreadable as a site file (a promise or
    a call naming a party the site does not know); the message is the problems' own."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def log_entry(case: Case, **values: Any) -> TimelineEntry:
    """Record a call, visit, letter, e-mail or note (`_log_entry`); one naming a party (a
    call, a promise) is refused with CaseWouldBreakSite when the site does not know it, the
    same refusal for the page, the API and the command line."""
    if not values.get("party") and values.get("promise") is None:
        return _log_entry(case, **values)
    try:
        with keeping_site_file_valid(case.site_id):
            return _log_entry(case, **values)
    except SiteWouldBreak as exc:
        raise CaseWouldBreakSite(exc.problems) from None


@transaction.atomic
def _log_entry(
    case: Case,
    *,
    user: AnyUser | None,
    kind: str,
    at: dt.datetime | None = None,
    party: str = "",
    desk: str = "",
    person: str = "",
    reference: str = "",
    said: str = "",
    minutes: int | None = None,
    status: str | None = None,
    waiting_on: str | None = None,
    promise: PromiseSpec | None = None,
    outcome: str = "",
    settle_callbacks: bool = True,
) -> TimelineEntry:
    """Record a call, visit, letter, e-mail or note, with any status change and promise.

    A call's outcome changes the answer in the same transaction: "no contract with us" adds
    the party to the site's said_no_contract (so the site and the case are assessed again
    without it as the holder) and ends that party's open promises, a promised callback or
    visit is a promise, and "resolved" resolves the case. A refusal is kept on the entry; the
    ladder reads it (cases.ladder).

    A call from or to a party is that party's callback: its open callback promises are kept
    at the call's time, unless `settle_callbacks` is False (the person says it was not the
    callback). Then the case waits on whoever it now waits on (`_follow_calls`).
    """
    now = timezone.now()
    at = at or now
    if outcome and outcome not in Outcome.values:
        raise CaseError(_("Unknown outcome."))
    if outcome == Outcome.NO_CONTRACT and not party:
        raise CaseError(_("Which company said there is no contract?"))
    if outcome in (Outcome.CALLBACK, Outcome.VISIT) and promise is None:
        raise CaseError(_("A promise needs the time it is due."))
    if outcome == Outcome.RESOLVED and status is None:
        status = Status.RESOLVED
    lock_site(case.site_id)  # the site first, then the case: the order every writer keeps
    locked = Case.objects.select_for_update().get(pk=case.pk)
    entry = TimelineEntry(
        organization=locked.organization,
        case=locked,
        kind=kind,
        at=at,
        recorded=now,
        author=_author(user),
        party=party,
        desk=desk,
        person=person,
        reference=reference,
        said=said,
        minutes=minutes,
        outcome=outcome,
    )
    if status and status != locked.status:
        entry.status_from = _apply_status(locked, status, at)
        entry.status_to = status
    entry.save()
    if kind in CALL_KINDS and party:
        if outcome == Outcome.NO_CONTRACT:
            _end_promises_of(locked, user, party, at, entry)
        elif settle_callbacks:
            _keep_callbacks_of(locked, user, party, at, entry)
    if promise is not None:
        Promise.objects.create(
            organization=locked.organization,
            case=locked,
            made_in=entry,
            by=promise.by,
            what=promise.what,
            due=promise.due,
            amount_yen=promise.amount_yen,
            note=promise.note,
            case_active=locked.is_active,
        )
    _follow_calls(locked, entry, explicit_status=bool(status), outcome=outcome)
    if waiting_on is not None and locked.status == Status.WAITING:
        locked.waiting_on = waiting_on
    entry.save()
    locked.save()
    if entry.status_to:
        Promise.objects.filter(case=locked).update(case_active=locked.is_active)
    if outcome == Outcome.NO_CONTRACT:
        site = Site.objects.select_for_update().get(pk=locked.site_id)
        if party not in site.said_no_contract:
            try:
                save_said_no_contract(site, parties=[*site.said_no_contract, party])
            except SiteWouldBreak as exc:
                raise CaseError(str(exc)) from exc
    site_changed(locked.site_id)  # a first call to a party starts its outage clock
    case.refresh_from_db()
    return entry


# The entries that are a call with a party (the party's callback, or our call to it).
CALL_KINDS = (EntryKind.CALL_OUT, EntryKind.CALL_IN)


def _keep_callbacks_of(
    case: Case, user: AnyUser | None, party: str, at: dt.datetime, call: TimelineEntry
) -> None:
    """The party's open callback promises are kept by this call, each with its entry."""
    due = Promise.objects.open().filter(case=case, by=party, what=PromiseKind.CALLBACK)
    for promise in due.select_for_update().order_by("due", "id"):
        promise.kept = at
        promise.save(update_fields=["kept"])
        said = _settled_text(promise, kept=True)
        _add_entry(case, user, EntryKind.PROMISE, said, at=at, party=party)


def _end_promises_of(
    case: Case, user: AnyUser | None, party: str, at: dt.datetime, call: TimelineEntry
) -> None:
    """ "No contract with us" ends all the party's open promises: its callback came (kept);
    what else it promised will not happen, yet was not broken (nothing to escalate), so it is
    closed as kept too, and the timeline says why."""
    why = _("They have no contract with the customer: nothing more is awaited from them.")
    ending = Promise.objects.open().filter(case=case, by=party)
    for promise in ending.select_for_update().order_by("due", "id"):
        promise.kept = at
        promise.save(update_fields=["kept"])
        said = _settled_text(promise, kept=True)
        if promise.what != PromiseKind.CALLBACK:
            said = f"{said} {why}"
        _add_entry(case, user, EntryKind.PROMISE, said, at=at, party=party)


def awaited_party(case: Case) -> str:
    """Who the case waits on: the party of the latest open promise; without one, the party
    of the latest call, unless that call said there is no contract (then nobody: the holder
    is still to be found)."""
    promise = (
        Promise.objects.open()
        .filter(case=case)
        .exclude(by="")
        .order_by("-id")
        .values_list("by", flat=True)
        .first()
    )
    if promise:
        return promise
    call = (
        TimelineEntry.objects.filter(case=case, kind__in=CALL_KINDS)
        .exclude(party="")
        .order_by("-at", "-id")
        .values_list("party", "outcome")
        .first()
    )
    if call is None or call[1] == Outcome.NO_CONTRACT:
        return ""
    return call[0]


def _follow_calls(case: Case, entry: TimelineEntry, *, explicit_status: bool, outcome: str) -> None:
    """The case's state after an entry: it waits on `awaited_party` (status waiting), or,
    after "no contract" with nothing else awaited, it is open with the holder to be found.
    A status the person chose, a visit scheduled and a resolved or closed case are left as
    they are (but still say whom they wait on)."""
    if not case.is_active:
        return
    waited = awaited_party(case)
    case.waiting_on = waited
    case.finding_holder = not waited and (outcome == Outcome.NO_CONTRACT or case.finding_holder)
    if explicit_status or case.status == Status.VISIT:
        return
    wanted = Status.WAITING if waited else Status.OPEN
    if wanted != case.status:
        entry.status_from = _apply_status(case, wanted, entry.at)
        entry.status_to = wanted
        case.waiting_on = waited


# The promise an outcome makes when the form names none.
OUTCOME_PROMISES = {Outcome.CALLBACK: PromiseKind.CALLBACK, Outcome.VISIT: PromiseKind.VISIT}


def change_status(
    case: Case,
    *,
    user: AnyUser | None,
    to: str,
    said: str = "",
    at: dt.datetime | None = None,
    waiting_on: str | None = None,
) -> TimelineEntry:
    return log_entry(
        case, user=user, kind=EntryKind.STATUS, at=at, said=said, status=to, waiting_on=waiting_on
    )


def _settled_text(promise: Promise, *, kept: bool) -> str:
    """The timeline's line for a settled promise, in words a person reads (the party's name,
    what was promised, the due time), since it is stored as written."""
    lang = engine_lang()
    party = parties_for(promise.organization).get(promise.by)
    by = (party.name_en if lang == "en" and party.name_en else party.name) if party else promise.by
    return _("Promise by %(by)s (%(what)s, due %(due)s) %(verdict)s.") % {
        "by": by,
        "what": label(lang, promise.what),
        "due": time_text(lang, promise.due),
        "verdict": _("kept") if kept else _("broken"),
    }


@transaction.atomic
def settle_promise(
    promise: Promise,
    *,
    user: AnyUser | None,
    kept: bool,
    at: dt.datetime | None = None,
    said: str = "",
) -> TimelineEntry:
    """Mark a promise kept or broken, with its timeline entry."""
    at = at or timezone.now()
    # The site first, then the promise: a re-import of the site locks them in that order
    # (PostgreSQL found a deadlock between the two when settling locked the promise first).
    site_id = Case.objects.filter(pk=promise.case_id).values_list("site_id", flat=True).first()
    if site_id is not None:
        lock_site(site_id)
    locked = Promise.objects.select_for_update().get(pk=promise.pk)
    if locked.kept or locked.broken:
        raise CaseError(_("This promise is already settled."))
    if kept:
        locked.kept = at
    else:
        locked.broken = at
    locked.save(update_fields=["kept", "broken"])
    text = _settled_text(locked, kept=kept)
    entry = _add_entry(
        locked.case,
        user,
        EntryKind.PROMISE,
        f"{text} {said}".strip(),
        at=at,
        party=locked.by,
        outcome="" if kept else Outcome.BROKEN,
    )
    case = Case.objects.select_for_update().get(pk=locked.case_id)
    if case.is_active:
        case.waiting_on = awaited_party(case)
        case.save(update_fields=["waiting_on", "updated"])
    promise.refresh_from_db()
    return entry


def _promise_identity(by: str, what: str, due: dt.datetime) -> tuple[str, str, dt.datetime]:
    """What makes a file promise the stored one (a site file strips its strings)."""
    return (by.strip(), what.strip(), due)


def merge_file_promises(case: Case, records: list[engine.Promise]) -> list[Promise]:
    """Merge a site file's promises into the case's; returns the promises it added.

    A file promise is the stored promise with the same party, what and due time (logged or
    imported before). The file's kept time is taken only as news: an open promise becomes
    kept, with its timeline entry; a settled promise keeps its outcome, and every promise
    keeps its reminder stamps. A file that no longer lists a promise removes nothing (an
    export leaves broken promises out, and an older file may not know newer ones): a promise
    ends by being kept or broken, on the case. Call inside the import's transaction.
    """
    unmatched: dict[tuple[str, str, dt.datetime], list[Promise]] = {}
    for stored in case.promises.select_for_update().order_by("id"):
        key = _promise_identity(stored.by, stored.what, stored.due)
        unmatched.setdefault(key, []).append(stored)
    added: list[Promise] = []
    for record in records:
        same = unmatched.get(_promise_identity(record.by, record.what, record.due))
        if not same:
            added.append(
                Promise(
                    organization_id=case.organization_id,
                    case=case,
                    by=record.by,
                    what=record.what,
                    due=record.due,
                    kept=record.kept,
                    note=record.note or "",
                    case_active=case.is_active,
                )
            )
            continue
        stored = same.pop(0)
        if record.note and record.note != stored.note:
            stored.note = record.note
            stored.save(update_fields=["note"])
        if record.kept is not None and stored.state == "open":
            stored.kept = record.kept
            stored.save(update_fields=["kept"])
            said = _settled_text(stored, kept=True)
            note = _("(from an imported site file)")
            _add_entry(
                case,
                None,
                EntryKind.PROMISE,
                f"{said} {note}",
                at=record.kept,
                party=stored.by,
            )
    return Promise.objects.bulk_create(added)


def merge_file_reports(stored: list[Any], records: list[engine.Report]) -> list[dict[str, str]]:
    """The case's stored reports with a file's merged in: the earliest per party wins, and a
    file that leaves a party out removes nothing (like its promises)."""
    first: dict[str, dt.datetime] = {}
    for item in stored:
        try:
            report = engine.Report.model_validate(item)
        except ValueError:  # a stored value no longer valid is dropped, not fatal
            continue
        first[report.party] = min(report.at, first.get(report.party, report.at))
    for report in records:
        first[report.party] = min(report.at, first.get(report.party, report.at))
    ordered = sorted(first.items(), key=lambda item: (item[1], item[0]))
    return [{"party": party, "at": at.isoformat()} for party, at in ordered]


def import_case(site: Site, record: engine.Case) -> Case:
    """The case a site file names at `site` (created when new), with the file's promises
    and reports merged in: a re-import never resets an outcome, a timeline or a reminder.
    The file's services and outage times replace the case's when the file gives them (a
    changed outage time is noted in the timeline); left out, the case's stay."""
    case, created = Case.objects.get_or_create(
        organization_id=site.organization_id,
        site=site,
        ref=record.ref,
        defaults={"note": record.note or ""},
    )
    changed: list[str] = []
    if record.services and [str(s) for s in record.services] != case.services:
        case.services = [str(s) for s in record.services]
        changed.append("services")
    for name in ("outage_started", "outage_ended"):
        value = getattr(record, name)
        if value is not None and value != getattr(case, name):
            setattr(case, name, value)
            changed.append(name)
    reports = merge_file_reports(case.reports, list(record.reports))
    if reports != case.reports:
        case.reports = reports
        changed.append("reports")
    if changed:
        case.save(update_fields=[*changed, "updated"])
        if not created and {"outage_started", "outage_ended"} & set(changed):
            said = _("Outage times set from an imported site file: %(start)s – %(end)s.") % {
                "start": _local(case.outage_started),
                "end": _local(case.outage_ended),
            }
            _add_entry(case, None, EntryKind.NOTE, said)
    merge_file_promises(case, list(record.promises))
    return case


@transaction.atomic
def set_outage(
    case: Case,
    *,
    user: AnyUser | None,
    started: dt.datetime | None,
    ended: dt.datetime | None,
) -> TimelineEntry | None:
    """Set when the outage started and ended, as the person knows it (backdated times are
    the point); each change is a timeline entry. None when nothing changed."""
    if started is not None and ended is not None and ended < started:
        raise CaseError(_("The outage cannot end before it started."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if (locked.outage_started, locked.outage_ended) == (started, ended):
        return None
    said = _("Outage times set: %(start)s – %(end)s (were %(was_start)s – %(was_end)s).") % {
        "start": _local(started),
        "end": _local(ended),
        "was_start": _local(locked.outage_started),
        "was_end": _local(locked.outage_ended),
    }
    locked.outage_started, locked.outage_ended = started, ended
    locked.save(update_fields=["outage_started", "outage_ended", "updated"])
    site_changed(locked.site_id)  # what the customer is owed for it
    case.refresh_from_db()
    return _add_entry(locked, user, EntryKind.NOTE, said)


def _local(value: dt.datetime | None) -> str:
    """A time in a timeline note as people read it (2026年11月20日(金) 12:03), never ISO."""
    return time_text(engine_lang(), value) if value else "—"


def _not_a_member() -> CaseError:
    return CaseError(_("Only a member of the case's organization can be assigned."))


def assignee_by_id(user_id: int | str | None) -> User | None:
    """The user an id from a form or the API names, for `assign` (None or "": nobody).
    An unknown id is refused as a stranger would be, so ids cannot be probed."""
    if user_id in (None, ""):
        return None
    found = get_user_model().objects.filter(pk=user_id).first() if str(user_id).isdigit() else None
    if found is None:
        raise _not_a_member()
    return found


@transaction.atomic
def assign(case: Case, *, user: AnyUser | None, to: User | None) -> TimelineEntry:
    """Hand the case to a member of its organization (or to nobody), with its entry."""
    if (
        to is not None
        and not Membership.objects.filter(organization_id=case.organization_id, user=to).exists()
    ):
        raise _not_a_member()
    locked = Case.objects.select_for_update().get(pk=case.pk)
    locked.assignee = to
    locked.save(update_fields=["assignee", "updated"])
    said = _("Assigned to %(name)s.") % {"name": to} if to else _("Unassigned.")
    case.refresh_from_db()
    return _add_entry(locked, user, EntryKind.NOTE, said)


@transaction.atomic
def unassign_former_member(organization_id: int, user_id: int, *, by: AnyUser | None = None) -> int:
    """A person who left the organization is no longer the assignee of its cases that are not
    closed, each with a timeline entry; returns how many. Called when a membership ends."""
    cases = (
        Case.objects.select_for_update()
        .filter(organization_id=organization_id, assignee_id=user_id)
        .exclude(status=Status.CLOSED)
        .order_by("pk")
    )
    name = str(get_user_model().objects.filter(pk=user_id).first() or "")
    count = 0
    for case in cases:
        case.assignee = None
        case.save(update_fields=["assignee", "updated"])
        said = _("Unassigned: %(name)s is no longer a member of the organization.") % {"name": name}
        _add_entry(case, by, EntryKind.NOTE, said)
        count += 1
    return count


@transaction.atomic
def retitle(case: Case, *, user: AnyUser | None, title: str) -> TimelineEntry:
    """Rename the case; the old title stays in the timeline."""
    locked = Case.objects.select_for_update().get(pk=case.pk)
    before, locked.title = locked.title, title
    locked.save(update_fields=["title", "updated"])
    case.refresh_from_db()
    said = _("Title changed from “%(before)s” to “%(after)s”.") % {"before": before, "after": title}
    return _add_entry(locked, user, EntryKind.NOTE, said)


# `edit_case`'s "leave the assignee as it is" (None means nobody).
UNCHANGED: Any = object()


@transaction.atomic
def edit_case(
    case: Case,
    *,
    user: AnyUser | None,
    title: str | None = None,
    assignee: User | None = UNCHANGED,
    status: str | None = None,
    said: str = "",
) -> Case:
    """Several changes at once (the API's PATCH), all or none: each its own timeline entry,
    in the order title, assignee, status; a value equal to the case's changes nothing."""
    if title is not None and title != case.title:
        retitle(case, user=user, title=title)
    if assignee is not UNCHANGED:
        assign(case, user=user, to=assignee)
    if status is not None and status != case.status:
        change_status(case, user=user, to=status, said=said)
    case.refresh_from_db()
    return case


def correct_entry(entry: TimelineEntry, *, user: AnyUser | None, said: str) -> TimelineEntry:
    """A correction is a new entry that points at the one it corrects."""
    return _add_entry(
        entry.case, user, EntryKind.CORRECTION, said, party=entry.party, corrects=entry
    )


@transaction.atomic
def save_reminder_settings(
    user: Any, *, email: str, deadlines: bool, contract_ends: bool
) -> ReminderSettings:
    """A user's own e-mail address (where every reminder goes) and which reminders they want."""
    user.email = email.strip()
    user.save(update_fields=["email"])
    row, _created = ReminderSettings.objects.update_or_create(
        user=user, defaults={"deadlines": deadlines, "contract_ends": contract_ends}
    )
    return row
