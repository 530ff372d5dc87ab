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


def test_ntt_east_hikari_fault_desk_is_0120_000_113_unverified() -> None:
    desk = load_catalog().parties["ntt-east"].desks[0]
    assert (desk.phone, desk.services, desk.purposes) == (
        "0120-000-113",
        ["access", "phone"],
        ["fault"],
    )
    assert desk.verified is False  # seed 000 and third-party pages only (DOMAIN-FACTS 10.1)


def test_ntt_east_113_is_the_copper_desk_dialled_from_fixed_lines_only() -> None:
    desk = next(d for d in load_catalog().parties["ntt-east"].desks if d.phone == "113")
    assert (desk.services, desk.phone_from, desk.mobile_phone) == (
        ["phone"],
        ["fixed"],
        "0120-444113",
    )
    assert desk.verified is False  # only a 2008 official page (DOMAIN-FACTS 9.5)


def test_docomo_113_reaches_docomo_from_docomo_mobiles_only() -> None:
    desk = load_catalog().parties["docomo-hikari"].desks[0]
    assert (desk.phone, desk.phone_from, desk.mobile_phone) == (
        "113",
        ["docomo-mobile"],
        "0120-800-000",
    )


def test_ntt_west_hikari_faults_go_to_0120_248995_recorded_repairs_9_to_17() -> None:
    west = load_catalog().parties["ntt-west"]
    desk = west.desks[0]
    assert (desk.phone, desk.hours, desk.repair_hours) == ("0120-248995", "24/7", "09:00-17:00")
    assert (desk.answers, desk.services, desk.verified) == ("recording", ["access", "phone"], True)
    copper = next(d for d in west.desks if d.phone == "113")
    assert copper.services == ["phone"]  # copper 加入電話 only, never a 光 line
    assert "ntt-east" not in (copper.source or "")


def test_ntt_west_116_is_weekdays_9_to_17_and_closed_over_new_year() -> None:
    desk = next(d for d in load_catalog().parties["ntt-west"].desks if d.phone == "116")
    assert desk.hours == "Mo-Fr 09:00-17:00; Dec 29-Jan 03 off"
    assert desk.mobile_phone == "0800-2000116"


def test_a_renamed_desk_slug_still_finds_its_desk() -> None:
    catalog = load_catalog()
    desk = catalog.find_desk("ntt-east", "ntt-east-113-mobile")
    assert desk is not None
    assert (desk.slug, desk.mobile_phone) == ("ntt-east-113", "0120-444113")
    assert catalog.find_desk("ntt-east", "no-such-desk") is None


def test_numbers_seen_only_on_third_party_pages_are_marked_and_unverified() -> None:
    for slug, phone in [("so-net", "0120-80-7761"), ("ntt-east", "0120-000-113")]:
        desk = next(d for d in load_catalog().parties[slug].desks if d.phone == phone)
        assert desk.third_party_number
        assert not desk.verified


def test_nuro_shows_no_number_while_two_are_in_circulation() -> None:
    desk = load_catalog().parties["nuro-hikari"].desks[0]
    assert desk.phone is None
    assert "0120-677-520" in (desk.no_phone_reason or "")


def _entries(data: object, where: str) -> list[tuple[str, dict[str, object]]]:
    """Every sourced entry of a catalog file: its parties, their desks, options, rules."""
    assert isinstance(data, dict)
    found: list[tuple[str, dict[str, object]]] = []
    for key in ("parties", "options", "outage_rules", "fee_caps"):
        for i, entry in enumerate(data.get(key) or []):
            found.append((f"{where}: {key}[{i}]", entry))
            for j, desk in enumerate(entry.get("desks") or []):
                found.append((f"{where}: {key}[{i}].desks[{j}]", desk))
    if "prefectures" in data:
        found.append((f"{where}: (file)", data))
    return found


def test_every_catalog_yaml_entry_states_source_checked_and_verified() -> None:
    """Read from the YAML itself: a default (verified: true) must never stand in for a fact."""
    import datetime as dt

    import yaml

    from madoguchi.engine.catalog import CATALOG_DIR

    entries = []
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        entries += _entries(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    assert len(entries) > 40
    for where, entry in entries:
        assert entry.get("source"), where
        assert isinstance(entry.get("checked"), dt.date), where
        assert isinstance(entry.get("verified"), bool), where


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


def test_every_changelog_entry_leads_to_a_desk_of_the_catalog_or_says_it_was_removed() -> None:
    catalog = load_catalog()
    assert catalog.changelog
    for change in catalog.changelog:
        party = catalog.parties[change.party]
        assert change.note
        if change.now is not None:
            assert change.now in {d.slug for d in party.desks}, change
            assert catalog.find_desk(change.party, change.desk) is not None
