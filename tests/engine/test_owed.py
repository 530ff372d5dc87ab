"""What the customer is owed: outage compensation, its claim deadline, and the cap on
cancellation fees (SITE-FILE.md "What the customer is owed")."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from madoguchi.engine import load_catalog
from madoguchi.engine.owed import add_months
from madoguchi.engine.results import Assessment, Finding
from tests.engine.factories import codes, contract, fiber_site, run, site

START = "2026-03-01T08:00:00+09:00"
LINE_SET = contract(
    "line", "access", "docomo-hikari", includes_isp=True, start="2020-04-01", monthly_yen=5720
)


def outage_site(
    *,
    ended: str | None = "2026-03-03T08:00:00+09:00",
    reports: list[dict[str, str]] | None = None,
    started: str | None = START,
    contracts: list[dict[str, Any]] | None = None,
    **case: Any,
) -> dict[str, Any]:
    """A line+ISP set at ドコモ光 with internet down and one case."""
    record: dict[str, Any] = {"ref": "c1", **case}
    if started is not None:
        record["outage_started"] = started
    if ended is not None:
        record["outage_ended"] = ended
    record["reports"] = (
        reports if reports is not None else [{"party": "docomo-hikari", "at": START}]
    )
    return site(
        contracts=contracts or [LINE_SET],
        symptoms=["internet-down"],
        cases=[record],
        now="2026-03-04T10:00:00+09:00",
    )


def owed(result: Assessment, code: str = "outage-compensation") -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def test_two_full_days_after_the_report_owe_two_thirtieths_of_the_month() -> None:
    [found] = owed(run(outage_site()))
    assert (found.party, found.contracts, found.amount_yen) == ("docomo-hikari", ["line"], 381)


def test_23_hours_59_minutes_owe_nothing() -> None:
    assert owed(run(outage_site(ended="2026-03-02T07:59:00+09:00"))) == []


def test_exactly_24_hours_owe_one_day() -> None:
    [found] = owed(run(outage_site(ended="2026-03-02T08:00:00+09:00")))
    assert found.amount_yen == 5720 // 30


def test_48_hours_owe_two_days() -> None:
    [found] = owed(run(outage_site(ended="2026-03-03T08:00:00+09:00")))
    assert found.amount_yen == 5720 * 2 // 30


def test_the_clock_starts_at_a_report_later_than_the_outage() -> None:
    late = [{"party": "docomo-hikari", "at": "2026-03-02T09:00:00+09:00"}]
    # 47 hours out, but only 23 after ドコモ光 was told.
    assert owed(run(outage_site(reports=late, ended="2026-03-03T08:00:00+09:00"))) == []


def test_the_first_report_to_a_party_counts() -> None:
    reports = [
        {"party": "docomo-hikari", "at": "2026-03-02T20:00:00+09:00"},
        {"party": "docomo-hikari", "at": START},
    ]
    [found] = owed(run(outage_site(reports=reports)))
    assert found.amount_yen == 381


def test_a_report_before_the_outage_counts_from_the_outage() -> None:
    early = [{"party": "docomo-hikari", "at": "2026-02-28T08:00:00+09:00"}]
    [found] = owed(run(outage_site(reports=early)))
    assert found.amount_yen == 381  # 48 hours, not 72


def test_a_line_and_isp_set_is_counted_once() -> None:
    # access and isp were both out, and one contract holds both: M is its fee once.
    [found] = owed(run(outage_site(services=["access", "isp"])))
    assert found.amount_yen == 5720 * 2 // 30


def test_the_monthly_fees_of_a_partys_contracts_are_summed_and_rounded_down_once() -> None:
    contracts = [
        contract("line", "access", "ntt-east", start="2020-01-01", monthly_yen=4950),
        contract("tel", "phone", "ntt-east", start="2020-01-01", monthly_yen=550),
    ]
    data = outage_site(
        contracts=contracts,
        services=["access", "phone"],
        reports=[{"party": "ntt-east", "at": START}],
    )
    [found] = owed(run(data))
    assert (found.contracts, found.amount_yen) == (["line", "tel"], (4950 + 550) * 2 // 30)


def test_each_party_owed_gets_its_own_finding() -> None:
    contracts = [
        contract("line", "access", "ntt-east", start="2020-01-01", monthly_yen=4950),
        contract("isp", "isp", "ocn", start="2020-01-01", monthly_yen=1100),
    ]
    reports = [{"party": "ntt-east", "at": START}, {"party": "ocn", "at": START}]
    found = owed(run(outage_site(contracts=contracts, reports=reports)))
    assert {(f.party, f.amount_yen) for f in found} == {("ntt-east", 330), ("ocn", 73)}


def test_a_contract_not_active_when_the_outage_started_is_not_counted() -> None:
    later = contract("isp", "isp", "ocn", start="2026-03-02", monthly_yen=1100)
    reports = [{"party": "docomo-hikari", "at": START}, {"party": "ocn", "at": START}]
    found = owed(run(outage_site(contracts=[LINE_SET, later], reports=reports)))
    assert [f.party for f in found] == ["docomo-hikari"]


def test_an_outage_still_going_on_counts_until_now() -> None:
    # now is 2026-03-04 10:00: 74 hours after the report, so 3 days so far.
    [found] = owed(run(outage_site(ended=None)))
    assert found.amount_yen == 5720 * 3 // 30


def test_without_an_outage_start_the_report_starts_the_clock() -> None:
    [found] = owed(run(outage_site(started=None, ended="2026-03-02T08:00:00+09:00")))
    assert found.amount_yen == 5720 // 30


def test_no_report_means_no_compensation() -> None:
    assert owed(run(outage_site(reports=[], ended=None))) == []


def test_no_report_says_the_clock_has_not_started() -> None:
    [note] = owed(run(outage_site(reports=[], ended=None)), "outage-clock-not-started")
    assert (note.severity, note.party, note.case) == ("info", "docomo-hikari", "c1")


def test_the_clock_note_is_silent_once_the_party_was_told() -> None:
    result = run(outage_site(ended=None))
    assert "outage-clock-not-started" not in codes(result.findings)


def test_the_case_services_default_to_those_the_symptoms_touch() -> None:
    data = outage_site()
    data["symptoms"] = ["tv-down"]
    data["contracts"].append(contract("tv", "tv", "docomo-hikari", start="2020-04-01"))
    # tv-down touches tv and access: the set still counts (it holds access), once.
    [found] = owed(run(data))
    assert found.contracts == ["line", "tv"]


def test_services_outside_the_case_are_not_counted() -> None:
    data = outage_site(services=["phone"])
    assert owed(run(data)) == []


def test_the_sentences_name_the_amount_and_the_date_in_words() -> None:
    [found] = owed(run(outage_site()))
    assert "381円" in found.why
    assert "2026年6月3日" in found.action


def test_the_english_sentences_name_the_amount_and_the_date_in_words() -> None:
    [found] = owed(run(outage_site(), lang="en"))
    assert "¥381" in found.why
    assert "3 Jun 2026" in found.action


def test_an_unverified_rule_says_so() -> None:
    [found] = owed(run(outage_site()))
    assert "要確認" in found.why


def test_a_contract_without_a_monthly_fee_gives_no_amount() -> None:
    free = contract("line", "access", "docomo-hikari", includes_isp=True, start="2020-04-01")
    [found] = owed(run(outage_site(contracts=[free])))
    assert found.amount_yen is None


# --- the claim deadline ------------------------------------------------------------------


def claims(result: Assessment) -> list[Any]:
    return [d for d in result.deadlines if d.code == "compensation-claim"]


def test_the_claim_is_due_three_months_after_the_outage_ended() -> None:
    [due] = claims(run(outage_site()))
    assert (due.due, due.party, due.case) == ("2026-06-03", "docomo-hikari", "c1")


def test_the_claim_is_due_on_the_months_last_day_when_it_has_no_such_day() -> None:
    started, ended = "2025-11-28T08:00:00+09:00", "2025-11-30T09:00:00+09:00"
    reports = [{"party": "docomo-hikari", "at": started}]
    [due] = claims(run(outage_site(started=started, ended=ended, reports=reports)))
    assert due.due == "2026-02-28"


def test_no_claim_deadline_while_the_outage_goes_on() -> None:
    assert claims(run(outage_site(ended=None))) == []


def test_no_claim_deadline_when_nothing_is_owed() -> None:
    assert claims(run(outage_site(ended="2026-03-02T07:00:00+09:00"))) == []


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 11, 30), 3, dt.date(2025, 2, 28)),
        (dt.date(2023, 11, 30), 3, dt.date(2024, 2, 29)),
        (dt.date(2026, 10, 15), 3, dt.date(2027, 1, 15)),
    ],
)
def test_months_are_added_to_the_same_day_or_the_months_last(
    day: dt.date, months: int, due: dt.date
) -> None:
    assert add_months(day, months) == due


# --- the rules are catalog data ----------------------------------------------------------


def test_every_party_has_an_outage_rule_of_24_hours_and_3_months_by_default() -> None:
    rule = load_catalog().outage_rule("so-net")
    assert rule is not None
    assert (rule.party, rule.hours, rule.months, rule.verified) == (None, 24, 3, False)


def test_the_outage_rules_carry_a_source_and_a_checked_date() -> None:
    for rule in load_catalog().outage_rules.values():
        assert rule.source.startswith("http")
        assert rule.checked >= dt.date(2026, 11, 1)


# --- the cancellation fee cap -------------------------------------------------------------


def fee_site(
    *, start: str = "2023-04-01", fee: int = 14300, service: str = "access", **info: Any
) -> dict[str, Any]:
    line = contract(
        "line", service, "docomo-hikari", start=start, monthly_yen=5720, cancellation_fee_yen=fee
    )
    data = fiber_site(contracts=[line])
    data["site"].update(info)
    return data


def test_a_fee_above_one_month_fires_with_the_excess() -> None:
    [found] = owed(run(fee_site()), "cancellation-fee-over-cap")
    assert (found.contracts, found.amount_yen, found.party) == (
        ["line"],
        14300 - 5720,
        "docomo-hikari",
    )


def test_the_fee_cap_names_the_cancellation_desk() -> None:
    [found] = owed(run(fee_site()), "cancellation-fee-over-cap")
    assert found.desk == "docomo-hikari-info"
    assert "8,580円" in found.why


def test_a_fee_equal_to_one_month_is_within_the_cap() -> None:
    assert owed(run(fee_site(fee=5720)), "cancellation-fee-over-cap") == []


def test_a_business_holder_is_not_covered_by_the_cap() -> None:
    assert owed(run(fee_site(holder="business")), "cancellation-fee-over-cap") == []


def test_a_contract_made_before_2022_07_01_is_not_covered() -> None:
    assert owed(run(fee_site(start="2022-06-30")), "cancellation-fee-over-cap") == []


def test_a_contract_made_on_2022_07_01_is_covered() -> None:
    assert owed(run(fee_site(start="2022-07-01")), "cancellation-fee-over-cap") != []


def test_a_tv_contract_is_not_a_fixed_line_contract_for_the_cap() -> None:
    assert owed(run(fee_site(service="tv")), "cancellation-fee-over-cap") == []


def test_the_holder_defaults_to_a_person() -> None:
    assert owed(run(fee_site()), "cancellation-fee-over-cap") != []


def test_a_renewal_after_2022_07_01_of_an_older_contract_is_not_covered() -> None:
    data = fee_site(start="2023-04-01")
    data["contracts"][0]["signed"] = "2019-03-10"
    assert owed(run(data), "cancellation-fee-over-cap") == []


def test_a_contract_signed_on_2022_07_01_is_covered_whatever_its_start() -> None:
    data = fee_site(start="2022-06-01")
    data["contracts"][0]["signed"] = "2022-07-01"
    assert owed(run(data), "cancellation-fee-over-cap") != []


# --- rules as data: estimate, the party's rule, no claim limit ------------------------------

WEST_LINE = contract("line", "access", "ntt-west", start="2020-04-01", monthly_yen=5500)


def _west_outage() -> dict[str, Any]:
    data = outage_site(contracts=[WEST_LINE], reports=[{"party": "ntt-west", "at": START}])
    data["site"]["prefecture"] = "大阪府"
    return data


def test_the_compensation_says_it_is_an_estimate_and_names_the_rule() -> None:
    [found] = owed(run(outage_site()))
    assert "見積もり" in found.why
    assert "責任の制限" in found.why


def test_a_party_without_a_claim_limit_on_record_gets_no_claim_deadline() -> None:
    assert claims(run(_west_outage())) == []


def test_a_party_without_a_claim_limit_on_record_is_told_to_claim_soon() -> None:
    [found] = owed(run(_west_outage()))
    assert "早めに" in found.action


def test_initial_cancellation_is_catalog_data_of_8_days_for_lines_and_providers() -> None:
    rule = load_catalog().initial_cancellation
    assert rule is not None
    assert (rule.days, rule.services) == (8, ["access", "isp"])
