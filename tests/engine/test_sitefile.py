"""A bad site file names each field and what is wrong; a good one loses nothing."""

from __future__ import annotations

import pytest

from madoguchi.engine import SiteFileError, load_catalog, parse_site
from tests.engine.factories import contract, dump, fiber_site, site


def problems(text: str) -> list[str]:
    with pytest.raises(SiteFileError) as caught:
        parse_site(text, load_catalog())
    return [str(p) for p in caught.value.problems]


def test_yaml_syntax_error_names_the_line() -> None:
    assert problems("site:\n  name: [broken\n")[0].startswith("YAML syntax: line")


def test_empty_file_is_explained() -> None:
    assert "empty" in problems("")[0]


def test_top_level_list_is_rejected() -> None:
    assert "mapping" in problems("- a\n- b\n")[0]


def test_missing_site_name_is_named() -> None:
    assert problems(dump(site(site={"prefecture": "東京都"}))) == ["site.name: is required"]


def test_impossible_date_names_the_field() -> None:
    data = fiber_site()
    data["contracts"].append(contract("x", "isp", "so-net", start="2026-02-30"))
    [problem] = problems(dump(data))
    assert problem.startswith("contracts[1].start: '2026-02-30' is not a valid date")


def test_wrong_type_names_the_field() -> None:
    data = fiber_site()
    data["contracts"][0]["monthly_yen"] = "たくさん"
    assert problems(dump(data))[0].startswith("contracts[0].monthly_yen:")


def test_unknown_symptom_suggests_the_nearest() -> None:
    [problem] = problems(dump(fiber_site(symptoms=["internet-dwn"])))
    assert problem.startswith("symptoms[0]:")
    assert "did you mean 'internet-down'?" in problem


def test_unknown_service_suggests_the_nearest() -> None:
    data = site(contracts=[contract("a", "acess", "so-net")])
    assert "did you mean 'access'?" in problems(dump(data))[0]


def test_unknown_party_suggests_the_nearest_slug() -> None:
    data = site(contracts=[contract("a", "access", "docomo-hikar")])
    [problem] = problems(dump(data))
    assert problem.startswith("contracts[0].party: unknown party 'docomo-hikar'")
    assert "did you mean 'docomo-hikari'?" in problem


def test_duplicate_ref_is_reported() -> None:
    data = site(contracts=[contract("a", "access", "so-net"), contract("a", "isp", "so-net")])
    assert problems(dump(data)) == ["contracts[1].ref: 'a' is already used by contracts[0]"]


def test_duplicate_yaml_key_is_reported() -> None:
    assert "duplicate key 'site'" in problems("site: {name: a}\nsite: {name: b}\n")[0]


def test_unknown_option_slug_is_reported() -> None:
    data = site(contracts=[contract("o", "option", "ntt-east", option="virus-cleer")])
    assert "did you mean 'virus-clear'?" in problems(dump(data))[0]


def test_unknown_prefecture_is_reported() -> None:
    data = site(site={"name": "x", "prefecture": "東京府"})
    assert problems(dump(data))[0].startswith("site.prefecture:")


def test_region_contradicting_prefecture_is_reported() -> None:
    data = site(site={"name": "x", "prefecture": "東京都", "region": "west"})
    assert problems(dump(data))[0].startswith("site.region:")


def test_event_referring_to_a_missing_contract_is_reported() -> None:
    data = fiber_site(events=[{"date": "2026-01-01", "kind": "tenyo", "contract": "lin"}])
    assert problems(dump(data)) == [
        "events[0].contract: no contract has ref 'lin'; did you mean 'line'?"
    ]


def test_invalid_desk_hours_are_reported() -> None:
    party = {
        "slug": "p",
        "name": "P",
        "kind": "isp",
        "desks": [{"slug": "d", "purposes": ["fault"], "hours": "Mo-Fx 9-18"}],
    }
    [problem] = problems(dump(site(parties=[party])))
    assert problem.startswith("parties[0].desks[0].hours: not valid opening_hours syntax")


def test_end_before_start_is_reported() -> None:
    data = site(contracts=[contract("a", "isp", "so-net", start="2026-02-01", end="2026-01-01")])
    assert problems(dump(data))[0].startswith("contracts[0].end:")


def test_bad_month_is_reported() -> None:
    data = fiber_site(bills=[{"party": "docomo-hikari", "month": "2026-13", "yen": 1}])
    assert problems(dump(data))[0].startswith("bills[0].month: '2026-13' is not a month")


def test_bill_on_another_partys_contract_is_reported() -> None:
    data = fiber_site(bills=[{"party": "so-net", "month": "2026-01", "yen": 1, "contract": "line"}])
    assert "held by 'docomo-hikari'" in problems(dump(data))[0]


def test_all_problems_are_reported_at_once() -> None:
    data = site(contracts=[contract("a", "acess", "so-net", start="2026-02-30")], symptoms=["x"])
    assert len(problems(dump(data))) == 3


def test_typo_in_a_field_name_is_an_error_with_a_suggestion() -> None:
    data = fiber_site()
    data["contracts"][0]["monthly_yne"] = 100
    assert problems(dump(data)) == [
        "contracts[0].monthly_yne: is not a known field; did you mean 'monthly_yen'?"
    ]


def test_typo_in_a_top_level_section_is_named() -> None:
    text = dump(fiber_site()).replace("contracts:", "contarcts:")
    assert "contarcts: is not a known field; did you mean 'contracts'?" in problems(text)


def test_an_unrelated_extra_field_is_only_a_warning() -> None:
    data = fiber_site()
    data["contracts"][0]["salesperson"] = "田中"
    loaded = parse_site(dump(data), load_catalog())
    assert [str(w) for w in loaded.warnings] == [
        "contracts[0].salesperson: unknown field 'salesperson' is ignored"
    ]


def test_onu_lamp_states_on_and_off_stay_strings() -> None:
    text = "site: {name: x}\nobservations:\n  onu: {power: on, optical: off}\n"
    onu = parse_site(text, load_catalog()).site.observations.onu
    assert (onu.power, onu.optical) == ("on", "off")


def test_phone_numbers_with_leading_zero_stay_text() -> None:
    text = (
        "site: {name: x}\nparties:\n  - {slug: p, name: P, kind: isp,"
        " desks: [{slug: d, phone: 0120000000}]}\n"
    )
    assert parse_site(text, load_catalog()).site.parties[0].desks[0].phone == "0120000000"


def test_a_time_without_offset_is_tokyo_time() -> None:
    loaded = parse_site("site: {name: x}\nnow: 2026-01-31T09:05:00\n", load_catalog())
    assert loaded.site.now is not None
    assert loaded.site.now.utcoffset().total_seconds() == 9 * 3600


def test_empty_sections_are_allowed() -> None:
    loaded = parse_site("site: {name: x}\ncontracts:\nevents:\nbills:\n", load_catalog())
    assert loaded.site.contracts == []


def test_the_fields_of_what_is_owed_are_accepted_without_warnings() -> None:
    data = fiber_site(
        parties=[
            {
                "slug": "example-hikari",
                "name": "例光",
                "kind": "collabo",
                "desks": [{"slug": "d", "purposes": ["fault"], "services": ["access", "phone"]}],
            }
        ],
        cases=[
            {
                "ref": "c1",
                "services": ["access", "isp"],
                "outage_started": "2026-01-31T00:10:00+09:00",
                "outage_ended": "2026-02-02T15:00:00+09:00",
                "reports": [{"party": "docomo-hikari", "at": "2026-01-31T09:00:00+09:00"}],
            }
        ],
    )
    data["site"]["holder"] = "business"
    data["contracts"][0]["cancellation_fee_yen"] = 4180
    loaded = parse_site(dump(data), load_catalog())
    assert loaded.warnings == []
    assert loaded.site.site.holder == "business"
    assert loaded.site.contracts[0].cancellation_fee_yen == 4180
    assert loaded.site.cases[0].reports[0].party == "docomo-hikari"


def test_an_unknown_holder_is_reported() -> None:
    data = fiber_site()
    data["site"]["holder"] = "company"
    assert problems(dump(data))[0].startswith("site.holder: 'company' is not one of: person")


def test_a_negative_cancellation_fee_is_reported() -> None:
    data = fiber_site()
    data["contracts"][0]["cancellation_fee_yen"] = -1
    assert problems(dump(data))[0].startswith("contracts[0].cancellation_fee_yen:")


def test_a_report_to_an_unknown_party_is_reported() -> None:
    case = {"ref": "c1", "reports": [{"party": "docomo-hikar", "at": "2026-01-31T09:00"}]}
    [problem] = problems(dump(fiber_site(cases=[case])))
    assert problem.startswith("cases[0].reports[0].party: unknown party 'docomo-hikar'")


def test_an_outage_ending_before_it_started_is_reported() -> None:
    case = {
        "ref": "c1",
        "outage_started": "2026-01-31T09:00+09:00",
        "outage_ended": "2026-01-30T09:00+09:00",
    }
    [problem] = problems(dump(fiber_site(cases=[case])))
    assert problem.startswith("cases[0].outage_ended:")


def test_a_bad_field_and_an_unknown_party_are_both_named() -> None:
    text = (
        "site: {name: テスト, prefecture: 東京都}\n"
        "contracts:\n"
        "  - {ref: line, service: access, party: docomo-hikar}\n"
        "  - {ref: isp, service: isp, party: so-net, start: 2026-02-30}\n"
    )
    found = problems(text)
    assert len(found) == 2
    assert found[0].startswith("contracts[1].start: '2026-02-30' is not a valid date")
    assert found[1].startswith("contracts[0].party: unknown party 'docomo-hikar'")


def test_a_missing_required_field_does_not_invent_reference_problems() -> None:
    text = (
        "site: {name: テスト}\n"
        "contracts:\n"
        "  - {ref: line, party: docomo-hikari}\n"
        "events:\n"
        "  - {contract: line, kind: outage, at: 2026-01-01T10:00+09:00}\n"
    )
    found = problems(text)
    assert "contracts[0].service: is required" in found
    assert [p for p in found if "unknown" in p] == []
