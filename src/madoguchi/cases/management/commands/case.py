"""Cases from the command line: `madoguchi manage case list|open|log|status|kept|broken|
outage|journey|report|letter`.

Writes go through `cases.services`, as from the web and the API. Acts as --user (the
organization's rules apply to them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madoguchi.cases.models import Case, EntryKind, Outcome, Promise
from madoguchi.cases.report import journey, letter_pdf, letter_text, report_markdown
from madoguchi.cases.services import (
    CaseError,
    PromiseSpec,
    assign,
    change_status,
    log_entry,
    open_case,
    set_outage,
    settle_promise,
)
from madoguchi.contracts.models import Site
from madoguchi.orgs.selectors import can_write
from madoguchi.orgs.types import AnyUser
from madoguchi.server.i18n import duration_text


def cli_time(value: str) -> dt.datetime:
    """An ISO time from the command line; one without a zone is the server's (Asia/Tokyo).
    The incident command reads its times the same way."""
    parsed = dt.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "List, open and update cases; log calls and promises; print a case report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list")
        listing.add_argument("--status", default="")
        opening = sub.add_parser("open")
        opening.add_argument("site_id", type=int)
        opening.add_argument("--title", default="")
        opening.add_argument("--outage-started", type=cli_time, default=None)
        logging = sub.add_parser("log")
        logging.add_argument("case_id", type=int)
        logging.add_argument(
            "--kind", default=EntryKind.CALL_OUT, choices=[k.value for k in EntryKind]
        )
        logging.add_argument("--party", default="")
        logging.add_argument("--person", default="")
        logging.add_argument("--reference", default="")
        logging.add_argument("--said", default="")
        logging.add_argument("--minutes", type=int, default=None)
        logging.add_argument("--status", default=None)
        logging.add_argument("--promise", default=None, help="what was promised, e.g. callback")
        logging.add_argument("--due", type=cli_time, default=None, help="when the promise is due")
        logging.add_argument(
            "--outcome",
            default="",
            choices=["", *(o.value for o in Outcome if o != Outcome.BROKEN)],
            help="what the call came to (no-contract, refused, callback, visit, resolved)",
        )
        logging.add_argument(
            "--not-their-callback",
            dest="settle_callbacks",
            action="store_false",
            help="leave the party's open callback promises open (by default a call with a "
            "party keeps them)",
        )
        status = sub.add_parser("status")
        status.add_argument("case_id", type=int)
        status.add_argument("to")
        assigning = sub.add_parser("assign")
        assigning.add_argument("case_id", type=int)
        assigning.add_argument("to", help="a username of the case's organization, or - for nobody")
        for verdict in ("kept", "broken"):
            settling = sub.add_parser(verdict)
            settling.add_argument("promise_id", type=int)
            settling.add_argument("--at", type=cli_time, default=None, help="when (default: now)")
        outage = sub.add_parser("outage", help="set when the outage started and ended")
        outage.add_argument("case_id", type=int)
        outage.add_argument("--started", type=cli_time, default=None)
        outage.add_argument("--ended", type=cli_time, default=None, help="leave out: still out")
        sub.add_parser("journey", help="the ladder, steps taken, what is owed").add_argument(
            "case_id", type=int
        )
        sub.add_parser("report").add_argument("case_id", type=int)
        letter = sub.add_parser("letter", help="the complaint letter to the next desk")
        letter.add_argument("case_id", type=int)
        letter.add_argument("--pdf", default=None, help="write a PDF to this path")

    def handle(self, *args: Any, user: str, action: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            getattr(self, f"do_{action}")(actor, **options)
        except CaseError as exc:
            raise CommandError(str(exc)) from None

    def _case(self, actor: AnyUser, pk: int, write: bool = False) -> Case:
        case = Case.objects.for_user(actor).filter(pk=pk).first()
        if case is None:
            raise CommandError(f"no case {pk} for this user")
        if write and not can_write(actor, case.organization_id):
            raise CommandError("this user may only read that case")
        return case

    def do_list(self, actor: AnyUser, status: str, **_: Any) -> None:
        rows = Case.objects.for_user(actor).listed().order_by("created", "id")
        for case in (rows.filter(status=status) if status else rows).iterator(chunk_size=2000):
            outage = duration_text(case.outage())
            self.stdout.write(f"{case.pk}\t{case.status}\t{case.site.name}\t{case}\t{outage}")

    def do_open(
        self, actor: AnyUser, site_id: int, title: str, outage_started: dt.datetime | None, **_: Any
    ) -> None:
        site = Site.objects.writable_by(actor).filter(pk=site_id).first()
        if site is None:
            raise CommandError(f"no site {site_id} this user may change")
        case = open_case(
            site, user=actor, title=title, outage_started=outage_started or timezone.now()
        )
        self.stdout.write(
            f"opened case {case.pk} ({case.ref}); call first: {case.first_party or '?'}"
        )

    def do_log(
        self, actor: AnyUser, case_id: int, promise: str | None, due: dt.datetime | None, **o: Any
    ) -> None:
        case = self._case(actor, case_id, write=True)
        spec = None
        if promise:
            if due is None or not o["party"]:
                raise CommandError("a promise needs --party and --due")
            spec = PromiseSpec(by=o["party"], what=promise, due=due)
        if o["outcome"] in ("callback", "visit") and spec is None:
            if due is None or not o["party"]:
                raise CommandError("a promised callback or visit needs --party and --due")
            spec = PromiseSpec(by=o["party"], what=o["outcome"], due=due)
        fields = (
            "kind",
            "party",
            "person",
            "reference",
            "said",
            "minutes",
            "status",
            "outcome",
            "settle_callbacks",
        )
        entry = log_entry(case, user=actor, promise=spec, **{k: o[k] for k in fields})
        self.stdout.write(f"logged entry {entry.pk}")

    def do_status(self, actor: AnyUser, case_id: int, to: str, **_: Any) -> None:
        change_status(self._case(actor, case_id, write=True), user=actor, to=to)
        self.stdout.write(f"case {case_id}: {to}")

    def do_assign(self, actor: AnyUser, case_id: int, to: str, **_: Any) -> None:
        case = self._case(actor, case_id, write=True)
        person = None
        if to != "-":
            person = get_user_model().objects.filter(username=to).first()
            if person is None:
                raise CommandError(f"no user {to!r}")
        assign(case, user=actor, to=person)
        self.stdout.write(f"case {case_id}: assigned to {person or 'nobody'}")

    def _settle(
        self, actor: AnyUser, promise_id: int, kept: bool, at: dt.datetime | None = None
    ) -> None:
        promise = Promise.objects.for_user(actor).filter(pk=promise_id).first()
        if promise is None:
            raise CommandError(f"no promise {promise_id} for this user")
        self._case(actor, promise.case_id, write=True)
        settle_promise(promise, user=actor, kept=kept, at=at)
        self.stdout.write(f"promise {promise_id}: {'kept' if kept else 'broken'}")

    def do_kept(self, actor: AnyUser, promise_id: int, at: dt.datetime | None, **_: Any) -> None:
        self._settle(actor, promise_id, kept=True, at=at)

    def do_broken(self, actor: AnyUser, promise_id: int, at: dt.datetime | None, **_: Any) -> None:
        self._settle(actor, promise_id, kept=False, at=at)

    def do_outage(
        self,
        actor: AnyUser,
        case_id: int,
        started: dt.datetime | None,
        ended: dt.datetime | None,
        **_: Any,
    ) -> None:
        case = self._case(actor, case_id, write=True)
        set_outage(case, user=actor, started=started, ended=ended)
        self.stdout.write(f"case {case_id}: outage {duration_text(case.outage())}")

    def do_journey(self, actor: AnyUser, case_id: int, **_: Any) -> None:
        state = journey(self._case(actor, case_id))
        for number, rung in enumerate(state["rungs"]):
            mark = "→" if number == state["rung"] else " "
            phone = rung["dial"] or ""
            self.stdout.write(f"{mark} {number + 1}. {rung['party_name']} {phone}\t{rung['why']}")
        if state["say"]:
            self.stdout.write(f"say: {state['say']}")
        for step in state["steps"]:
            at = timezone.localtime(step["at"]).strftime("%Y-%m-%d %H:%M")
            result = step["outcome"] or step["kind"]
            self.stdout.write(f"{at}\t{step['party']}\t{step['person']}\t{result}")
        for owed in state["owed"]:
            amount = f"{owed['amount_yen']}円 " if owed["amount_yen"] else ""
            self.stdout.write(f"owed: {amount}{owed['why']}")

    def do_letter(self, actor: AnyUser, case_id: int, pdf: str | None, **_: Any) -> None:
        case = self._case(actor, case_id)
        if pdf:
            with open(pdf, "wb") as out:
                out.write(letter_pdf(case))
            self.stdout.write(f"wrote {pdf}")
        else:
            self.stdout.write(letter_text(case), ending="")

    def do_report(self, actor: AnyUser, case_id: int, **_: Any) -> None:
        self.stdout.write(report_markdown(self._case(actor, case_id)), ending="")
