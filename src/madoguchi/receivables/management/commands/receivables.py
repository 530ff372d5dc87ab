"""Receivables from the command line: `madoguchi manage receivables --user U list|add|pay|
letter`. Writes go through `receivables.services`, as from the web and the API; acts as
--user (another organization's agent or receivable is "not found")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from madoguchi.agents.models import Agent
from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.orgs.selectors import can_write
from madoguchi.orgs.types import AnyUser
from madoguchi.receivables import selectors
from madoguchi.receivables.letter import letter_facts, letter_pdf, letter_text
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.services import ReceivableError, create_receivable, record_payment


class Command(BaseCommand):
    help = "List open receivables, add one, record a payment, write the dunning letter."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="act as this user")
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="open amounts, overdue first")
        listing.add_argument("--agent", type=int, default=None, help="only this agent's")
        adding = sub.add_parser("add", help="what an agent promised to pay")
        adding.add_argument("agent_id", type=int)
        adding.add_argument("--for", dest="description", required=True, help="what it is for")
        adding.add_argument("--yen", type=int, required=True, help="the amount promised")
        adding.add_argument("--due", type=dt.date.fromisoformat, required=True)
        adding.add_argument("--site", type=int, default=None)
        adding.add_argument("--case", type=int, default=None)
        adding.add_argument("--note", default="")
        paying = sub.add_parser("pay", help="record money received")
        paying.add_argument("receivable_id", type=int)
        paying.add_argument("--yen", type=int, required=True, help="the amount received")
        paying.add_argument("--on", type=dt.date.fromisoformat, default=None, help="default: today")
        paying.add_argument("--fee", type=int, default=0, help="bank transfer fee deducted")
        paying.add_argument("--other", type=int, default=0, help="another amount deducted")
        paying.add_argument("--other-what", default="", help="what the other deduction was")
        paying.add_argument("--note", default="")
        letter = sub.add_parser("letter", help="the dunning letter (督促状) to an agent")
        letter.add_argument("agent_id", type=int)
        letter.add_argument("--pdf", type=Path, default=None, help="write a PDF to this path")

    def handle(self, *args: Any, user: str, action: str, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"no user {user!r}")
        try:
            getattr(self, f"do_{action}")(actor, **options)
        except ReceivableError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from None

    def _agent(self, actor: AnyUser, pk: int, write: bool = False) -> Agent:
        agent = Agent.objects.for_user(actor).select_related("organization").filter(pk=pk).first()
        if agent is None:
            raise CommandError(f"no agent {pk} for this user")
        if write and not can_write(actor, agent.organization_id):
            raise CommandError("this user may only read that agent")
        return agent

    def do_list(self, actor: AnyUser, agent: int | None, **_: Any) -> None:
        on = selectors.today()
        chosen = self._agent(actor, agent) if agent else None
        for row in selectors.open_receivables(actor, on, chosen).iterator(chunk_size=2000):
            s = selectors.standing(row, on)
            late = f"{s.days_overdue}d overdue" if s.days_overdue else "not overdue"
            fee = " (bank fee deducted)" if s.fee_explains else ""
            self.stdout.write(
                f"{row.pk}\t{row.agent.name}\t{row.description}\t{s.state}{fee}\t"
                f"promised {s.promised}\treceived {s.received}\topen {s.open_yen}\t"
                f"due {row.due.isoformat()}\t{late}"
            )

    def do_add(
        self,
        actor: AnyUser,
        agent_id: int,
        description: str,
        yen: int,
        due: dt.date,
        site: int | None,
        case: int | None,
        note: str,
        **_: Any,
    ) -> None:
        agent = self._agent(actor, agent_id, write=True)
        site_row = Site.objects.for_user(actor).filter(pk=site).first() if site else None
        if site and site_row is None:
            raise CommandError(f"no site {site} for this user")
        case_row = Case.objects.for_user(actor).filter(pk=case).first() if case else None
        if case and case_row is None:
            raise CommandError(f"no case {case} for this user")
        receivable = create_receivable(
            agent.organization,
            agent=agent,
            description=description,
            amount_yen=yen,
            due=due,
            site=site_row,
            case=case_row,
            note=note,
        )
        self.stdout.write(f"receivable {receivable.pk}: {receivable.description}")

    def do_pay(
        self,
        actor: AnyUser,
        receivable_id: int,
        yen: int,
        on: dt.date | None,
        fee: int,
        other: int,
        other_what: str,
        note: str,
        **_: Any,
    ) -> None:
        today = selectors.today()
        receivable = Receivable.objects.for_user(actor).filter(pk=receivable_id).first()
        if receivable is None:
            raise CommandError(f"no receivable {receivable_id} for this user")
        if not can_write(actor, receivable.organization_id):
            raise CommandError("this user may only read that receivable")
        record_payment(
            receivable,
            paid_on=on or today,
            amount_yen=yen,
            fee_yen=fee,
            other_yen=other,
            other_what=other_what,
            note=note,
        )
        s = selectors.standing(selectors.user_receivable(actor, receivable.pk, today), today)
        self.stdout.write(f"receivable {receivable.pk}: {s.state}, open {s.open_yen}")

    def do_letter(self, actor: AnyUser, agent_id: int, pdf: Path | None, **_: Any) -> None:
        agent = self._agent(actor, agent_id)
        if not letter_facts(agent)["lines"]:
            # A dunning letter for 0円 would only embarrass its sender.
            raise CommandError(f"agent {agent_id} owes nothing past its due date: no letter")
        if pdf is not None:
            pdf.write_bytes(letter_pdf(agent))
            self.stdout.write(f"wrote {pdf}")
        else:
            self.stdout.write(letter_text(agent), ending="")
