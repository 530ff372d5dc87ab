"""Schemathesis over the OpenAPI schema, in process: whatever a client sends, the API answers
without a server error, with a status code its schema documents and a body that matches
(error bodies and downloads included). Bounded and derandomized, so CI is reproducible."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from madoguchi.api.api import api
from madoguchi.cases.models import TimelineEntry
from madoguchi.directory.models import Desk, Party
from madoguchi.server.wsgi import application
from madoguchi.subcontracts.services import issue_intake_link, receive_request
from tests.conftest import World
from tests.factories import subcontract_values

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


def _operations() -> list[tuple[str, str]]:
    paths = api.get_openapi_schema(path_prefix="/api/v1")["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


@functools.cache
def _loaded_schema() -> Any:
    """The schema as schemathesis reads it, loaded once per worker: django-ninja builds the
    OpenAPI document anew on every request (about 1 s of pydantic JSON-schema work for ~90
    operations), which, per operation, was most of this module's time in CI."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


def _ids(world: World) -> dict[str, int]:
    """The first organization's objects, so that examples reach past the 404 of a random id."""
    party = Party.objects.create(
        organization=world.org_a, slug="local-isp", name="地元", kind="isp"
    )
    desk = Desk.objects.create(party=party, slug="local-fault", purposes=["fault"])
    entry = TimelineEntry.objects.filter(case=world.case_a).first()
    request = receive_request(world.org_a, values=subcontract_values())
    link, _token = issue_intake_link(world.org_a, name="代理店")
    return {
        "site_id": world.site_a.pk,
        "contract_id": world.contract_a.pk,
        "event_id": world.event_a.pk,
        "party_id": party.pk,
        "desk_id": desk.pk,
        "case_id": world.case_a.pk,
        "promise_id": world.promise_a.pk,
        "entry_id": entry.pk if entry else 1,
        "request_id": request.pk,
        "link_id": link.pk,
    }


@pytest.fixture
def _keep_connection() -> Any:
    """Requests go straight to the WSGI app, which closes the database connection after each
    one; the test's transaction needs it open (Django's test client does the same)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _aimed(case: Any, ids: dict[str, int]) -> Any:
    for name in case.path_parameters or {}:
        if name in ids:
            case.path_parameters[name] = ids[name]
    return case


@pytest.mark.usefixtures("_keep_connection")
@pytest.mark.parametrize(("method", "path"), _operations())
def test_the_api_answers_as_documented(world: World, method: str, path: str) -> None:
    schema = _loaded_schema()
    ids = _ids(world)
    headers = {"Authorization": f"Bearer {world.tokens['alice']}"}
    operation = schema[path][method]
    # Valid requests and invalid ones (wrong types, out of range, missing fields).
    generated = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    cases = st.tuples(generated, st.integers(0, 3)).map(
        lambda pair: _aimed(pair[0], ids) if pair[1] else pair[0]
    )

    @given(case=cases)
    @settings(
        max_examples=15,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
