"""API routes for cases, timeline entries and promises."""

from __future__ import annotations

import pytest

from madoguchi.cases.models import EntryKind
from madoguchi.cases.services import assign, log_entry, open_case
from tests.conftest import World


def test_open_a_case_log_a_call_with_a_promise_and_keep_it(world: World) -> None:
    case = world.api("post", f"/api/v1/sites/{world.site_a.pk}/cases", {"title": "不通"})
    assert case.status_code == 201
    case_id = case.json()["id"]
    assert case.json()["first_party"] == "docomo-hikari"
    entry = world.api(
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
    promise = world.api("get", f"/api/v1/cases/{case_id}/promises").json()["items"][0]
    kept = world.api("post", f"/api/v1/promises/{promise['id']}/kept")
    assert kept.json()["state"] == "kept"
    again = world.api("post", f"/api/v1/promises/{promise['id']}/broken")
    assert again.status_code == 409


def test_a_forbidden_status_change_is_a_conflict(world: World) -> None:
    response = world.api("patch", f"/api/v1/cases/{world.case_a.pk}", {"status": "closed"})
    assert response.status_code == 409


def test_corrections_are_new_entries(world: World) -> None:
    entry = world.api(
        "post", f"/api/v1/cases/{world.case_a.pk}/entries", {"kind": "note", "said": "x"}
    )
    fixed = world.api("post", f"/api/v1/entries/{entry.json()['id']}/corrections", {"said": "y"})
    assert fixed.json()["corrects"] == entry.json()["id"]


def test_case_list_filters_by_status(world: World) -> None:
    assert world.api("get", "/api/v1/cases?status=closed").json()["count"] == 0
    assert world.api("get", "/api/v1/cases?status=open").json()["count"] == 1


def test_case_report_as_markdown(world: World) -> None:
    response = world.api("get", f"/api/v1/cases/{world.case_a.pk}/report")
    assert "Case report" in response.content.decode()


def test_case_rows_leave_the_assessment_to_the_case_itself(world: World) -> None:
    opened = world.api("post", f"/api/v1/sites/{world.site_a.pk}/cases", {"title": "不通"})
    rows = world.api("get", "/api/v1/cases").json()["items"]
    row = next(r for r in rows if r["id"] == opened.json()["id"])
    assert "assessment" not in row
    case = world.api("get", f"/api/v1/cases/{row['id']}").json()
    assert case["assessment"]["first_call"]["party"] == "docomo-hikari"


def test_patching_the_assignee_and_title_writes_entries(world: World) -> None:
    bob = world.org_a.memberships.get(role="staff").user
    url = f"/api/v1/cases/{world.case_a.pk}"
    response = world.api("patch", url, {"assignee_id": bob.pk, "title": "全断"})
    assert response.status_code == 200
    assert response.json()["assignee"] == bob.pk
    assert response.json()["title"] == "全断"
    said = list(world.case_a.entries.values_list("said", flat=True))
    assert any(bob.username in text for text in said)
    assert any("全断" in text for text in said)
    unassigned = world.api("patch", url, {"assignee_id": None})
    assert unassigned.json()["assignee"] is None


def test_a_stranger_cannot_be_assigned_through_the_api(world: World) -> None:
    mallory = world.org_b.memberships.get().user
    url = f"/api/v1/cases/{world.case_a.pk}"
    response = world.api("patch", url, {"assignee_id": mallory.pk, "title": "x"})
    assert response.status_code == 409
    world.case_a.refresh_from_db()
    assert world.case_a.title != "x"  # the whole change is refused


def _web_and_api(world: World, query: str) -> tuple[set[int], set[int]]:
    web = world.clients["alice"].get(f"/cases/all/?{query}").context["cases"]
    api = world.api("get", f"/api/v1/cases?{query}").json()["items"]
    return {row.pk for row in web}, {row["id"] for row in api}


@pytest.mark.parametrize(
    "query",
    ["q=受付 4711", "q=REF-4242", "q=本社", "q=不通&status=open", "party=docomo-hikari"],
)
def test_the_web_and_the_api_find_the_same_cases(world: World, query: str) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    titled = open_case(world.site_a, user=alice, title="FAXだけ不通 受付 4711")
    numbered = open_case(world.site_a, user=alice, title="請求の件")
    log_entry(numbered, user=alice, kind=EntryKind.CALL_OUT, reference="REF-4242")
    open_case(world.site_a, user=alice, title="ほかの件")
    web, api = _web_and_api(world, query)
    assert web == api
    assert web  # each query finds something, so the comparison means something
    if query == "q=受付 4711":
        assert web == {titled.pk}
    if query == "q=REF-4242":
        assert web == {numbered.pk}


def test_the_api_searches_by_assignee_me_like_the_web(world: World) -> None:
    alice = world.org_a.memberships.get(role="owner").user
    mine = open_case(world.site_a, user=alice, title="担当の件")
    assign(mine, user=alice, to=alice)
    web, api = _web_and_api(world, "assignee=me")
    assert web == api == {mine.pk}
