"""Which desk of a party to call about a promise it made, and the number to dial for it.

The dashboard, the reminder e-mails and the calendar feed are read away from the site
(at the installer's desk, on a phone), so they give the number that reaches the desk from a
mobile, by the engine's one dialling rule (`engine.dialling.call_from_mobile`), from the
organization's cached directory: never a short code alone, never a number picked here.
"""

from __future__ import annotations

from collections.abc import Mapping

from madoguchi.engine import model as engine
from madoguchi.engine.dialling import DeskCall, call_from_mobile, call_line
from madoguchi.engine.model import Purpose
from madoguchi.engine.results import Deadline

# The desk to ask about a promise: a refund is the billing desk's, a written answer the
# complaint desk's; a callback, a visit or an escalation the fault desk's.
PROMISE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    "refund": (Purpose.BILLING, Purpose.INQUIRY, Purpose.FAULT),
    "written-answer": (Purpose.COMPLAINT, Purpose.INQUIRY, Purpose.FAULT),
}
DEFAULT_PURPOSES = (Purpose.FAULT, Purpose.INQUIRY, Purpose.BILLING)
# The desk a deadline is met at: a cancellation at the cancellation desk, a claim at billing.
DEADLINE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    "initial-cancellation": (Purpose.CANCEL, Purpose.INQUIRY),
    "contract-end": (Purpose.CANCEL, Purpose.INQUIRY),
    "compensation-claim": (Purpose.BILLING, Purpose.INQUIRY, Purpose.FAULT),
    "consent-number": (Purpose.CONSENT, Purpose.INQUIRY),
}


def promise_call(
    lang: str, directory: Mapping[str, engine.Party], party: str, what: str
) -> DeskCall:
    """The desk of `party` to ask about its promise of `what`, with the number to dial."""
    purposes = PROMISE_PURPOSES.get(what, DEFAULT_PURPOSES)
    return call_from_mobile(lang, directory.get(party), purposes)


def party_name(lang: str, directory: Mapping[str, engine.Party], slug: str) -> str:
    party = directory.get(slug)
    if party is None:
        return slug
    return party.name_en if lang == "en" and party.name_en else party.name


def promise_call_line(
    lang: str, directory: Mapping[str, engine.Party], party: str, what: str
) -> str | None:
    """The line of a text (e-mail, calendar event) saying which desk to call about the
    promise and the number to dial; None without one."""
    call = promise_call(lang, directory, party, what)
    return call_line(lang, party_name(lang, directory, party), call)


def deadline_call_line(
    lang: str,
    directory: Mapping[str, engine.Party],
    deadline: Deadline,
    contract_parties: Mapping[str, str],
) -> str | None:
    """The desk to call to meet a deadline (its party's, else its contract's holder's) and
    the number to dial, as a line of text; None when the deadline names no desk."""
    purposes = DEADLINE_PURPOSES.get(deadline.code)
    party = deadline.party or contract_parties.get(deadline.contract or "")
    if purposes is None or not party:
        return None
    call = call_from_mobile(lang, directory.get(party), purposes)
    return call_line(lang, party_name(lang, directory, party), call)
