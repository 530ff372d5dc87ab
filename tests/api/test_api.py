"""The HTTP API: CRUD, validation errors that name the field, and the OpenAPI schema."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from madoguchi.contracts.models import Contract, Customer, Site
from tests.conftest import World


def test_the_openapi_schema_lists_the_routes(world: World) -> None:
    schema = world.clients["alice"].get("/api/v1/openapi.json").json()
    assert "/api/v1/sites/{site_id}/assessment" in schema["paths"]
    assert "/api/v1/sites/import" in schema["paths"]


def test_the_docs_page_is_served_without_a_cdn(world: World) -> None:
    page = world.clients["alice"].get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in page


def test_creating_a_contract_changes_the_assessment(world: World) -> None:
    site = world.api(
        "post",
        "/api/v1/sites",
        {"name": "新規", "organization": "org-a", "symptoms": ["phone-down"]},
    ).json()
    before = world.api("get", f"/api/v1/sites/{site['id']}/assessment").json()
    assert before["routes"][0]["party"] is None
    created = world.api(
        "post",
        f"/api/v1/sites/{site['id']}/contracts",
        {"ref": "tel", "service": "phone", "party": "ntt-east"},
    )
    assert created.status_code == 201
    after = world.api("get", f"/api/v1/sites/{site['id']}/assessment").json()
    assert after["routes"][0]["party"] == "ntt-east"


def test_an_unknown_party_is_a_field_error(world: World) -> None:
    response = world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "x", "service": "isp", "party": "no-such-isp"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "party"


def test_a_duplicate_ref_is_a_field_error(world: World) -> None:
    response = world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": world.contract_a.ref, "service": "isp", "party": "so-net"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "ref"


def test_patching_a_contract_keeps_other_fields(world: World) -> None:
    response = world.api("patch", f"/api/v1/contracts/{world.contract_a.pk}", {"monthly_yen": 4400})
    assert response.status_code == 200
    assert response.json()["party"] == "docomo-hikari"
    assert response.json()["monthly_yen"] == 4400


def test_own_party_with_a_desk_routes_the_site(world: World) -> None:
    party = world.api(
        "post",
        "/api/v1/parties",
        {"slug": "local-isp", "name": "地元ISP", "kind": "isp", "organization": "org-a"},
    )
    assert party.status_code == 201
    desk = world.api(
        "post",
        f"/api/v1/parties/{party.json()['id']}/desks",
        {
            "slug": "local-fault",
            "purposes": ["fault"],
            "phone": "03-0000-1111",
            "hours": "Mo-Fr 09:00-18:00; PH off",
        },
    )
    assert desk.status_code == 201
    world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "isp2", "service": "isp", "party": "local-isp"},
    )
    result = world.api("get", f"/api/v1/sites/{world.site_a.pk}/assessment").json()
    assert {r["service"]: r["phone"] for r in result["routes"]}["isp"] == "03-0000-1111"


def test_bad_desk_hours_are_a_field_error(world: World) -> None:
    party = world.api(
        "post",
        "/api/v1/parties",
        {"slug": "p2", "name": "P2", "kind": "isp", "organization": "org-a"},
    ).json()
    response = world.api(
        "post", f"/api/v1/parties/{party['id']}/desks", {"slug": "d", "hours": "Mo-Fx 9-5"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "hours"


def test_catalog_parties_are_read_only(world: World) -> None:
    parties = world.api("get", "/api/v1/parties?q=so-net").json()["items"]
    response = world.api("patch", f"/api/v1/parties/{parties[0]['id']}", {"name": "x"})
    assert response.status_code == 403


def test_assessment_in_english(world: World) -> None:
    result = world.api("get", f"/api/v1/sites/{world.site_a.pk}/assessment?lang=en").json()
    assert result["routes"][0]["why"].startswith("The fiber line")


def test_session_auth_works_for_the_browser(world: World) -> None:
    assert world.clients["alice"].get("/api/v1/sites").status_code == 200


@pytest.mark.parametrize("words", ["本社", "東京", "顧客A", "CAF12345"])
def test_the_api_finds_a_site_with_the_same_words_as_the_web(world: World, words: str) -> None:
    customer = Customer.objects.create(organization=world.org_a, name="顧客A")
    Site.objects.filter(pk=world.site_a.pk).update(customer=customer)
    Contract.objects.filter(pk=world.contract_a.pk).update(ids={"customer_id": "CAF12345"})
    page = world.clients["alice"].get("/sites/", {"q": words})
    found = world.api("get", f"/api/v1/sites?{urlencode({'q': words})}").json()["items"]
    assert [site.pk for site in page.context["page"]] == [world.site_a.pk]
    assert [site["id"] for site in found] == [world.site_a.pk]
