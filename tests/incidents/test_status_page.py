"""The customers' status page: a private, revocable link per incident, no login, no other
customer's data, plain Japanese, no script."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from madoguchi.incidents import services
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory

T0 = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def incident(world: World) -> Any:
    cases = []
    for name in ("顧客甲", "顧客乙"):
        site = SiteFactory(organization=world.org_a, name=name)
        ContractFactory(site=site, party="docomo-hikari")
        cases.append(CaseFactory(site=site, services=["access"], outage_started=T0, created=T0))
    found = services.confirm_incident(
        None,
        organization_id=world.org_a.pk,
        case_ids=[c.pk for c in cases],
        party="docomo-hikari",
        service="access",
        prefecture="東京都",
    )
    services.log_call(
        found,
        user=None,
        said="設備故障のため復旧作業中です",
        reference="INTERNAL-REF-9",
        promise_what="callback",
        promise_due=T0 + dt.timedelta(hours=3),
        next_update_due=T0 + dt.timedelta(hours=2),
    )
    services.log_call(found, user=None, said="社内メモ: 顧客甲に請求", public=False)
    return found


def _page(token: str) -> Any:
    return Client().get(f"/status/{token}/")


def test_the_link_shows_the_outage_without_a_login(incident: Any) -> None:
    response = _page(services.issue_status_link(incident, user=None))
    assert response.status_code == 200
    page = response.content.decode()
    assert "ドコモ光" in page
    assert "東京都" in page
    assert "設備故障のため復旧作業中です" in page
    assert "2026年12月6日" in page  # since when, in words people read
    assert "次のお知らせ" in page


def test_the_page_names_no_customer_and_no_internal_note(world: World, incident: Any) -> None:
    page = _page(services.issue_status_link(incident, user=None)).content.decode()
    for private in ("顧客甲", "顧客乙", world.site_a.name, world.org_a.name, "社内メモ"):
        assert private not in page
    assert "INTERNAL-REF-9" not in page  # the desk's reference is for the desk


def test_the_page_needs_no_script_and_shows_no_codes(incident: Any) -> None:
    page = _page(services.issue_status_link(incident, user=None)).content.decode()
    assert "<script" not in page
    for code in ("docomo-hikari", "access", "callback", "T01:00"):
        assert code not in page


def test_a_revoked_link_answers_nothing(incident: Any) -> None:
    token = services.issue_status_link(incident, user=None)
    services.revoke_status_link(incident, user=None)
    assert _page(token).status_code == 404


def test_a_new_link_replaces_the_old(incident: Any) -> None:
    old = services.issue_status_link(incident, user=None)
    new = services.issue_status_link(incident, user=None)
    assert _page(old).status_code == 404
    assert _page(new).status_code == 200


def test_an_unknown_token_answers_nothing(incident: Any) -> None:
    services.issue_status_link(incident, user=None)
    assert _page("0" * 40).status_code == 404


def test_the_ended_incident_says_it_is_working_again(incident: Any) -> None:
    token = services.issue_status_link(incident, user=None)
    services.end_incident(incident, user=None, ended=T0 + dt.timedelta(hours=5))
    page = _page(token).content.decode()
    assert "復旧" in page


def test_the_incident_page_gives_the_link_to_writers_only(world: World, incident: Any) -> None:
    token = services.issue_status_link(incident, user=None)
    assert token in world.clients["alice"].get(f"/incidents/{incident.pk}/").content.decode()
    assert token not in world.clients["vera"].get(f"/incidents/{incident.pk}/").content.decode()
