"""The catalog check (CI runs it with the normal suite): the shipped catalog passes it, and
each rule of the check catches what it is for."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import yaml

from madoguchi.engine.catalog import (
    _read_files,
    build_catalog,
    catalog_problems,
    load_catalog,
    stale_facts,
)


def _with_party(party: dict[str, object]) -> list[str]:
    files = [*_read_files(), ("zz-test.yaml", yaml.safe_dump({"parties": [party]}))]
    return catalog_problems(build_catalog(files))


def _party(**desk: object) -> dict[str, object]:
    return {
        "slug": "check-hikari",
        "name": "検査光",
        "kind": "collabo",
        "source": "https://example.jp/",
        "checked": "2026-12-06",
        "desks": [
            {
                "slug": "check-fault",
                "purposes": ["fault"],
                "source": "https://example.jp/",
                "checked": "2026-12-06",
                **desk,
            }
        ],
    }


def test_the_shipped_catalog_passes_the_check() -> None:
    assert catalog_problems(load_catalog()) == []


def test_a_desk_without_a_number_needs_a_reason() -> None:
    assert any("no_phone_reason" in p for p in _with_party(_party()))


def test_a_desk_without_a_number_but_with_a_reason_passes() -> None:
    assert _with_party(_party(no_phone_reason="二つの番号が出回っている")) == []


def test_a_short_code_needs_the_phones_it_works_from() -> None:
    assert any("phone_from" in p for p in _with_party(_party(phone="151")))


def test_two_parties_sharing_a_number_are_refused() -> None:
    assert any("share" in p for p in _with_party(_party(phone="0120-800-000")))


def test_a_shared_short_code_from_different_phones_is_not_shared() -> None:
    assert _with_party(_party(phone="113", phone_from=["au-mobile"])) == []


def test_a_source_that_is_not_an_http_page_is_refused() -> None:
    party = _party(phone="0120-999-999")
    party["source"] = "seed 000"
    assert any("http(s)" in p for p in _with_party(party))


def test_stale_lists_facts_checked_more_than_a_year_ago() -> None:
    later = dt.date(2028, 1, 1)
    assert stale_facts(load_catalog(), later)
    assert stale_facts(load_catalog(), dt.date(2026, 12, 6)) == []


def test_catalog_stale_on_the_command_line_prints_json() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "madoguchi.cli", "catalog", "--stale", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert isinstance(json.loads(run.stdout), list)
