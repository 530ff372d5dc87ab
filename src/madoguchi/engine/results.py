"""The assessment's parts, as plain records (`records.Record`) that serialise to the public
JSON."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, cast

from msgspec import field, to_builtins

from madoguchi.engine.kinds import Service
from madoguchi.engine.records import Record
from madoguchi.engine.timezone import TOKYO


class Severity(StrEnum):
    CRITICAL = "critical"
    WARN = "warn"
    INFO = "info"


SEVERITY_ORDER = {Severity.CRITICAL: 0, Severity.WARN: 1, Severity.INFO: 2}


class Route(Record, frozen=True):
    """Who to call for one service that is out: the company, its desk and number, and why."""

    service: str
    party: str | None
    desk: str | None
    phone: str | None
    open_now: bool | None
    next_open: str | None
    why: str
    party_name: str | None = None
    desk_name: str | None = None
    url: str | None = None
    hours: str | None = None
    verified: bool = True
    contract: str | None = None
    have_ready: dict[str, str] = field(default_factory=dict)
    # How the desk answers and what the call costs (additions to the public contract).
    answers: str | None = None  # person | recording (with a callback)
    repair_hours: str | None = None  # opening_hours, when repairs happen
    free_call: bool | None = None  # None: not known
    call_note: str | None = None  # the above as one readable line
    # The number to dial now from the phone in hand, and every number of the desk as
    # {"number", "from"} (from: null = any phone); engine/dialling.py decides both.
    dial: str | None = None
    numbers: list[dict[str, Any]] = field(default_factory=list)
    ended: str | None = None  # YYYY-MM-DD: routed to the holder of a contract that ended


class Hypothesis(Record, frozen=True):
    """A likely cause of the trouble, with a confidence (an ordinal judgement, higher first)
    and why."""

    code: str
    confidence: float
    why: str
    service: Service | None = None  # the service whose holder the cause points at


class Finding(Record, frozen=True):
    """One check's result: a trap found in the contracts or bills, what to do, and what
    the customer is owed or pays for it."""

    code: str
    severity: Severity
    contracts: list[str]
    why: str
    action: str
    party: str | None = None
    desk: str | None = None
    phone: str | None = None
    amount_yen: int | None = None  # what can be claimed back (outage, fee over the cap)
    case: str | None = None  # the case it comes from
    # What a money finding costs per year and how that was computed, in words (additions to
    # the public contract; engine/yearly.py): null when the finding costs nothing per year
    # or no bill line or fee tells.
    yearly_yen: int | None = None
    yearly_basis: str | None = None


class Deadline(Record, frozen=True):
    """A date that matters (the end of a cooling-off period, a consent number's expiry, a promise
    due, a contract's end, a claim's limit), and whether it has passed."""

    code: str
    due: str  # YYYY-MM-DD or an ISO 8601 time
    why: str
    contract: str | None = None
    case: str | None = None
    party: str | None = None
    past: bool = False

    def sort_key(self) -> dt.datetime:
        if len(self.due) == 10:  # a whole day is due at its end
            day = dt.date.fromisoformat(self.due)
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=TOKYO)
        return dt.datetime.fromisoformat(self.due)


class Step(Record, frozen=True):
    """One rung of the escalation ladder: the next desk to go to when one fails."""

    step: int
    party: str
    desk: str | None
    phone: str | None
    why: str
    party_name: str | None = None
    desk_name: str | None = None
    open_now: bool | None = None
    next_open: str | None = None
    call_note: str | None = None
    verified: bool = True  # false: the desk's facts say 要確認
    dial: str | None = None
    numbers: list[dict[str, Any]] = field(default_factory=list)


class FirstCall(Record, frozen=True):
    """The one call to make first, with the number to dial from the phone in hand."""

    party: str
    desk: str | None
    phone: str | None
    open_now: bool | None
    next_open: str | None
    service: str
    party_name: str | None = None
    desk_name: str | None = None
    call_note: str | None = None
    dial: str | None = None
    numbers: list[dict[str, Any]] = field(default_factory=list)
    why: str | None = None  # where to find a number when there is none to dial
    fixed_phone_out: bool = False  # dial is a number for mobiles because of it


class Assessment(Record, frozen=True):
    """What `assess` says of a site: who to call, the likely causes, the findings, the
    deadlines and the escalation ladder (the JSON of `madoguchi assess`, SITE-FILE.md)."""

    site: str
    now: str
    region: str | None
    routes: list[Route]
    first_call: FirstCall | None
    hypotheses: list[Hypothesis]
    findings: list[Finding]
    deadlines: list[Deadline]
    escalation: list[Step]
    lang: str = "ja"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The assessment as plain JSON data (new lists and dicts all the way down, each
        record a dict of its fields in order, each enumeration member its value): the CLI,
        the API and a case's snapshot all print or store this."""
        return cast(dict[str, Any], to_builtins(self))
