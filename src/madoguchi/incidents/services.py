"""Every write to an incident, in one transaction; each linked case hears of it through
`cases.services`, so its timeline says what happened in its own entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from madoguchi.cases.models import ACTIVE_STATUSES, Case, EntryKind, Outcome
from madoguchi.cases.services import CaseError, PromiseSpec, log_entry, set_outage
from madoguchi.engine.model import Service
from madoguchi.incidents.models import Incident, IncidentCase, IncidentUpdate, State
from madoguchi.orgs.selectors import can_write
from madoguchi.orgs.types import AnyUser

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class IncidentError(ValueError):
    """A change the incident's rules do not allow, said in the user's language."""


def _author(user: AnyUser | None) -> User | None:
    """The user a row is credited to: nobody for the system or an anonymous request."""
    return user if isinstance(user, get_user_model()) and user.is_authenticated else None


def _cases_to_link(
    user: AnyUser | None, organization_id: int, case_ids: Sequence[int]
) -> list[Case]:
    """The organization's active cases of `case_ids`, locked; an id of another organization
    is refused exactly as an unknown one is."""
    if user is not None and not can_write(user, organization_id):
        raise IncidentError(_("You cannot change this organization's incidents."))
    ids = sorted({int(pk) for pk in case_ids})
    found = list(
        Case.objects.select_for_update()
        .filter(organization_id=organization_id, pk__in=ids)
        .order_by("pk")
    )
    if len(found) != len(ids):
        raise IncidentError(_("cases: one of the cases was not found."))
    if any(case.status not in ACTIVE_STATUSES for case in found):
        raise IncidentError(_("cases: only open cases can be linked to an incident."))
    return found


def _note(case: Case, user: AnyUser | None, said: str) -> None:
    log_entry(case, user=user, kind=EntryKind.NOTE, said=said)


def _link(incident: Incident, cases: list[Case], user: AnyUser | None, said: str) -> None:
    taken = IncidentCase.objects.filter(case__in=cases).select_related("incident")
    for link in taken:
        if link.incident_id != incident.pk and link.incident.state != State.DISMISSED:
            raise IncidentError(_("cases: a case is already part of another incident."))
    IncidentCase.objects.filter(case__in=cases).exclude(incident=incident).delete()
    have = set(IncidentCase.objects.filter(incident=incident).values_list("case_id", flat=True))
    for case in cases:
        if case.pk in have:
            continue
        IncidentCase.objects.create(
            organization_id=incident.organization_id, incident=incident, case=case
        )
        if incident.state != State.DISMISSED:
            _note(case, user, said)


def _check_service(service: str) -> None:
    if service not in Service.__members__.values():
        raise IncidentError(_("service: unknown service."))


@transaction.atomic
def confirm_incident(
    user: AnyUser | None,
    *,
    organization_id: int,
    case_ids: Sequence[int],
    party: str,
    service: str,
    prefecture: str = "",
    city: str = "",
    now: dt.datetime | None = None,
) -> Incident:
    """A person says these cases are one outage: the incident starts at the earliest of
    their outage starts (or openings) and links them, each case noting it."""
    _check_service(service)
    cases = _cases_to_link(user, organization_id, case_ids)
    if not cases:
        raise IncidentError(_("cases: choose at least one case."))
    started = min(case.outage_started or case.created for case in cases)
    incident = Incident.objects.create(
        organization_id=organization_id,
        party=party,
        service=service,
        prefecture=prefecture,
        city=city,
        started=started,
        created=now or timezone.now(),
        created_by=_author(user),
    )
    _link(incident, cases, user, _linked_text(incident))
    return incident


def _linked_text(incident: Incident) -> str:
    return _("Linked to incident #%(number)d (one outage at several sites).") % {
        "number": incident.pk
    }


@transaction.atomic
def dismiss_suggestion(
    user: AnyUser | None,
    *,
    organization_id: int,
    case_ids: Sequence[int],
    party: str,
    service: str,
    prefecture: str = "",
    city: str = "",
) -> Incident:
    """A person says these cases are not one outage: kept as a dismissed incident so the
    same cases are not suggested together again (no timeline entry: nothing happened)."""
    _check_service(service)
    cases = _cases_to_link(user, organization_id, case_ids)
    incident = Incident.objects.create(
        organization_id=organization_id,
        party=party,
        service=service,
        prefecture=prefecture,
        city=city,
        started=min((c.outage_started or c.created for c in cases), default=timezone.now()),
        state=State.DISMISSED,
        created_by=_author(user),
    )
    _link(incident, cases, user, "")
    return incident


def _lock(incident: Incident, user: AnyUser | None) -> Incident:
    if user is not None and not can_write(user, incident.organization_id):
        raise IncidentError(_("You cannot change this organization's incidents."))
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def add_cases(incident: Incident, case_ids: Sequence[int], *, user: AnyUser | None) -> Incident:
    locked = _lock(incident, user)
    if locked.state != State.OPEN:
        raise IncidentError(_("Cases can be added only while the incident is ongoing."))
    cases = _cases_to_link(user, locked.organization_id, case_ids)
    _link(locked, cases, user, _linked_text(locked))
    return locked


@transaction.atomic
def remove_case(incident: Incident, case_id: int, *, user: AnyUser | None) -> Incident:
    locked = _lock(incident, user)
    link = IncidentCase.objects.filter(incident=locked, case_id=case_id).select_related("case")
    found = link.first()
    if found is None:
        raise IncidentError(_("cases: this case is not part of the incident."))
    case = found.case
    found.delete()
    _note(
        case,
        user,
        _("No longer part of incident #%(number)d.") % {"number": locked.pk},
    )
    return locked


@transaction.atomic
def log_call(
    incident: Incident,
    *,
    user: AnyUser | None,
    said: str,
    party: str = "",
    desk: str = "",
    person: str = "",
    reference: str = "",
    at: dt.datetime | None = None,
    promise_what: str = "",
    promise_due: dt.datetime | None = None,
    next_update_due: dt.datetime | None = None,
    public: bool = True,
) -> IncidentUpdate:
    """One call to the holder's desk about the incident, written once: the incident keeps
    it (the customers' page shows it) and every linked case gets its own call entry, with
    the desk's reference number and the promise, through cases.services."""
    locked = _lock(incident, user)
    if locked.state != State.OPEN:
        raise IncidentError(_("A call can be logged only while the incident is ongoing."))
    if bool(promise_what) != bool(promise_due):
        raise IncidentError(_("promise_due: a promise needs what was promised and when."))
    at = at or timezone.now()
    party = party or locked.party
    update = IncidentUpdate.objects.create(
        organization_id=locked.organization_id,
        incident=locked,
        at=at,
        author=_author(user),
        party=party,
        reference=reference,
        said=said,
        promise_what=promise_what,
        promise_due=promise_due,
        public=public,
    )
    if next_update_due is not None:
        locked.next_update_due = next_update_due
    locked.save(update_fields=["next_update_due", "updated"])
    said_on_case = _("(incident #%(number)d) %(said)s") % {"number": locked.pk, "said": said}
    promise = PromiseSpec(by=party, what=promise_what, due=promise_due) if promise_due else None
    for link in IncidentCase.objects.filter(incident=locked).select_related("case"):
        try:
            log_entry(
                link.case,
                user=user,
                kind=EntryKind.CALL_OUT,
                at=at,
                party=party,
                desk=desk,
                person=person,
                reference=reference,
                said=said_on_case.strip(),
                promise=promise,
                outcome=Outcome.CALLBACK if promise else "",
            )
        except CaseError as exc:
            raise IncidentError(str(exc)) from exc
    return update


@transaction.atomic
def end_incident(
    incident: Incident, *, user: AnyUser | None, ended: dt.datetime | None = None
) -> Incident:
    """The holder restored the service: the incident ends, and each linked case's outage
    ends then too, unless the case already has its own end (what its customer is owed is
    computed from those times by the engine)."""
    locked = _lock(incident, user)
    if locked.state != State.OPEN:
        raise IncidentError(_("This incident has already ended."))
    ended = ended or timezone.now()
    if ended < locked.started:
        raise IncidentError(_("ended: the incident cannot end before it started."))
    locked.state = State.ENDED
    locked.ended = ended
    locked.save(update_fields=["state", "ended", "updated"])
    for link in IncidentCase.objects.filter(incident=locked).select_related("case"):
        case = link.case
        if case.outage_ended is not None:
            continue
        try:
            set_outage(case, user=user, started=case.outage_started or locked.started, ended=ended)
        except CaseError as exc:
            raise IncidentError(str(exc)) from exc
    return locked


# --- The customers' status page ---------------------------------------------------------


def _token_of(seed: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"incident-status:{seed}".encode(), hashlib.sha256
    ).hexdigest()[:40]


def status_token(incident: Incident) -> str | None:
    """The address's token while the link is live (it can be sent again to new contacts)."""
    return _token_of(incident.status_seed) if incident.status_seed else None


@transaction.atomic
def issue_status_link(incident: Incident, *, user: AnyUser | None) -> str:
    """A new private address for the incident's customers (the old one stops working)."""
    locked = _lock(incident, user)
    locked.status_seed = secrets.token_hex(32)
    token = _token_of(locked.status_seed)
    locked.status_digest = Incident.digest_of(token)
    locked.save(update_fields=["status_seed", "status_digest", "updated"])
    incident.refresh_from_db()
    return token


@transaction.atomic
def revoke_status_link(incident: Incident, *, user: AnyUser | None) -> None:
    locked = _lock(incident, user)
    locked.status_seed = ""
    locked.status_digest = ""
    locked.save(update_fields=["status_seed", "status_digest", "updated"])
    incident.refresh_from_db()
