"""`madoguchi manage incident` and `channel`: the same services and tenancy as the web."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from madoguchi.incidents.models import Incident, IncidentCase
from madoguchi.notifications.models import Channel
from tests.conftest import World
from tests.factories import CaseFactory, ContractFactory, SiteFactory

T0 = dt.datetime(2026, 12, 6, 1, 0, tzinfo=dt.UTC)


def _run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _user(world: World, role: str, org: Any = None) -> str:
    return (org or world.org_a).memberships.get(role=role).user.username


@pytest.fixture
def cases(world: World) -> list[Any]:
    found = []
    for _n in range(2):
        site = SiteFactory(organization=world.org_a)
        ContractFactory(site=site, party="docomo-hikari")
        found.append(CaseFactory(site=site, services=["access"], outage_started=T0, created=T0))
    return found


def test_an_incident_is_confirmed_called_and_ended_from_the_cli(
    world: World, cases: list[Any]
) -> None:
    alice = _user(world, "owner")
    ids = [str(c.pk) for c in cases]
    out = _run("incident", "--user", alice, "confirm", *ids, "--party", "docomo-hikari")
    incident = Incident.objects.get()
    assert f"incident {incident.pk}" in out
    _run("incident", "--user", alice, "call", str(incident.pk), "--said", "調査中")
    assert all(c.entries.filter(kind="call-out").count() == 1 for c in cases)
    _run("incident", "--user", alice, "end", str(incident.pk), "--at", "2026-12-06T15:00+09:00")
    incident.refresh_from_db()
    assert incident.state == "ended"


def test_another_organizations_user_cannot_use_these_cases(world: World, cases: list[Any]) -> None:
    mallory = _user(world, "owner", world.org_b)
    ids = [str(c.pk) for c in cases]
    with pytest.raises(CommandError):
        _run("incident", "--user", mallory, "confirm", *ids, "--party", "docomo-hikari")
    assert not IncidentCase.objects.exists()


def test_a_webhook_channel_is_added_with_its_key_from_the_cli(world: World) -> None:
    out = _run(
        "channel", "--user", _user(world, "owner"), "add", "webhook", "https://h.example.jp/x"
    )
    channel = Channel.objects.get()
    assert channel.secret in out
    listed = _run("channel", "--user", _user(world, "owner", world.org_b), "list")
    assert "h.example.jp" not in listed
