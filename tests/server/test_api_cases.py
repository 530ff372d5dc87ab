"""API routes for cases, timeline entries and promises."""

from __future__ import annotations

import json
from typing import Any

from tests.server.conftest import World


def _api(world: World, method: str, url: str, body: object = None, who: str = "alice") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[who]}"}
    client = world.clients["anonymous"]
    if body is None:
        return getattr(client, method)(url, **headers)
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json", **headers
    )


def test_open_a_case_log_a_call_with_a_promise_and_keep_it(world: World) -> None:
    case = _api(world, "post", f"/api/v1/sites/{world.site_a.pk}/cases", {"title": "不通"})
    assert case.status_code == 201
    case_id = case.json()["id"]
    assert case.json()["first_party"] == "docomo-hikari"
    entry = _api(
        world,
        "post",
        f"/api/v1/cases/{case_id}/entries",
        {
            "kind": "call-out",
            "party": "docomo-hikari",
            "reference": "Z-1",
            "status": "waiting",
            "promise": {
                "by": "docomo-hikari",
                "what": "callback",
                "due": "2026-06-10T15:00:00+09:00",
            },
        },
    )
    assert entry.status_code == 201
    assert entry.json()["status_to"] == "waiting"
    promise = _api(world, "get", f"/api/v1/cases/{case_id}/promises").json()["items"][0]
    kept = _api(world, "post", f"/api/v1/promises/{promise['id']}/kept")
    assert kept.json()["state"] == "kept"
    again = _api(world, "post", f"/api/v1/promises/{promise['id']}/broken")
    assert again.status_code == 409


def test_a_forbidden_status_change_is_a_conflict(world: World) -> None:
    response = _api(world, "patch", f"/api/v1/cases/{world.case_a.pk}", {"status": "closed"})
    assert response.status_code == 409


def test_corrections_are_new_entries(world: World) -> None:
    entry = _api(
        world, "post", f"/api/v1/cases/{world.case_a.pk}/entries", {"kind": "note", "said": "x"}
    )
    fixed = _api(world, "post", f"/api/v1/entries/{entry.json()['id']}/corrections", {"said": "y"})
    assert fixed.json()["corrects"] == entry.json()["id"]


def test_case_list_filters_by_status(world: World) -> None:
    assert _api(world, "get", "/api/v1/cases?status=closed").json()["count"] == 0
    assert _api(world, "get", "/api/v1/cases?status=open").json()["count"] == 1


def test_case_report_as_markdown(world: World) -> None:
    response = _api(world, "get", f"/api/v1/cases/{world.case_a.pk}/report")
    assert "Case report" in response.content.decode()
