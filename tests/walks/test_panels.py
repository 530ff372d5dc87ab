"""Panels of higher apps that lower pages load after them (issue 25: templates load no tag
library of a higher app; issue 26: the desk's CPU): each fragment is served by its own app's
view at its own URL, reads the user's organizations before anything else (another
organization's object is a 404 that gives no hint it exists), sends a visitor without a
session to the login page, and reads a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from madoguchi.agents.models import Agent
from madoguchi.agents.services import create_agent
from madoguchi.cases.models import Case
from madoguchi.incidents import selectors as incident_selectors
from madoguchi.incidents import services as incident_services
from madoguchi.receivables.services import create_receivable, record_payment
from madoguchi.subcontracts.services import receive_request
from tests.conftest import World, session_queries
from tests.factories import (
    CaseFactory,
    ContractFactory,
    SiteFactory,
    subcontract_values,
)

T0 = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo


def _site_with_case(org: Any, name: str, minutes: int) -> Case:
    site = SiteFactory(organization=org, name=name, prefecture="東京都")
    ContractFactory(site=site, party="docomo-hikari", monthly_yen=5720)
    started = T0 + dt.timedelta(minutes=minutes)
    return CaseFactory(
        site=site, services=["access"], outage_started=started, created=started, title=name
    )


@pytest.fixture
def outage(world: World, monkeypatch: pytest.MonkeyPatch) -> list[Case]:
    """Three of A's sites out at once (a suggestion), one of B's."""
    monkeypatch.setattr(incident_selectors, "SUGGESTION_LOOKBACK", dt.timedelta(days=3650))
    monkeypatch.setattr(timezone, "now", lambda: T0 + dt.timedelta(hours=1))
    _site_with_case(world.org_b, "他社の顧客", minutes=5)
    return [_site_with_case(world.org_a, f"顧客{n}", minutes=20 * n) for n in range(3)]


@pytest.fixture
def agent(world: World) -> Agent:
    found = create_agent(world.org_a, name="株式会社ひかりコネクト")
    due = dt.date.today() - dt.timedelta(days=3)
    short = create_receivable(
        world.org_a, agent=found, description="設定", amount_yen=12000, due=due
    )
    record_payment(short, paid_on=due, amount_yen=11560, fee_yen=440)
    create_receivable(world.org_a, agent=found, description="訪問", amount_yen=8800, due=due)
    receive_request(world.org_a, values=subcontract_values(agent_name=found.name))
    return found


def _get(world: World, who: str, url: str) -> Any:
    return world.clients[who].get(url)


def _plain(response: Any, url: str) -> str:
    text = response.content.decode().replace(url, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def _queries(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert call().status_code == 200
    return len(captured)


# --- what each fragment shows ---------------------------------------------------------------


def test_the_desks_suggestions_panel_shows_the_users_outage_only(
    world: World, outage: list[Case]
) -> None:
    panel = _get(world, "alice", reverse("incidents:suggestions-panel")).content.decode()
    assert 'id="incident-suggestions"' in panel
    assert all(case.site.name in panel for case in outage)
    assert "他社の顧客" not in panel
    assert "<html" not in panel  # a fragment, not a page
    theirs = _get(world, "mallory", reverse("incidents:suggestions-panel")).content.decode()
    assert "顧客0" not in theirs
    assert 'href="/incidents/"' in theirs  # nothing suggested: the link to the incidents


def test_the_case_panel_shows_the_suggestion_then_the_incident(
    world: World, outage: list[Case]
) -> None:
    url = reverse("incidents:case-panel", args=[outage[0].pk])
    seen_by_a_viewer = _get(world, "vera", url).content.decode()
    assert 'id="incident-suggestions"' in seen_by_a_viewer
    assert "/incidents/suggestions/confirm/" not in seen_by_a_viewer  # no button to write
    assert "/incidents/suggestions/confirm/" in _get(world, "alice", url).content.decode()
    (suggestion,) = incident_selectors.suggestions(
        world.org_a.memberships.get(role="owner").user, T0 + dt.timedelta(hours=1)
    )
    incident = incident_services.confirm_incident(
        None,
        organization_id=world.org_a.pk,
        case_ids=suggestion.case_ids,
        party=suggestion.party,
        service=suggestion.service,
        prefecture=suggestion.prefecture,
    )
    panel = _get(world, "alice", url).content.decode()
    assert 'id="incident"' in panel
    assert f'href="/incidents/{incident.pk}/"' in panel


def test_a_case_with_no_incident_keeps_the_link(world: World) -> None:
    url = reverse("incidents:case-panel", args=[world.case_a.pk])
    panel = _get(world, "alice", url).content.decode()
    assert panel.strip().startswith('<p class="links"><a href="/incidents/">')


def test_the_figures_panel_counts_the_users_incidents(world: World, outage: list[Case]) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    (suggestion,) = incident_selectors.suggestions(alice, T0 + dt.timedelta(hours=1))
    incident_services.confirm_incident(
        None,
        organization_id=world.org_a.pk,
        case_ids=suggestion.case_ids,
        party=suggestion.party,
        service=suggestion.service,
        prefecture=suggestion.prefecture,
    )
    url = reverse("incidents:figures-panel")
    panel = _get(world, "alice", url).content.decode()
    assert 'id="incidents"' in panel
    assert "東京都" in panel
    assert "東京都" not in _get(world, "mallory", url).content.decode()


def test_the_receivables_panel_and_the_agents_record(world: World, agent: Agent) -> None:
    desk = _get(world, "bob", reverse("receivables:panel")).content.decode()
    assert "期日を過ぎた未入金: 1件（8,800円）" in desk
    assert "入金不足: 1件（440円）" in desk
    assert _get(world, "mallory", reverse("receivables:panel")).content.decode().strip() == ""
    record = _get(world, "vera", reverse("receivables:agent-panel", args=[agent.pk]))
    assert 'class="card agent-payments"' in record.content.decode()
    assert "9,240円" in record.content.decode()  # 440 short + 8,800 unpaid, past due


def test_the_agents_requests_panel(world: World, agent: Agent) -> None:
    panel = _get(world, "vera", reverse("subcontracts:agent-panel", args=[agent.pk]))
    assert 'id="agent-requests"' in panel.content.decode()


# --- tenancy and sessions -------------------------------------------------------------------


def _object_panels(world: World, agent: Agent) -> list[str]:
    return [
        reverse("incidents:case-panel", args=[world.case_a.pk]),
        reverse("receivables:agent-panel", args=[agent.pk]),
        reverse("subcontracts:agent-panel", args=[agent.pk]),
    ]


ORGANIZATION_PANELS = [
    "incidents:suggestions-panel",
    "incidents:figures-panel",
    "receivables:panel",
]


def test_another_organizations_object_is_a_404_like_one_that_does_not_exist(
    world: World, agent: Agent
) -> None:
    for url in _object_panels(world, agent):
        theirs = _get(world, "mallory", url)
        assert theirs.status_code == 404, url
        missing_url = url.replace(f"/{url.split('/')[3]}/", "/999999/")
        missing = _get(world, "mallory", missing_url)
        assert missing.status_code == 404
        # no hint that the row exists: the same page but for the address and the form tokens
        assert _plain(theirs, url) == _plain(missing, missing_url)
        assert _get(world, "alice", url).status_code == 200


def test_a_visitor_without_a_session_is_sent_to_log_in(world: World, agent: Agent) -> None:
    urls = [*_object_panels(world, agent), *(reverse(name) for name in ORGANIZATION_PANELS)]
    for url in urls:
        response = _get(world, "anonymous", url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_the_panels_are_not_kept_by_caches(world: World, agent: Agent) -> None:
    for url in [*_object_panels(world, agent), *(reverse(n) for n in ORGANIZATION_PANELS)]:
        assert "no-store" in _get(world, "alice", url)["Cache-Control"], url


def test_the_panels_only_read(world: World, agent: Agent) -> None:
    for url in [*_object_panels(world, agent), *(reverse(n) for n in ORGANIZATION_PANELS)]:
        assert world.clients["alice"].post(url).status_code == 405, url


# --- queries --------------------------------------------------------------------------------


# Beyond the session: the user with their organizations (one query:
# orgs.selectors.user_with_roles), then the panel's own reads. The suggestions: the recent
# open cases and their sites' contracts; the case: the case, its incident link, and the
# suggestions' two reads when it has none; the figures: three (counts, medians, promises);
# the desk's receivables: one aggregate; an agent's record: the agent and one aggregate; its
# requests: the agent, the counts, the latest rows, the troubles at the jobs' sites.
@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("incidents:suggestions-panel", 3),
        ("incidents:case-panel", 5),
        ("incidents:figures-panel", 4),
        ("receivables:panel", 2),
        ("receivables:agent-panel", 3),
        ("subcontracts:agent-panel", 5),
    ],
)
def test_each_panel_reads_a_fixed_number_of_queries(
    world: World, outage: list[Case], agent: Agent, name: str, queries: int
) -> None:
    args = {
        "incidents:case-panel": [outage[0].pk],
        "receivables:agent-panel": [agent.pk],
        "subcontracts:agent-panel": [agent.pk],
    }.get(name, [])
    url = reverse(name, args=args)
    client = world.clients["alice"]
    client.get(url)
    few = _queries(lambda: client.get(url))
    for n in range(5):
        _site_with_case(world.org_a, f"追加{n}", minutes=30 + n)
        receive_request(world.org_a, values=subcontract_values(agent_name=agent.name))
        create_receivable(
            world.org_a, agent=agent, description=f"追加{n}", amount_yen=1000, due=dt.date.today()
        )
    assert _queries(lambda: client.get(url)) == few == queries + session_queries()
