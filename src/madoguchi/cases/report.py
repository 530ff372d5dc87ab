"""The case report and the complaint letter (申入書), both from one set of this case's facts.

The report carries only this case: its site, the contracts and events of the services that
were out (with their dates), the timeline, the promises and whether they were kept, the
outage, what is owed and the findings about those services. The letter is addressed to the
party that owes (the holder, at its desk), names the next rung (総務省's centre, 188) only as
where to turn without an answer, quotes only the refusals and broken promises on record, and
asks only for what is still owed (restoration while the outage lasts, the amount and the last
day to claim it, a written answer by a date).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from madoguchi.cases.assessment import assess_site, load_site_file_rows
from madoguchi.cases.ladder import Ladder, ladder_progress, what_to_say
from madoguchi.cases.models import Case, EntryKind, Outcome
from madoguchi.cases.selectors import timeline
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import bounds
from madoguchi.engine.escalation import HOTLINE, HOUTERASU, POLICE, SOUMU
from madoguchi.engine.results import Step
from madoguchi.server.i18n import duration_text, engine_lang

# What a printed report or letter shows of a case (engine/bounds.py): rows per section, and
# characters per text; the rest is counted ("…他 N 件"), so a PDF takes seconds at any size.
PDF_ROWS = bounds.PRINT_ROWS
PDF_TEXT = bounds.PRINT_TEXT
OWED = ("outage-compensation", "outage-clock-not-started", "cancellation-fee-over-cap")
CALLS = (EntryKind.CALL_OUT, EntryKind.CALL_IN)
# How long the letter gives for a written answer.
ANSWER_WITHIN = dt.timedelta(days=14)


def case_facts(case: Case, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the report and the letter say, for this case only, assessed live."""
    now = now or timezone.now()
    site = load_site_file_rows(case.site)
    directory = site_directory(site, parties_for(case.organization))
    assessment = assess_site(
        site, now=site.assess_at or now, lang=engine_lang(), directory=directory, case=case
    )
    entries = timeline(case)
    promises = list(case.promises.all())
    services = set(case.services) or {r.service for r in assessment.routes}
    contracts = [c for c in site.contracts.all() if c.service in services]
    refs = {c.ref for c in contracts}
    parties = {c.party for c in contracts}
    events = [
        e for e in site.events.all() if e.contract in refs or (e.party and e.party in parties)
    ]
    findings = [
        f
        for f in assessment.findings
        if f.case == case.ref or (f.case is None and (set(f.contracts) & refs or not f.contracts))
    ]
    owed = [f for f in findings if f.code in OWED]
    ladder = ladder_progress(assessment.escalation, entries)
    holder = ladder.rungs[0] if ladder.rungs else None
    addressee, next_rung = letter_addressee(ladder, owed)
    refusals = [e for e in entries if e.outcome == Outcome.REFUSED]
    # Only what is on record: a promise marked broken (an overdue one is not, yet).
    broken = [p for p in promises if p.state == "broken"]
    claims = [f for f in owed if f.code != "outage-clock-not-started"]
    refund = sum(f.amount_yen or 0 for f in claims)
    claim_by = min(
        (
            d.due[:10]
            for d in assessment.deadlines
            if d.code == "compensation-claim" and d.case == case.ref and not d.past
        ),
        default=None,
    )
    return {
        "case": case,
        "site": site,
        "parties": directory,
        "now": now,
        "entries": entries,
        "promises": promises,
        "overdue": [p for p in promises if p.is_overdue(now)],
        "kept": sum(1 for p in promises if p.state == "kept"),
        "broken": broken,
        "refusals": refusals,
        "outage": duration_text(case.outage(now)),
        "first_called": next((e for e in entries if e.kind in CALLS and e.party), None),
        "contracts": contracts,
        "events": events,
        "findings": findings,
        "owed": owed,
        "refund": refund,
        "ladder": ladder,
        "holder": holder,
        "addressee": addressee,
        "next_rung": next_rung,
        "still_out": case.outage_ended is None,
        "claims": claims,
        "claim_by": dt.date.fromisoformat(claim_by) if claim_by else None,
        "say": what_to_say(
            ladder.next, holder.party_name or "", broken=bool(broken), refused=bool(refusals)
        )
        if ladder.next and holder
        else "",
        "answer_by": (timezone.localtime(now) + ANSWER_WITHIN).date(),
    }


# The rungs that are not a company: where a person turns when the company does not answer.
OUTSIDE_HELP = frozenset({SOUMU, HOTLINE, POLICE, HOUTERASU})


def letter_addressee(ladder: Ladder, owed: list[Any]) -> tuple[Step | None, Step | None]:
    """Whom the letter is to, and where to turn if it is not answered.

    The letter goes to the party that owes: the party of what is owed, else the holder (the
    ladder's first company), at the furthest of its desks the case has reached (its
    complaint desk after a refusal). The next rung that is not a company (総務省's centre,
    188) is named in the letter as where the customer will turn, never as its addressee.
    """
    companies = [(i, s) for i, s in enumerate(ladder.rungs) if s.party not in OUTSIDE_HELP]
    owing = next((f.party for f in owed if f.party), None)
    party = owing or (companies[0][1].party if companies else None)
    desks = [(i, s) for i, s in companies if s.party == party]
    reached = [(i, s) for i, s in desks if i <= ladder.rung] or desks[:1]
    at, addressee = reached[-1] if reached else (-1, None)
    next_rung = next(
        (s for i, s in enumerate(ladder.rungs) if i > at and s.party in OUTSIDE_HELP), None
    )
    return addressee, next_rung


def report_context(case: Case, now: dt.datetime | None = None) -> dict[str, Any]:
    return case_facts(case, now)


def report_markdown(case: Case, now: dt.datetime | None = None) -> str:
    return render_to_string("cases/report.md", report_context(case, now))


def report_pdf(case: Case, now: dt.datetime | None = None) -> bytes:
    from weasyprint import HTML  # heavy: only when a PDF is asked for

    html = render_to_string("cases/report.html", report_context(case, now))
    return HTML(string=html).write_pdf()


def letter_text(case: Case, now: dt.datetime | None = None) -> str:
    """The complaint letter as plain text, to paste into a web form (in the page's language)."""
    english = translation.get_language() == "en"
    template = "cases/letter_en.txt" if english else "cases/letter_ja.txt"
    return render_to_string(template, case_facts(case, now)).strip() + "\n"


def letter_pdf(case: Case, now: dt.datetime | None = None) -> bytes:
    """The complaint letter as a PDF with its Japanese font embedded (Noto Sans CJK)."""
    from weasyprint import HTML

    text = letter_text(case, now)
    html = render_to_string("cases/letter.html", {"text": text, "case": case})
    return HTML(string=html).write_pdf()


def journey(case: Case, now: dt.datetime | None = None) -> dict[str, Any]:
    """Where the case stands, as plain data (the API's and the CLI's view of the case page):
    the ladder's rungs and the one it is on, the steps taken, what is owed."""
    facts = case_facts(case, now)
    ladder = facts["ladder"]
    first = facts["first_called"]
    return {
        "rung": ladder.rung,
        "rungs": [
            {
                "party": step.party,
                "party_name": step.party_name,
                "desk_name": step.desk_name,
                "phone": step.phone,
                "dial": step.dial,
                "numbers": step.numbers,
                "open_now": step.open_now,
                "next_open": step.next_open,
                "why": step.why,
            }
            for step in ladder.rungs
        ],
        "say": facts["say"] if ladder.escalated else "",
        "first_called": {"party": first.party, "at": first.at} if first else None,
        "steps": [
            {"at": e.at, "party": e.party, "person": e.person, "kind": e.kind, "outcome": e.outcome}
            for e in ladder.taken
        ],
        "owed": [
            {
                "code": f.code,
                "party": f.party,
                "amount_yen": f.amount_yen,
                "why": f.why,
                "action": f.action,
            }
            for f in facts["owed"]
        ],
    }
