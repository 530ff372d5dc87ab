"""What the input guard (madoguchi.server.inputs) answers: a clear 400 page or a 422 naming
the parameter, never a server error and never a silently different list."""

from __future__ import annotations

import json

from madoguchi.server.inputs import MAX_PAGE, MAX_QUERY_VALUE, page_number
from tests.conftest import World


def test_a_nul_in_a_search_answers_a_page_that_says_why(world: World) -> None:
    response = world.clients["alice"].get("/cases/all/?q=a%00b")
    assert response.status_code == 400
    assert "使えない文字（NUL）" in response.content.decode()


def test_a_nul_in_an_api_search_names_the_parameter(world: World) -> None:
    response = world.api("get", "/api/v1/cases?q=a%00b")
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"path": "q", "message": "A value holds a NUL character, which is not accepted."}
    ]


def test_a_nul_in_a_party_filter_is_refused(world: World) -> None:
    assert world.clients["alice"].get("/cases/?party=%00").status_code == 400


def test_an_overlong_query_value_gives_the_limit(world: World) -> None:
    response = world.clients["alice"].get("/sites/?q=" + "x" * (MAX_QUERY_VALUE + 1))
    assert response.status_code == 400
    assert f"{MAX_QUERY_VALUE:,}文字まで" in response.content.decode()


def test_a_huge_page_number_shows_the_first_page(world: World) -> None:
    response = world.clients["alice"].get("/cases/?page=" + "9" * 30 + "&overdue_page=9" * 2)
    assert response.status_code == 200


def test_page_numbers_past_the_limit_read_as_the_first_page() -> None:
    from django.http import QueryDict

    assert page_number(QueryDict(f"page={MAX_PAGE}")) == MAX_PAGE
    assert page_number(QueryDict(f"page={MAX_PAGE + 1}")) == 1
    assert page_number(QueryDict("page=-3")) == 1
    assert page_number(QueryDict("page=１２")) == 1  # full-width digits are not a page


def test_a_json_list_body_is_refused(world: World) -> None:
    response = world.api("post", "/api/v1/sites", [{"name": "x"}])
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body"


def test_a_json_scalar_body_is_refused(world: World) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    response = world.clients["anonymous"].post(
        "/api/v1/sites", json.dumps("site"), content_type="application/json", **headers
    )
    assert response.status_code == 422


def test_a_nul_in_a_json_name_names_its_path(world: World) -> None:
    response = world.api("post", "/api/v1/sites", {"name": "本\x00社"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "name"


def test_a_nul_in_an_encoded_form_value_is_refused(world: World) -> None:
    response = world.clients["alice"].post(
        "/sites/new/", "name=%E6%9C%AC%00", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400


def test_a_nul_in_a_form_field_is_an_error_on_the_field(world: World) -> None:
    response = world.clients["alice"].post("/sites/new/", {"step": "place", "name": "本\x00社"})
    assert response.status_code == 200
    assert response.context["site_form"].errors["name"]
