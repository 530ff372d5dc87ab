"""One door for writes: the page, the API and the command line reach the same service, which
keeps a stored site a valid site file, so they refuse the same write with the same words."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from madoguchi.cases.models import Promise, TimelineEntry
from tests.conftest import World

DUE = "2026-02-01T10:00:00+09:00"


def _refusals(world: World) -> dict[str, str]:
    """The message each door gives for a callback promised by a party the site does not know."""
    case = world.case_a
    said: dict[str, str] = {}
    url = f"/api/v1/cases/{case.pk}/entries"
    promise = {"by": "no-such-party", "what": "callback", "due": DUE}
    body = {"kind": "call-out", "party": "no-such-party", "promise": promise}
    response = world.api("post", url, body)
    assert response.status_code == 422
    said["api"] = "; ".join(e["message"] for e in response.json()["errors"])
    with pytest.raises(CommandError) as refused:
        call_command(
            "case",
            "--user",
            world.org_a.memberships.get(role="owner").user.username,
            "log",
            str(case.pk),
            "--party",
            "no-such-party",
            "--promise",
            "callback",
            "--due",
            "2026-02-01T10:00",
            stdout=StringIO(),
        )
    said["cli"] = str(refused.value)
    page = world.clients["alice"].post(
        f"/cases/{case.pk}/log/",
        {
            "kind": "call-out",
            "party": "no-such-party",
            "promise_what": "callback",
            "promise_due": "2026-02-01T10:00",
        },
        follow=True,
    )
    said["web"] = next(str(m) for m in page.context["messages"] if m.level_tag == "error")
    return said


def test_the_api_the_command_line_and_the_page_refuse_with_the_same_words(world: World) -> None:
    said = _refusals(world)
    assert "no-such-party" in said["api"]
    assert said["cli"] == said["api"]
    assert said["web"] == said["api"]


def test_no_door_lets_the_refused_promise_in(world: World) -> None:
    entries = TimelineEntry.objects.count()
    _refusals(world)
    assert TimelineEntry.objects.count() == entries
    assert not Promise.objects.filter(by="no-such-party").exists()


@pytest.mark.parametrize("model", ["site", "event", "billline", "customer"])
def test_the_admin_only_shows_site_data(model: str) -> None:
    from django.contrib import admin
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from madoguchi.contracts import models

    cls = next(
        m
        for m in vars(models).values()
        if getattr(m, "_meta", None) and m._meta.model_name == model
    )
    request = RequestFactory().get("/admin/")
    request.user = get_user_model()(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[cls]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    for inline in model_admin.get_inline_instances(request):  # the site's contracts
        assert not inline.has_change_permission(request)


def test_an_api_edit_of_one_contract_field_costs_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    url = f"/api/v1/contracts/{world.contract_a.pk}"
    world.api("patch", url, {"note": "先に一度"})  # the directory's stamps exist from now on
    # token and memberships, the contract, its site and organization, the directory's stamp,
    # the unique ref; the savepoint and the update; the site's own rows read as a site file
    # after the write (site, contracts, events, bill lines, stamp), the release. Every stored
    # site is valid (cases migration 0021), so nothing is read before the write.
    with django_assert_max_num_queries(15):
        response = world.api("patch", url, {"note": "一つだけ"})
    assert response.status_code == 200


def test_the_page_refuses_a_party_longer_than_a_party_can_be(world: World) -> None:
    entries = TimelineEntry.objects.count()
    page = world.clients["alice"].post(
        f"/cases/{world.case_a.pk}/log/", {"kind": "call-out", "party": "x" * 81}
    )
    assert page.status_code == 400  # the form refused it: the service would redirect
    assert TimelineEntry.objects.count() == entries
