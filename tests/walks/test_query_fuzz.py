"""Hostile query strings on every list page and list API: a NUL, a number no database holds,
a negative or non-numeric page, a string far longer than any field. Each answers a page, a
400 or a 422, never a server error, on SQLite and PostgreSQL alike (the CI runs both)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.urls import get_resolver

from tests.conftest import World
from tests.walks.test_tenancy import SKIP_PREFIXES, _walk

# Every name a list page or list API reads from its query string.
PARAMETERS = (
    "q",
    "page",
    "overdue_page",
    "page_size",
    "party",
    "status",
    "site",
    "assignee",
    "organization",
    "agent",
    "agent_id",
    "kind",
    "preview",
    "size",
    "existing",
    "keep_time",
)
HOSTILE = {
    "nul": "a\x00b",
    "only-nul": "\x00",
    "huge": "9" * 30,
    "bigint": str(2**63),
    "negative-and-quotes": "-5%_\\'\"",
    "long": "長" * 5_000,
}


def list_routes() -> list[str]:
    """Every route without a parameter in its path: the list pages and list APIs."""
    return sorted(
        "/" + r
        for r in set(_walk(get_resolver().url_patterns))
        if "<" not in r and not r.startswith(SKIP_PREFIXES) and r not in ("", "api/v1/docs")
    )


def test_the_fuzz_walks_the_lists() -> None:
    routes = list_routes()
    assert {"/cases/all/", "/cases/", "/sites/", "/api/v1/cases", "/api/v1/sites"} <= set(routes)


@pytest.mark.parametrize("value", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_query_strings_never_answer_a_server_error(world: World, value: str) -> None:
    failures: list[tuple[str, str, str]] = []
    for route in list_routes():
        for query in (
            urlencode(dict.fromkeys(PARAMETERS, value)),
            *(urlencode({name: value}) for name in ("q", "page", "party")),
        ):
            url = f"{route}?{query}"
            try:
                response: Any = (
                    world.api("get", url)
                    if route.startswith("/api/")
                    else world.clients["alice"].get(url)
                )
            except Exception as exc:  # the test client re-raises what became a 500
                failures.append((route, query[:60], repr(exc)[:200]))
                continue
            if response.status_code >= 500:
                failures.append((route, query[:60], str(response.status_code)))
    assert failures == [], "\n".join(map(str, failures))
