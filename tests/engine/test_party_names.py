"""Finding a party by the names people use, and desk hours built from picked days and times."""

from __future__ import annotations

import datetime as dt

import pytest

from madoguchi.engine.catalog import load_catalog, match_parties, name_key
from madoguchi.engine.hours import build_hours, desk_status, hours_problem
from madoguchi.engine.model import TOKYO, Party


def _slugs(text: str, region: str | None = None) -> list[str]:
    return [p.slug for p in match_parties(load_catalog().parties.values(), text, region=region)]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("ドコモ", "docomo-hikari"),
        ("docomo", "docomo-hikari"),
        ("ドコモ光", "docomo-hikari"),
        ("ぷらら", "plala"),
        ("plala", "plala"),
        ("So-net", "so-net"),
        ("ソネット", "so-net"),
        ("so-net光", "so-net"),
        ("OCN", "ocn"),
        ("ビッグローブ", "biglobe"),
        ("BIGLOBE", "biglobe"),
    ],
)
def test_a_name_people_use_finds_its_party(text: str, slug: str) -> None:
    assert _slugs(text) == [slug]


def test_ntt_is_ntt_east_in_tokyo() -> None:
    assert _slugs("NTT", region="east") == ["ntt-east"]


def test_ntt_is_ntt_west_in_osaka() -> None:
    assert _slugs("NTT", region="west") == ["ntt-west"]


def test_ntt_without_a_region_is_both() -> None:
    assert _slugs("NTT") == ["ntt-east", "ntt-west"]


def test_full_width_ntt_is_ntt() -> None:
    assert _slugs("ＮＴＴ", region="east") == ["ntt-east"]


def test_an_exact_name_wins_over_names_that_contain_it() -> None:
    assert "docomo-hikari" not in _slugs("NTT")  # NTTドコモ is one of docomo's aliases


def test_the_start_of_a_name_finds_it() -> None:
    assert _slugs("ドコ") == ["docomo-hikari"]


def test_the_word_for_fiber_alone_finds_nothing() -> None:
    assert _slugs("光") == []
    assert _slugs("  ") == []


def test_names_are_compared_without_width_case_spaces_or_fiber_words() -> None:
    assert name_key("So-net 光") == name_key("ｓｏｎｅｔ") == "sonet"
    assert name_key("auひかり") == "au"


def test_an_organizations_own_party_is_found_by_its_name() -> None:
    own = Party(slug="own", name="まちの電器店", kind="agent")
    assert match_parties([own], "電器店") == [own]


def test_aliases_can_be_given_beside_the_parties() -> None:
    own = Party(slug="own", name="山田電器", kind="agent")
    assert match_parties([own], "ヤマダ", aliases={"own": ["ヤマダ"]}) == [own]


def test_every_catalog_alias_finds_its_own_party() -> None:
    for party in load_catalog().parties.values():
        for alias in getattr(party, "aliases", []):
            assert party in match_parties(load_catalog().parties.values(), alias), alias


# --- desk hours from a form ---------------------------------------------------------------


def test_weekdays_with_holiday_and_new_year_ticks() -> None:
    hours = build_hours(
        [0, 1, 2, 3, 4],
        dt.time(9),
        dt.time(18),
        closed_on_holidays=True,
        closed_over_new_year=True,
    )
    assert hours == "Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off"


def test_days_that_are_not_a_run_are_listed() -> None:
    assert build_hours([0, 2, 4], dt.time(10), dt.time(12)) == "Mo,We,Fr 10:00-12:00"


def test_every_day_needs_no_day_names() -> None:
    assert build_hours(list(range(7)), dt.time(9), dt.time(21)) == "09:00-21:00"


def test_a_closing_time_after_midnight_runs_on() -> None:
    assert build_hours([4, 5], dt.time(22), dt.time(2)) == "Fr-Sa 22:00-26:00"


def test_no_days_means_hours_unknown() -> None:
    assert build_hours([], dt.time(9), dt.time(18)) == ""


@pytest.mark.parametrize("days", [[0], [5, 6], [0, 1, 2, 3, 4, 5, 6], [1, 3, 6]])
def test_built_hours_always_parse(days: list[int]) -> None:
    hours = build_hours(
        days, dt.time(9, 30), dt.time(17, 15), closed_on_holidays=True, closed_over_new_year=True
    )
    assert hours_problem(hours) is None


def test_built_hours_close_on_a_public_holiday_and_at_new_year() -> None:
    hours = build_hours(
        [0, 1, 2, 3, 4],
        dt.time(9),
        dt.time(18),
        closed_on_holidays=True,
        closed_over_new_year=True,
    )
    holiday = dt.datetime(2026, 11, 23, 10, tzinfo=TOKYO)  # 勤労感謝の日, a Monday
    year_end = dt.datetime(2026, 12, 30, 10, tzinfo=TOKYO)  # a Wednesday
    weekday = dt.datetime(2026, 11, 24, 10, tzinfo=TOKYO)
    assert desk_status(hours, holiday).open_now is False
    assert desk_status(hours, year_end).open_now is False
    assert desk_status(hours, weekday).open_now is True
