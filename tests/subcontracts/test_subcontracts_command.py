"""`madoguchi manage subcontracts`: the same services as the pages."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from madoguchi.subcontracts import services
from madoguchi.subcontracts.models import IntakeLink, RequestStatus, SubcontractRequest
from tests.conftest import World
from tests.factories import subcontract_values


def _user(world: World, role: str = "alice") -> str:
    member = world.org_a.memberships.order_by("pk")
    names = {"alice": 0, "bob": 1, "vera": 2}
    return member[names[role]].user.username


def _run(*args: str) -> str:
    out = StringIO()
    call_command("subcontracts", *args, stdout=out)
    return out.getvalue()


def test_list_and_show_say_the_checks(world: World) -> None:
    request = services.receive_request(
        world.org_a, values=subcontract_values(building="multi-unit")
    )
    assert "course" in _run("--user", _user(world), "list").lower()
    shown = _run("--user", _user(world), "show", str(request.pk))
    assert "[critical]" in shown


def test_accept_from_the_command_line(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    out = _run("--user", _user(world, "bob"), "accept", str(request.pk))
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert f"site {request.site_id}" in out


def test_decline_from_the_command_line(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    _run("--user", _user(world), "decline", str(request.pk), "--reason", "お断り")
    request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


def test_a_viewer_cannot_accept_from_the_command_line(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    with pytest.raises(CommandError):
        _run("--user", _user(world, "vera"), "accept", str(request.pk))


def test_another_organizations_request_is_unknown_to_the_command_line(world: World) -> None:
    request = services.receive_request(world.org_b, values=subcontract_values())
    with pytest.raises(CommandError, match="no request"):
        _run("--user", _user(world), "show", str(request.pk))
    assert SubcontractRequest.objects.get().status == RequestStatus.NEW


def test_intake_links_from_the_command_line(world: World) -> None:
    out = _run("--user", _user(world), "intake-link", "create", "代理店向け")
    assert "/intake/sub_" in out
    link = IntakeLink.objects.get()
    _run("--user", _user(world), "intake-link", "revoke", str(link.pk))
    link.refresh_from_db()
    assert link.revoked is not None
