"""Outage history: the site page lists past outages with duration and holder; the statistics
page shows, per party and area, the number of incidents, their median duration (computed by
the database) and the promises kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.cases.models import Promise
from madoguchi.incidents import selectors, services
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory

T0 = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


def _alice(world: World) -> Any:
    return world.org_a.memberships.get(role="owner").user


def _incident(world: World, hours: int, *, prefecture: str = "東京都") -> Any:
    start = T0
    site = SiteFactory(organization=world.org_a, prefecture=prefecture)
    ContractFactory(site=site, party="docomo-hikari")
    case = CaseFactory(site=site, services=["access"], outage_started=start, created=start)
    incident = services.confirm_incident(
        _alice(world),
        organization_id=world.org_a.pk,
        case_ids=[case.pk],
        party="docomo-hikari",
        service="access",
        prefecture=prefecture,
    )
    return services.end_incident(
        incident, user=_alice(world), ended=start + dt.timedelta(hours=hours)
    )


def test_the_site_page_lists_past_outages_with_duration_and_holder(world: World) -> None:
    CaseFactory(
        site=world.site_a,
        outage_started=T0,
        outage_ended=T0 + dt.timedelta(hours=26),
        first_party="docomo-hikari",
    )
    page = world.clients["alice"].get(f"/sites/{world.site_a.pk}/").content.decode()
    section = page[page.index('id="outage-history"') :]
    assert "1日2時間" in section
    assert "ドコモ光" in section


def test_an_outage_still_going_on_is_not_history(world: World) -> None:
    CaseFactory(site=world.site_a, outage_started=T0)
    assert selectors.site_outages(world.site_a.pk, world.org_a.pk) == []


def test_the_median_duration_is_the_middle_incident(world: World) -> None:
    for hours in (1, 2, 10):
        _incident(world, hours)
    (row,) = selectors.incident_figures(_alice(world), T0 + dt.timedelta(days=2))
    assert (row.party, row.prefecture, row.incidents) == ("docomo-hikari", "東京都", 3)
    assert row.median == dt.timedelta(hours=2)


def test_an_even_count_takes_the_mean_of_the_two_middle_ones(world: World) -> None:
    for hours in (1, 2, 4, 10):
        _incident(world, hours)
    (row,) = selectors.incident_figures(_alice(world), T0 + dt.timedelta(days=2))
    assert row.median == dt.timedelta(hours=3)


def test_areas_are_counted_apart(world: World) -> None:
    _incident(world, 1)
    _incident(world, 5, prefecture="大阪府")
    rows = selectors.incident_figures(_alice(world), T0 + dt.timedelta(days=2))
    assert {(r.prefecture, r.median) for r in rows} == {
        ("東京都", dt.timedelta(hours=1)),
        ("大阪府", dt.timedelta(hours=5)),
    }


def test_promises_kept_count_those_made_on_incident_cases(world: World) -> None:
    incident = _incident(world, 30)
    case = incident.links.get().case
    for kept in (True, False):
        Promise.objects.create(
            organization=world.org_a,
            case=case,
            by="docomo-hikari",
            what="callback",
            due=T0 + dt.timedelta(hours=2),
            kept=T0 + dt.timedelta(hours=1) if kept else None,
        )
    (row,) = selectors.incident_figures(_alice(world), T0 + dt.timedelta(days=2))
    assert (row.promises, row.kept) == (2, 1)


def test_the_statistics_page_shows_only_the_users_incidents(world: World) -> None:
    _incident(world, 3)
    assert "東京都" not in _figures(world.clients["mallory"].get("/incidents/figures/"))
    assert "東京都" in _figures(world.clients["alice"].get("/incidents/figures/"))


def _figures(response: Any) -> str:
    page = response.content.decode()
    return page[page.index('id="incidents"') :]


def test_the_figures_read_a_fixed_number_of_queries(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _incident(world, 1)
    user = _alice(world)
    selectors.incident_figures(user, T0)
    with CaptureQueriesContext(connection) as few:
        selectors.incident_figures(user, T0)
    for hours in (2, 3, 4):
        _incident(world, hours, prefecture="北海道")
    with CaptureQueriesContext(connection) as many:
        selectors.incident_figures(user, T0)
    assert len(many) == len(few)
