"""The contract map (`site_map`): what a person pins beside the ONU."""

from __future__ import annotations

from madoguchi.engine import load_catalog, parse_site
from madoguchi.engine.sitemap import site_map
from tests.engine.factories import contract, dump, fiber_site


def _map(data: dict) -> list:
    return site_map(parse_site(dump(data), load_catalog()).site)


def test_an_option_of_each_party_is_shown() -> None:
    data = fiber_site()
    data["contracts"] += [
        contract("vc", "option", "ntt-east", option="virus-clear", start="2012-07-01"),
        contract("sec", "option", "docomo-hikari", product="セキュリティ", start="2020-04-01"),
    ]
    options = [r for r in _map(data) if r.service == "option"]
    assert sorted((r.party, r.contract) for r in options) == [
        ("docomo-hikari", "sec"),
        ("ntt-east", "vc"),
    ]


def test_two_options_of_one_party_are_shown_once() -> None:
    data = fiber_site()
    data["contracts"] += [
        contract("tv", "option", "docomo-hikari", product="映像", start="2021-01-01"),
        contract("sec", "option", "docomo-hikari", product="セキュリティ", start="2020-04-01"),
    ]
    options = [r for r in _map(data) if r.service == "option"]
    assert [(r.party, r.contract) for r in options] == [("docomo-hikari", "tv")]
