"""Who holds the service that is out at a case's site: the key an incident groups cases by.

Pure functions over plain rows (the selectors read them in a fixed number of queries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from madoguchi.engine.context import SYMPTOM_SERVICES
from madoguchi.engine.model import Service, Symptom
from madoguchi.engine.timezone import TOKYO


@dataclass(frozen=True)
class ContractRow:
    site_id: int
    service: str
    party: str
    start: dt.date | None
    end: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def service_out(services: Sequence[str], symptoms: Sequence[str]) -> str | None:
    """The service whose holder is called first: the case's own first service, else the
    first the case's symptoms touch (the fiber line for "the internet is down")."""
    if services:
        return str(services[0])
    for symptom in symptoms:
        try:
            touched = SYMPTOM_SERVICES[Symptom(symptom)]
        except ValueError:
            continue
        if touched:
            return str(touched[0])
    return None


def holder_of(contracts: Iterable[ContractRow], service: str | None, at: dt.datetime) -> str | None:
    """The party holding an active contract of `service` on the day of `at` (Tokyo)."""
    if service is None:
        return None
    day = at.astimezone(TOKYO).date()
    for row in contracts:
        if row.service == service and row.active_on(day):
            return row.party
    if service == Service.ISP:  # a collabo contract that includes the ISP holds it too
        for row in contracts:
            if row.service == Service.ACCESS and row.active_on(day):
                return row.party
    return None
