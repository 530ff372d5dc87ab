"""The dunning letter (督促状) to a sales agent: the amounts past their due date and still
open, each with what was promised, received and deducted, the total, and a date to pay by.
A text version (to paste into a mail or the agent's web form) and a PDF with its Japanese
font embedded (Noto Sans CJK), like the case letter (申入書)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from madoguchi.agents.models import Agent
from madoguchi.receivables.models import Deduction, DeductionKind, Receivable
from madoguchi.receivables.selectors import standing, today, with_sums

# How long the letter gives to pay.
PAY_WITHIN = dt.timedelta(days=14)
# A letter lists at most this many jobs (an agent owing more gets the oldest first).
MAX_LINES = 200


def letter_facts(agent: Agent, on: dt.date | None = None) -> dict[str, Any]:
    """Everything the letter says, read in three queries (the agent's organization comes
    with the agent; the deductions of all its lines in one)."""
    on = on or today()
    rows = list(
        with_sums(Receivable.objects.filter(agent=agent), on)
        .filter(open_yen__gt=0, due__lt=on)
        .select_related("site")
        .order_by("due", "pk")[:MAX_LINES]
    )
    kept_back = deductions_by_receivable([row.pk for row in rows])
    lines = [(row, standing(row, on), kept_back.get(row.pk, [])) for row in rows]
    return {
        "agent": agent,
        "organization": agent.organization,
        "on": on,
        "lines": lines,
        "total": sum(s.open_yen for _row, s, _kept_back in lines),
        "pay_by": on + PAY_WITHIN,
    }


@dataclass(frozen=True)
class KeptBack:
    """One deduction as the letter names it: what it was recorded as, and how much."""

    what: str
    amount_yen: int


def deductions_by_receivable(receivable_ids: list[int]) -> dict[int, list[KeptBack]]:
    """Each receivable's deductions by what they were recorded as (one query): the bank
    fee as such, anything else by the reason entered (a unilateral cut is never called a
    bank fee)."""
    found: dict[int, list[KeptBack]] = {}
    rows = (
        Deduction.objects.filter(payment__receivable_id__in=receivable_ids)
        .values("payment__receivable_id", "kind", "what", "amount_yen")
        .order_by("payment__paid_on", "id")
    )
    for row in rows:
        if row["kind"] == DeductionKind.BANK_FEE:
            what = str(DeductionKind.BANK_FEE.label)
        else:
            what = row["what"] or str(DeductionKind.OTHER.label)
        found.setdefault(row["payment__receivable_id"], []).append(
            KeptBack(what, row["amount_yen"])
        )
    return found


def letter_text(agent: Agent, on: dt.date | None = None) -> str:
    """The letter as plain text, in the page's language (Japanese unless English is asked)."""
    english = translation.get_language() == "en"
    template = "receivables/letter_en.txt" if english else "receivables/letter_ja.txt"
    return render_to_string(template, letter_facts(agent, on)).strip() + "\n"


def letter_pdf(agent: Agent, on: dt.date | None = None) -> bytes:
    """The letter as an A4 PDF: the same words, the amounts as a table."""
    from weasyprint import HTML  # heavy: only when a PDF is asked for

    facts = letter_facts(agent, on)
    english = translation.get_language() == "en"
    facts["english"] = english
    html = render_to_string("receivables/letter.html", facts)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
