"""The API for incidents and notification channels: the same services and tenancy rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from madoguchi.cases.models import EntryKind
from madoguchi.notifications.models import Channel, LineAccount, SiteContact
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory

T0 = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def cases(world: World) -> list[Any]:
    found = []
    for n in range(3):
        site = SiteFactory(organization=world.org_a, name=f"API顧客{n}")
        ContractFactory(site=site, party="docomo-hikari", monthly_yen=5720)
        at = T0 + dt.timedelta(minutes=10 * n)
        found.append(CaseFactory(site=site, services=["access"], outage_started=at, created=at))
    return found


def _create(world: World, cases: list[Any], who: str = "alice") -> Any:
    return world.api(
        "post",
        "/api/v1/incidents",
        {
            "case_ids": [c.pk for c in cases],
            "party": "docomo-hikari",
            "service": "access",
            "prefecture": "東京都",
        },
        who=who,
    )


def test_an_incident_is_made_called_and_ended_through_the_api(
    world: World, cases: list[Any]
) -> None:
    created = _create(world, cases)
    assert created.status_code == 201, created.content
    incident = created.json()
    assert sorted(incident["cases"]) == sorted(c.pk for c in cases)
    call = world.api(
        "post",
        f"/api/v1/incidents/{incident['id']}/calls",
        {"said": "調査中", "reference": "R-1", "at": "2026-12-06T11:00:00+09:00"},
    )
    assert call.status_code == 201, call.content
    for case in cases:
        assert case.entries.filter(kind=EntryKind.CALL_OUT, reference="R-1").count() == 1
    ended = world.api(
        "post", f"/api/v1/incidents/{incident['id']}/end", {"ended": "2026-12-09T12:00:00+09:00"}
    )
    assert ended.json()["state"] == "ended"
    sites = world.api("get", f"/api/v1/incidents/{incident['id']}/sites").json()
    assert {s["owed_yen"] for s in sites} == {572}


def test_suggestions_come_from_the_api(world: World, cases: list[Any]) -> None:
    found = world.api("get", "/api/v1/incidents/suggestions").json()
    assert [sorted(s["cases"]) for s in found] == [sorted(c.pk for c in cases)]
    assert world.api("get", "/api/v1/incidents/suggestions", who="mallory").json() == []


def test_another_organization_cannot_make_an_incident_of_these_cases(
    world: World, cases: list[Any]
) -> None:
    assert _create(world, cases, who="mallory").status_code == 404
    assert _create(world, cases, who="vera").status_code == 403


def test_a_status_link_is_issued_and_revoked(world: World, cases: list[Any]) -> None:
    incident = _create(world, cases).json()
    url = world.api("post", f"/api/v1/incidents/{incident['id']}/status-link").json()["url"]
    path = url.split("127.0.0.1:8000", 1)[-1]
    assert world.clients["anonymous"].get(path).status_code == 200
    world.api("delete", f"/api/v1/incidents/{incident['id']}/status-link")
    assert world.clients["anonymous"].get(path).status_code == 404


def test_a_webhook_channel_is_created_with_its_signing_key(world: World) -> None:
    response = world.api(
        "post",
        "/api/v1/channels",
        {"kind": "webhook", "target": "https://hooks.example.jp/x", "events": ["case-opened"]},
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["secret"]) == 48
    listed = world.api("get", "/api/v1/channels").json()["items"]
    assert "secret" not in listed[0]
    assert world.api("get", "/api/v1/channels", who="mallory").json()["items"] == []


def test_a_bad_channel_address_is_a_422_naming_the_field(world: World) -> None:
    response = world.api("post", "/api/v1/channels", {"kind": "email", "target": "nope"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["path"] == "target"
    assert error["message"].startswith("宛先")
    assert not Channel.objects.exists()


def test_a_viewer_adds_only_a_personal_channel(world: World) -> None:
    body = {"kind": "email", "target": "vera@example.jp"}
    assert world.api("post", "/api/v1/channels", body, who="vera").status_code == 403
    personal = world.api("post", "/api/v1/channels", {**body, "personal": True}, who="vera")
    assert personal.status_code == 201
    assert personal.json()["personal"] is True


def test_a_colleagues_own_channel_is_invisible(world: World) -> None:
    world.api(
        "post",
        "/api/v1/channels",
        {"kind": "email", "target": "b@example.jp", "personal": True},
        who="bob",
    )
    assert world.api("get", "/api/v1/channels", who="alice").json()["items"] == []


def test_the_line_token_is_stored_for_the_organization(world: World) -> None:
    response = world.api("put", "/api/v1/line-account", {"channel_token": "tok123"})
    assert response.status_code == 204
    assert LineAccount.objects.get(organization=world.org_a).channel_token == "tok123"
    assert (
        world.api("put", "/api/v1/line-account", {"channel_token": "x"}, who="vera").status_code
        == 403
    )


def test_a_contact_is_added_to_a_site(world: World) -> None:
    url = f"/api/v1/sites/{world.site_a.pk}/contacts"
    bad = world.api("post", url, {"name": "山田", "email": "not-mail"})
    assert bad.status_code == 422
    good = world.api("post", url, {"name": "山田", "email": "yamada@example.jp"})
    assert good.status_code == 201
    assert SiteContact.objects.filter(site=world.site_a).count() == 1
    assert world.api("get", url, who="mallory").status_code == 404
