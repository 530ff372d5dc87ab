"""Incidents from the command line: `madoguchi manage incident --user U list|suggestions|
confirm|dismiss|show|add|remove|call|end|link|unlink`.

Writes go through `incidents.services`, as from the web and the API; acts as --user (the
organization's rules apply to them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madoguchi.cases.management.commands.case import cli_time
from madoguchi.cases.models import Case
from madoguchi.incidents import selectors, services
from madoguchi.incidents.models import Incident
from madoguchi.incidents.outcomes import site_outcomes
from madoguchi.orgs.selectors import can_write
from madoguchi.orgs.types import AnyUser
from madoguchi.server.i18n import duration_text


class Command(BaseCommand):
    help = "List, confirm and end incidents (one outage at several sites); log a call on all."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list")
        sub.add_parser("suggestions", help="open cases that look like one outage")
        for name in ("confirm", "dismiss"):
            making = sub.add_parser(name)
            making.add_argument("case_ids", type=int, nargs="+")
            making.add_argument("--party", required=True)
            making.add_argument("--service", default="access")
            making.add_argument("--prefecture", default="")
            making.add_argument("--city", default="")
        sub.add_parser("show").add_argument("incident_id", type=int)
        adding = sub.add_parser("add")
        adding.add_argument("incident_id", type=int)
        adding.add_argument("case_ids", type=int, nargs="+")
        removing = sub.add_parser("remove")
        removing.add_argument("incident_id", type=int)
        removing.add_argument("case_id", type=int)
        call = sub.add_parser("call", help="log one call on the incident and every linked case")
        call.add_argument("incident_id", type=int)
        call.add_argument("--said", required=True)
        call.add_argument("--reference", default="")
        call.add_argument("--person", default="")
        call.add_argument("--promise", default="", help="what was promised, e.g. callback")
        call.add_argument("--due", type=cli_time, default=None, help="when the promise is due")
        call.add_argument("--next-update", type=cli_time, default=None)
        call.add_argument("--internal", action="store_true", help="not on the customers' page")
        end = sub.add_parser("end")
        end.add_argument("incident_id", type=int)
        end.add_argument("--at", type=cli_time, default=None, help="restored at (default: now)")
        sub.add_parser("link", help="a new private link for customers").add_argument(
            "incident_id", type=int
        )
        sub.add_parser("unlink", help="stop the customers' link").add_argument(
            "incident_id", type=int
        )

    def handle(self, *args: Any, user: str, action: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            getattr(self, f"do_{action}")(actor, **options)
        except services.IncidentError as exc:
            raise CommandError(str(exc)) from None

    def _incident(self, actor: AnyUser, pk: int, write: bool = False) -> Incident:
        incident = selectors.incidents_for(actor).filter(pk=pk).first()
        if incident is None:
            raise CommandError(f"no incident {pk} for this user")
        if write and not can_write(actor, incident.organization_id):
            raise CommandError("this user may only read that incident")
        return incident

    def do_list(self, actor: AnyUser, **_: Any) -> None:
        for i in selectors.incidents_for(actor).order_by("-started")[:500]:
            self.stdout.write(
                f"{i.pk}\t{i.state}\t{i.party}\t{i.service}\t{i.prefecture}{i.city}\t"
                f"{i.started.isoformat()}\t{duration_text(i.length())}"
            )

    def do_suggestions(self, actor: AnyUser, **_: Any) -> None:
        for s in selectors.suggestions(actor, timezone.now()):
            cases = " ".join(str(pk) for pk in s.case_ids)
            self.stdout.write(f"{s.party}\t{s.service}\t{s.prefecture}\t{cases}")

    def _organization(self, actor: AnyUser, case_ids: list[int]) -> int:
        orgs = set(
            Case.objects.for_user(actor)
            .filter(pk__in=case_ids)
            .values_list("organization_id", flat=True)
        )
        if len(orgs) != 1:
            raise CommandError("the cases must be this user's, of one organization")
        return orgs.pop()

    def do_confirm(self, actor: AnyUser, case_ids: list[int], **o: Any) -> None:
        incident = services.confirm_incident(
            actor,
            organization_id=self._organization(actor, case_ids),
            case_ids=case_ids,
            party=o["party"],
            service=o["service"],
            prefecture=o["prefecture"],
            city=o["city"],
        )
        self.stdout.write(f"incident {incident.pk}: {len(case_ids)} cases linked")

    def do_dismiss(self, actor: AnyUser, case_ids: list[int], **o: Any) -> None:
        services.dismiss_suggestion(
            actor,
            organization_id=self._organization(actor, case_ids),
            case_ids=case_ids,
            party=o["party"],
            service=o["service"],
            prefecture=o["prefecture"],
        )
        self.stdout.write("dismissed")

    def do_show(self, actor: AnyUser, incident_id: int, **_: Any) -> None:
        incident = self._incident(actor, incident_id)
        self.stdout.write(
            f"{incident.pk}\t{incident.state}\t{incident.party}\t{incident.service}\t"
            f"{incident.prefecture}{incident.city}\t{incident.started.isoformat()}"
        )
        for o in site_outcomes(incident, selectors.linked_cases(incident), timezone.now()):
            owed = "" if o.owed_yen is None else f"{o.owed_yen}"
            self.stdout.write(
                f"  case {o.case.pk}\t{o.case.site.name}\t{duration_text(o.duration)}\t{owed}"
            )

    def do_add(self, actor: AnyUser, incident_id: int, case_ids: list[int], **_: Any) -> None:
        services.add_cases(self._incident(actor, incident_id, True), case_ids, user=actor)
        self.stdout.write("added")

    def do_remove(self, actor: AnyUser, incident_id: int, case_id: int, **_: Any) -> None:
        services.remove_case(self._incident(actor, incident_id, True), case_id, user=actor)
        self.stdout.write("removed")

    def do_call(self, actor: AnyUser, incident_id: int, **o: Any) -> None:
        incident = self._incident(actor, incident_id, True)
        services.log_call(
            incident,
            user=actor,
            said=o["said"],
            reference=o["reference"],
            person=o["person"],
            promise_what=o["promise"],
            promise_due=o["due"],
            next_update_due=o["next_update"],
            public=not o["internal"],
        )
        self.stdout.write(f"logged on {incident.links.count()} cases")

    def do_end(self, actor: AnyUser, incident_id: int, at: dt.datetime | None, **_: Any) -> None:
        services.end_incident(self._incident(actor, incident_id, True), user=actor, ended=at)
        self.stdout.write("ended; each case's outage end is set")

    def do_link(self, actor: AnyUser, incident_id: int, **_: Any) -> None:
        token = services.issue_status_link(self._incident(actor, incident_id, True), user=actor)
        self.stdout.write(f"{settings.MADOGUCHI_PUBLIC_URL}/status/{token}/")

    def do_unlink(self, actor: AnyUser, incident_id: int, **_: Any) -> None:
        services.revoke_status_link(self._incident(actor, incident_id, True), user=actor)
        self.stdout.write("the customers' link no longer works")
