"""What each linked site's customer is owed for an incident: the engine's own
outage-compensation findings for that site's case (nothing is computed here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from madoguchi.cases.assessment import assess_site, load_site_file_rows
from madoguchi.cases.models import Case
from madoguchi.contracts.records import site_directory
from madoguchi.directory.selectors import parties_for
from madoguchi.incidents.models import Incident
from madoguchi.server.i18n import engine_lang

OWED_CODES = ("outage-compensation", "outage-clock-not-started")


@dataclass(frozen=True)
class SiteOutcome:
    case: Case
    duration: dt.timedelta | None
    owed: list[Any]

    @property
    def owed_yen(self) -> int | None:
        amounts = [f.amount_yen for f in self.owed if getattr(f, "amount_yen", None) is not None]
        return sum(amounts) if amounts else None


def site_outcomes(incident: Incident, cases: list[Case], now: dt.datetime) -> list[SiteOutcome]:
    """Per linked case: its outage's length and the engine's findings of what is owed."""
    parties = parties_for(incident.organization)
    lang = engine_lang()
    found = []
    for case in cases:
        site = load_site_file_rows(case.site)
        assessment = assess_site(
            site, lang=lang, directory=site_directory(site, parties), case=case, now=now
        )
        owed = [f for f in assessment.findings if f.case == case.ref and f.code in OWED_CODES]
        found.append(SiteOutcome(case, case.outage(now), owed))
    return found
