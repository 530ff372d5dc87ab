"""The subcontract API: the same rules and services as the pages."""

from __future__ import annotations

import json

from madoguchi.subcontracts import services
from madoguchi.subcontracts.models import IntakeLink, SubcontractRequest
from tests.conftest import World
from tests.factories import subcontract_values


def _body(**changes: object) -> dict[str, object]:
    values = subcontract_values(**changes)
    values["pay_by"] = str(values["pay_by"])
    values.pop("note")
    return values


def test_a_request_is_created_and_checked(world: World) -> None:
    response = world.api("post", "/api/v1/subcontracts", _body(building="multi-unit"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [c["code"] for c in body["checks"]] == ["course-mismatch"]
    assert body["checks"][0]["text"]
    assert SubcontractRequest.objects.get().organization == world.org_a


def test_an_incomplete_request_names_each_missing_field(world: World) -> None:
    response = world.api("post", "/api/v1/subcontracts", _body(caller_name="", ids={}))
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert {"caller_name", "id_value_0"} <= paths
    assert not SubcontractRequest.objects.exists()


def test_an_unknown_party_is_refused(world: World) -> None:
    body = _body(holders={"access": "no-such-party", "isp": "so-net"})
    response = world.api("post", "/api/v1/subcontracts", body)
    assert response.status_code == 422
    assert any(e["path"] == "access" for e in response.json()["errors"])


def test_accept_through_the_api(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    response = world.api("post", f"/api/v1/subcontracts/{request.pk}/accept", {})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "accepted"
    assert body["site"]
    assert body["case"]
    assert body["customer"]
    again = world.api("post", f"/api/v1/subcontracts/{request.pk}/accept", {})
    assert again.status_code == 409


def test_decline_through_the_api(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    response = world.api(
        "post", f"/api/v1/subcontracts/{request.pk}/decline", {"reason": "同じ所在地"}
    )
    assert response.json()["status"] == "declined"


def test_a_viewer_cannot_accept_through_the_api(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    response = world.api("post", f"/api/v1/subcontracts/{request.pk}/accept", {}, who="vera")
    assert response.status_code == 403


def test_another_organizations_request_is_not_found(world: World) -> None:
    request = services.receive_request(world.org_a, values=subcontract_values())
    response = world.api("get", f"/api/v1/subcontracts/{request.pk}", who="mallory")
    assert response.status_code == 404


def test_an_intake_link_is_made_once_and_revoked(world: World) -> None:
    made = world.api("post", "/api/v1/intake-links", {"name": "代理店"})
    assert made.status_code == 201
    token = made.json()["token"]
    assert world.clients["anonymous"].get(f"/intake/{token}/").status_code == 200
    listed = world.api("get", "/api/v1/intake-links").json()["items"]
    assert "token" not in json.dumps(listed)
    link = IntakeLink.objects.get()
    assert world.api("delete", f"/api/v1/intake-links/{link.pk}").status_code == 204
    assert world.clients["anonymous"].get(f"/intake/{token}/").status_code == 404


def test_the_list_is_newest_first(world: World) -> None:
    services.receive_request(world.org_a, values=subcontract_values(customer_name="古い"))
    services.receive_request(world.org_a, values=subcontract_values(customer_name="新しい"))
    items = world.api("get", "/api/v1/subcontracts").json()["items"]
    assert [i["customer_name"] for i in items] == ["新しい", "古い"]
