"""The shipped catalog: every fact sourced and dated, every contract slug present."""

from __future__ import annotations

import pytest

from madoguchi.engine import load_catalog
from madoguchi.engine.hours import hours_problem

CONTRACT_PARTIES = [
    "ntt-east",
    "ntt-west",
    "docomo-hikari",
    "softbank-hikari",
    "ocn",
    "biglobe",
    "so-net",
    "nifty",
    "excite",
    "plala",
    "au-hikari",
    "nuro-hikari",
    "soumu-telecom-consumer-center",
    "consumer-hotline",
    "police-consultation",
    "houterasu",
]
CONTRACT_OPTIONS = [
    "virus-clear",
    "flets-spot",
    "flets-market",
    "hikari-portable",
    "hikari-iframe",
    "remote-support",
    "flets-miruene",
    "repair-24h",
]
EAST = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "山梨県",
    "長野県",
]


@pytest.mark.parametrize("slug", CONTRACT_PARTIES)
def test_every_party_of_the_public_contract_is_shipped(slug: str) -> None:
    assert slug in load_catalog().parties


@pytest.mark.parametrize("slug", CONTRACT_OPTIONS)
def test_every_option_of_the_public_contract_is_shipped(slug: str) -> None:
    assert slug in load_catalog().options


def test_every_party_and_desk_has_a_source_and_a_checked_date() -> None:
    for party in load_catalog().parties.values():
        assert party.source, party.slug
        assert party.checked, party.slug
        for desk in party.desks:
            assert desk.source, desk.slug
            assert desk.checked, desk.slug


def test_every_desk_has_a_way_to_reach_it() -> None:
    for party in load_catalog().parties.values():
        assert party.desks, party.slug
        for desk in party.desks:
            assert desk.phone or desk.url, desk.slug


def test_every_desk_hours_expression_parses() -> None:
    for party in load_catalog().parties.values():
        for desk in party.desks:
            assert desk.hours is None or hours_problem(desk.hours) is None, desk.slug


def test_ntt_fault_desks_are_113_around_the_clock() -> None:
    catalog = load_catalog()
    for slug in ("ntt-east", "ntt-west"):
        desk = catalog.parties[slug].desks[0]
        assert (desk.phone, desk.hours, desk.purposes) == ("113", "24/7", ["fault"])


def test_there_are_47_prefectures_17_of_them_east() -> None:
    prefectures = load_catalog().prefectures
    assert len(prefectures) == 47
    assert sorted(p.name for p in prefectures if p.region == "east") == sorted(EAST)


@pytest.mark.parametrize(
    ("name", "region"),
    [("京都府", "west"), ("京都", "west"), ("hokkaido", "east"), ("沖縄", "west")],
)
def test_prefectures_are_found_by_short_names_and_romaji(name: str, region: str) -> None:
    found = load_catalog().prefecture(name)
    assert found is not None
    assert found.region == region


def test_search_finds_parties_by_phone_number() -> None:
    parties, _options = load_catalog().search("0120-80-7761")
    assert [p.slug for p in parties] == ["so-net"]


def test_search_finds_options_by_bill_alias() -> None:
    _parties, options = load_catalog().search("ウイルスクリア")
    assert [o.slug for o in options] == ["virus-clear"]


def test_bill_text_is_matched_to_an_option() -> None:
    option = load_catalog().option_for_item("フレッツ・ウイルスクリア 月額")
    assert option is not None
    assert option.slug == "virus-clear"
