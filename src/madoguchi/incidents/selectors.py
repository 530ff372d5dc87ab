"""Reads for incidents: the desk's suggestions, an incident's page, outage history.

Each read is a fixed number of queries, scoped to the user's organizations first."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from madoguchi.cases.models import Case, Promise
from madoguchi.contracts.models import Contract
from madoguchi.incidents.holders import ContractRow, holder_of, service_out
from madoguchi.incidents.models import Incident, IncidentCase, IncidentUpdate, State
from madoguchi.orgs.selectors import organization_ids
from madoguchi.orgs.types import AnyUser
from madoguchi.server.prepared import Values, prepared_or_built

# Cases opened within this span of each other at sites on the same holder and area are
# suggested as one outage ("five customers called within an hour").
SUGGESTION_WINDOW = dt.timedelta(hours=3)
# Only recent open cases are looked at, and at most this many (the newest).
SUGGESTION_LOOKBACK = dt.timedelta(days=7)
SUGGESTION_CASES = 500


@dataclass(frozen=True)
class SuggestedCase:
    id: int
    site_id: int
    site_name: str
    title: str
    started: dt.datetime


@dataclass
class Suggestion:
    """Open cases of different sites that look like one outage (not stored until a person
    confirms or dismisses it)."""

    organization_id: int
    party: str
    service: str
    prefecture: str
    city: str
    cases: list[SuggestedCase] = field(default_factory=list)

    @property
    def started(self) -> dt.datetime:
        return min(c.started for c in self.cases)

    @property
    def case_ids(self) -> list[int]:
        return [c.id for c in self.cases]

    @property
    def site_count(self) -> int:
        return len({c.site_id for c in self.cases})


def suggestions(user: AnyUser, now: dt.datetime) -> list[Suggestion]:
    """Two or more open cases, not linked to an incident, at different sites of one
    organization whose service out has the same holder, in the same area, started within
    SUGGESTION_WINDOW of the group's first. Two queries from statements compiled once
    (`prepared_or_built`): the dashboard asks on every visit."""
    values = {"organization": organization_ids(user), "since": now - SUGGESTION_LOOKBACK}
    rows, contract_rows = prepared_or_built(("incident suggestions",), _suggestion_reads, values)
    contracts: dict[int, list[ContractRow]] = defaultdict(list)
    for c in contract_rows:
        contracts[c["site_id"]].append(ContractRow(**c))
    groups: dict[tuple[int, str, str, str, str], list[SuggestedCase]] = defaultdict(list)
    for row in rows:
        started = row["outage_started"] or row["created"]
        service = service_out(row["services"] or [], row["symptoms"] or [])
        party = holder_of(contracts[row["site_id"]], service, started)
        if party is None or service is None or not row["site__prefecture"]:
            continue
        key = (row["organization_id"], party, service, row["site__prefecture"], "")
        groups[key].append(
            SuggestedCase(row["id"], row["site_id"], row["site__name"], row["title"] or "", started)
        )
    found: list[Suggestion] = []
    for (org, party, service, prefecture, city), cases in groups.items():
        cases.sort(key=lambda c: (c.started, c.id))
        cluster: list[SuggestedCase] = []
        for case in cases:
            if cluster and case.started - cluster[0].started > SUGGESTION_WINDOW:
                _keep(found, org, party, service, prefecture, city, cluster)
                cluster = []
            cluster.append(case)
        _keep(found, org, party, service, prefecture, city, cluster)
    return sorted(found, key=lambda s: s.started, reverse=True)


def _suggestion_reads(values: Values) -> list[QuerySet[Any]]:
    """The open cases not linked to an incident, created since `since`, newest first (at
    most SUGGESTION_CASES), and the contracts of their sites, by site in the sites' order.
    The contracts are found through the same cases as a subquery, not by the sites' ids:
    then the statement is the same whatever the cases are, and is compiled once."""
    recent = (
        Case.objects.filter(organization_id__in=values["organization"])
        .active()
        .filter(incident_link__isnull=True, created__gte=values["since"])
        .order_by("-created", "-id")[:SUGGESTION_CASES]
    )
    return [
        recent.values(
            "id",
            "title",
            "services",
            "symptoms",
            "outage_started",
            "created",
            "organization_id",
            "site_id",
            "site__name",
            "site__prefecture",
        ),
        Contract.objects.filter(
            organization_id__in=values["organization"], site_id__in=recent.values("site_id")
        )
        .order_by("site_id", "position", "id")
        .values("site_id", "service", "party", "start", "end"),
    ]


def _keep(
    found: list[Suggestion],
    org: int,
    party: str,
    service: str,
    prefecture: str,
    city: str,
    cluster: list[SuggestedCase],
) -> None:
    if len({c.site_id for c in cluster}) >= 2:
        found.append(Suggestion(org, party, service, prefecture, city, list(cluster)))


def suggestion_for_case(user: AnyUser, case_id: int, now: dt.datetime) -> Suggestion | None:
    return next((s for s in suggestions(user, now) if case_id in s.case_ids), None)


def incidents_for(user: AnyUser) -> QuerySet[Incident]:
    return Incident.objects.for_user(user).shown()


def incident_for_page(user: AnyUser, pk: int) -> Incident:
    """The user's incident (Incident.DoesNotExist for another organization's)."""
    return incidents_for(user).get(pk=pk)


def linked_cases(incident: Incident) -> list[Case]:
    """The incident's cases with their sites, in the order they were linked (one query)."""
    return list(
        Case.objects.filter(
            organization_id=incident.organization_id, incident_link__incident=incident
        )
        .select_related("site")
        .order_by("incident_link__linked", "id")
    )


def cases_to_add(incident: Incident, limit: int = 50) -> list[Case]:
    """Open cases of the incident's organization in no incident, newest first (one query)."""
    if incident.state != State.OPEN:
        return []
    return list(
        Case.objects.filter(organization_id=incident.organization_id)
        .active()
        .filter(incident_link__isnull=True)
        .select_related("site")
        .order_by("-created", "-id")[:limit]
    )


def updates(incident: Incident, *, public_only: bool = False) -> QuerySet[IncidentUpdate]:
    rows = IncidentUpdate.objects.filter(
        organization_id=incident.organization_id, incident=incident
    )
    return rows.filter(public=True) if public_only else rows


def incident_by_status_token(token: str) -> Incident | None:
    """The incident a customer's status link names; None for a revoked or unknown one."""
    if not token or len(token) > 100:
        return None
    return (
        Incident.objects.shown()
        .filter(status_digest=Incident.digest_of(token))
        .exclude(status_digest="")
        .first()
    )


def open_incident_of_case(user: AnyUser, case_id: int) -> Incident | None:
    """The incident the user's case is part of (not a dismissed one), or None; from a
    statement compiled once (`prepared_reads`): every case page's panel asks."""
    values = {"organization": organization_ids(user), "case": case_id}
    (links,) = prepared_or_built(("incident of a case",), _incident_link_read, values)
    return links[0].incident if links else None


def _incident_link_read(values: Values) -> list[Any]:
    links = IncidentCase.objects.filter(
        organization_id__in=values["organization"], case_id=values["case"]
    )
    live = links.exclude(incident__state=State.DISMISSED).select_related("incident")
    return [live.order_by("linked", "id")[:1]]


# --- Outage history ---------------------------------------------------------------------

OUTAGE_DURATION = ExpressionWrapper(
    F("outage_ended") - F("outage_started"), output_field=DurationField()
)


def site_outages(site_id: int, organization_id: int, *, limit: int = 20) -> list[dict[str, Any]]:
    """The site's past outages, newest first, with their duration (by the database) and the
    incident's holder where the case was part of one (else the party called first)."""
    return [
        dict(row)
        for row in Case.objects.filter(organization_id=organization_id, site_id=site_id)
        .filter(outage_started__isnull=False, outage_ended__isnull=False)
        .annotate(duration=OUTAGE_DURATION)
        .annotate(holder=Coalesce("incident_link__incident__party", "first_party"))
        .order_by("-outage_started", "-id")
        .values("id", "title", "outage_started", "outage_ended", "duration", "holder")[:limit]
    ]


@dataclass(frozen=True)
class AreaFigures:
    party: str
    prefecture: str
    incidents: int
    median: dt.timedelta | None
    promises: int
    kept: int


def incident_figures(user: AnyUser, now: dt.datetime) -> list[AreaFigures]:
    """Per holder and prefecture: how many incidents, their median duration (middle rows
    picked by window functions in the database) and the promises made on their cases that
    were kept. Three queries, whatever the number of incidents."""
    mine = incidents_for(user)
    counts = {
        (r["party"], r["prefecture"]): r["n"]
        for r in mine.order_by().values("party", "prefecture").annotate(n=Count("id"))
    }
    ended = (
        mine.filter(state=State.ENDED, ended__isnull=False)
        .annotate(
            duration=ExpressionWrapper(F("ended") - F("started"), output_field=DurationField())
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("party"), F("prefecture")],
                order_by=[F("duration").asc(), F("id").asc()],
            ),
            size=Window(Count("id"), partition_by=[F("party"), F("prefecture")]),
        )
    )
    # The middle row (odd count) or the two middle rows (even): rank*2 within size±1..2.
    middle = ended.filter(Q(rank=(F("size") + 1) / 2) | Q(rank=(F("size") + 2) / 2)).values(
        "party", "prefecture", "duration"
    )
    medians: dict[tuple[str, str], list[dt.timedelta]] = defaultdict(list)
    for r in middle:
        medians[(r["party"], r["prefecture"])].append(r["duration"])
    promises = (
        Promise.objects.for_user(user)
        .filter(case__incident_link__incident__state__in=[State.OPEN, State.ENDED])
        .filter(Q(kept__isnull=False) | Q(broken__isnull=False) | Q(due__lt=now))
        .values("case__incident_link__incident__party", "case__incident_link__incident__prefecture")
        .annotate(total=Count("id"), kept=Count("id", filter=Q(kept__isnull=False)))
        .order_by()
    )
    promise_counts = {
        (
            r["case__incident_link__incident__party"],
            r["case__incident_link__incident__prefecture"],
        ): (r["total"], r["kept"])
        for r in promises
    }
    figures = []
    for key in sorted(counts):
        values = medians.get(key, [])
        median = sum(values, dt.timedelta()) / len(values) if values else None
        total, kept = promise_counts.get(key, (0, 0))
        figures.append(AreaFigures(key[0], key[1], counts[key], median, total, kept))
    return figures


# --- Panels other pages load after them ---------------------------------------------------


def case_for_panel(user: AnyUser, case_id: int) -> Case:
    """The user's case, only what its panel needs (Case.DoesNotExist for another
    organization's): read before anything else about it."""
    values = {"organization": organization_ids(user), "case": case_id}
    (found,) = prepared_or_built(("case for a panel",), _case_for_panel_read, values)
    if not found:
        raise Case.DoesNotExist
    return found[0]


def _case_for_panel_read(values: Values) -> list[Any]:
    cases = Case.objects.filter(organization_id__in=values["organization"], pk=values["case"])
    return [cases.only("id", "organization_id", "status")]


def case_panel(
    user: AnyUser, case: Case, now: dt.datetime
) -> tuple[Incident | None, Suggestion | None]:
    """The case's open incident, else (for an active case) the suggestion it is part of."""
    incident = open_incident_of_case(user, case.pk)
    if incident is not None or not case.is_active:
        return incident, None
    return None, suggestion_for_case(user, case.pk, now)
