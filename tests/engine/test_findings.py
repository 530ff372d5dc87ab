"""Each finding fires on its trap and stays silent without it."""

from __future__ import annotations

from tests.engine.factories import codes, contract, fiber_site, finding, run, site

NTT_PHONE = contract("phone", "phone", "ntt-east", start="2012-07-01", monthly_yen=550)
VIRUS_CLEAR = contract(
    "vc", "option", "ntt-east", option="virus-clear", start="2012-07-01", monthly_yen=440
)


def test_holder_unknown_fires_for_a_touched_service_without_contract() -> None:
    result = run(site(symptoms=["internet-down"]))
    assert "holder-unknown" in codes(result.findings)


def test_holder_unknown_is_critical_when_the_holder_denies_the_contract() -> None:
    data = site(
        contracts=[contract("line", "access", "ntt-east", includes_isp=True)],
        symptoms=["internet-down"],
        observations={"said_no_contract": ["ntt-east"]},
    )
    assert finding(run(data), "holder-unknown").severity == "critical"


def test_holder_unknown_absent_when_every_touched_service_has_a_holder() -> None:
    assert "holder-unknown" not in codes(run(fiber_site(symptoms=["internet-down"])).findings)


def test_split_responsibility_fires_when_phone_stays_with_ntt() -> None:
    result = run(fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE]))
    assert "split-responsibility" in codes(result.findings)


def test_split_responsibility_absent_when_one_party_holds_everything() -> None:
    data = fiber_site()
    data["contracts"].append(contract("phone", "phone", "docomo-hikari"))
    assert "split-responsibility" not in codes(run(data).findings)


def test_residual_wholesaler_option_fires_after_tenyo() -> None:
    data = fiber_site()
    data["contracts"].append(VIRUS_CLEAR)
    found = finding(run(data), "residual-wholesaler-option")
    assert found.contracts == ["vc"]
    assert found.party == "ntt-east"


def test_residual_wholesaler_option_fires_on_an_ntt_bill_after_tenyo() -> None:
    data = fiber_site(
        bills=[{"party": "ntt-east", "month": "2026-02", "item": "フレッツ・スポット", "yen": 220}]
    )
    assert "residual-wholesaler-option" in codes(run(data).findings)


def test_left_over_options_are_named_in_the_order_their_lines_are_billed_since_the_switch() -> None:
    """Lines are walked a kind at a time (findings._left_over_lines): two kinds of line are
    put back into the file's order, so a line from before the switch does not put its
    option first."""
    data = fiber_site(
        bills=[
            {
                "party": "ntt-east",
                "month": "2020-01",
                "item": "フレッツ・ウイルスクリア",
                "yen": 400,
            },
            {"party": "ntt-east", "month": "2026-01", "item": "フレッツ・スポット", "yen": 220},
            {
                "party": "ntt-east",
                "month": "2026-02",
                "item": "フレッツ・ウイルスクリア",
                "yen": 440,
            },
            {"party": "ntt-east", "month": "2026-02", "item": "フレッツ・スポット", "yen": 220},
        ]
    )
    found = finding(run(data), "residual-wholesaler-option")
    assert "「フレッツ・スポット」、「フレッツ・ウイルスクリア」" in found.why
    assert found.yearly_yen == 12 * (440 + 220)


def test_residual_wholesaler_option_absent_while_the_line_is_still_ntt() -> None:
    data = site(contracts=[contract("line", "access", "ntt-east"), VIRUS_CLEAR])
    assert "residual-wholesaler-option" not in codes(run(data).findings)


def test_double_billing_fires_for_one_service_billed_by_two_parties() -> None:
    data = site(
        contracts=[
            contract("set", "access", "softbank-hikari", includes_isp=True, start="2019-01-01"),
            contract("isp", "isp", "so-net", start="2025-06-01"),
        ],
        bills=[
            {"party": "softbank-hikari", "month": "2026-02", "item": "ソフトバンク光", "yen": 5720},
            {"party": "so-net", "month": "2026-02", "item": "So-net 基本料", "yen": 1100},
        ],
    )
    found = finding(run(data), "double-billing")
    assert set(found.contracts) == {"set", "isp"}


def test_double_billing_absent_when_parties_bill_different_services() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], NTT_PHONE],
        bills=[
            {"party": "docomo-hikari", "month": "2026-02", "item": "ドコモ光", "yen": 5720},
            {"party": "ntt-east", "month": "2026-02", "item": "ひかり電話", "yen": 550},
        ],
    )
    assert "double-billing" not in codes(run(data).findings)


def test_charge_after_end_fires_for_a_bill_after_the_contract_ended() -> None:
    data = site(
        contracts=[contract("isp", "isp", "so-net", start="2020-01-01", end="2025-12-31")],
        bills=[{"party": "so-net", "month": "2026-02", "item": "So-net", "yen": 1100}],
    )
    assert finding(run(data), "charge-after-end").contracts == ["isp"]


def test_charge_after_end_absent_for_the_last_month_of_the_contract() -> None:
    data = site(
        contracts=[contract("isp", "isp", "so-net", start="2020-01-01", end="2026-01-31")],
        bills=[{"party": "so-net", "month": "2026-01", "item": "So-net", "yen": 1100}],
    )
    assert "charge-after-end" not in codes(run(data).findings)


def test_unknown_charge_fires_for_a_party_without_contracts() -> None:
    data = fiber_site(bills=[{"party": "plala", "month": "2026-02", "yen": 990}])
    assert "unknown-charge" in codes(run(data).findings)


def test_unknown_charge_fires_for_an_option_that_is_not_contracted() -> None:
    data = site(contracts=[contract("line", "access", "ntt-east"), NTT_PHONE])
    data["bills"] = [{"party": "ntt-east", "month": "2026-02", "item": "光iフレーム", "yen": 500}]
    assert "unknown-charge" in codes(run(data).findings)


def test_an_ntt_option_billed_after_tenyo_is_a_left_over_option_not_an_unknown_charge() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE])
    data["bills"] = [{"party": "ntt-east", "month": "2026-02", "item": "光iフレーム", "yen": 500}]
    assert "unknown-charge" not in codes(run(data).findings)


def test_unknown_charge_absent_when_the_bill_matches_a_contract() -> None:
    data = fiber_site(bills=[{"party": "docomo-hikari", "month": "2026-02", "yen": 5720}])
    assert "unknown-charge" not in codes(run(data).findings)


def test_course_mismatch_fires_when_line_course_differs_from_building() -> None:
    data = site(
        site={"name": "A棟", "prefecture": "東京都", "building": "multi-unit"},
        contracts=[contract("line", "access", "ntt-east", course="detached")],
    )
    assert finding(run(data), "course-mismatch").contracts == ["line"]


def test_course_mismatch_absent_without_courses() -> None:
    data = site(contracts=[contract("line", "access", "ntt-east")])
    assert "course-mismatch" not in codes(run(data).findings)


def test_line_provider_split_fires_for_a_set_and_another_isp() -> None:
    data = site(
        contracts=[
            contract("set", "access", "softbank-hikari", includes_isp=True),
            contract("isp", "isp", "biglobe"),
        ]
    )
    assert finding(run(data), "line-provider-split").contracts == ["set", "isp"]


def test_line_provider_split_absent_when_the_other_isp_has_ended() -> None:
    data = site(
        contracts=[
            contract("set", "access", "softbank-hikari", includes_isp=True, start="2025-01-01"),
            contract("isp", "isp", "biglobe", start="2020-01-01", end="2024-12-31"),
        ]
    )
    assert "line-provider-split" not in codes(run(data).findings)


def test_duplicate_application_fires_for_two_starts_within_30_days() -> None:
    data = site(
        contracts=[
            contract("a", "access", "excite", start="2026-01-05"),
            contract("b", "access", "excite", start="2026-01-20"),
        ]
    )
    assert finding(run(data), "duplicate-application").contracts == ["a", "b"]


def test_duplicate_application_absent_for_starts_months_apart() -> None:
    data = site(
        contracts=[
            contract("a", "isp", "excite", start="2025-01-05"),
            contract("b", "isp", "excite", start="2026-01-20"),
        ]
    )
    assert "duplicate-application" not in codes(run(data).findings)


def test_not_cheaper_fires_when_the_switch_costs_more() -> None:
    data = site(
        contracts=[
            contract(
                "old",
                "access",
                "ntt-east",
                includes_isp=True,
                start="2015-01-01",
                end="2025-12-31",
                monthly_yen=5000,
            ),
            contract(
                "new",
                "access",
                "excite",
                includes_isp=True,
                start="2026-01-01",
                acquired="phone-sales",
                monthly_yen=5500,
            ),
        ]
    )
    assert set(finding(run(data), "not-cheaper").contracts) == {"new", "old"}


def test_not_cheaper_absent_when_the_switch_saves_money() -> None:
    data = site(
        contracts=[
            contract(
                "old",
                "access",
                "ntt-east",
                includes_isp=True,
                start="2015-01-01",
                end="2025-12-31",
                monthly_yen=6000,
            ),
            contract(
                "new", "access", "excite", includes_isp=True, start="2026-01-01", monthly_yen=4500
            ),
        ]
    )
    assert "not-cheaper" not in codes(run(data).findings)


def test_unwanted_option_fires_with_the_desk_that_cancels_it() -> None:
    data = fiber_site()
    data["contracts"].append(
        contract(
            "tv", "option", "docomo-hikari", product="映像オプション", wanted=False, monthly_yen=880
        )
    )
    found = finding(run(data), "unwanted-option")
    assert found.desk == "docomo-hikari-info"
    assert "0120-800-000" in found.action


def test_unwanted_option_absent_for_wanted_options() -> None:
    data = fiber_site()
    data["contracts"].append(contract("tv", "option", "docomo-hikari", product="映像"))
    assert "unwanted-option" not in codes(run(data).findings)


def test_convenience_store_fee_fires_per_paying_party() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], {**NTT_PHONE, "payment": "convenience-store"}]
    )
    assert finding(run(data), "convenience-store-fee").contracts == ["phone"]


def test_convenience_store_fee_absent_for_card_payment() -> None:
    assert "convenience-store-fee" not in codes(run(fiber_site()).findings)


def test_initial_cancellation_window_fires_on_day_8() -> None:
    data = site(
        now="2026-03-08T20:00:00+09:00",
        contracts=[contract("line", "access", "excite", document_received="2026-03-01")],
    )
    assert finding(run(data), "initial-cancellation-window").severity == "critical"


def test_initial_cancellation_window_absent_on_day_9() -> None:
    data = site(
        now="2026-03-09T00:10:00+09:00",
        contracts=[contract("line", "access", "excite", document_received="2026-03-01")],
    )
    assert "initial-cancellation-window" not in codes(run(data).findings)


def test_initial_cancellation_window_absent_for_a_phone_contract() -> None:
    data = site(contracts=[contract("p", "phone", "excite", document_received="2026-03-01")])
    assert "initial-cancellation-window" not in codes(run(data).findings)


def test_cancellation_gap_fires_when_nothing_replaces_an_ending_contract() -> None:
    data = site(contracts=[contract("isp", "isp", "so-net", start="2010-01-01", end="2026-03-31")])
    assert finding(run(data), "cancellation-gap").contracts == ["isp"]


def test_cancellation_gap_fires_for_a_cancel_request_without_end_date() -> None:
    data = site(
        contracts=[contract("isp", "isp", "so-net", start="2010-01-01")],
        events=[
            {
                "date": "2026-03-01",
                "kind": "cancel-request",
                "contract": "isp",
                "effective": "2026-03-20",
            }
        ],
    )
    assert "cancellation-gap" in codes(run(data).findings)


def test_cancellation_gap_absent_when_a_replacement_starts_the_next_day() -> None:
    data = site(
        contracts=[
            contract("old", "isp", "so-net", start="2010-01-01", end="2026-03-31"),
            contract("new", "isp", "biglobe", start="2026-04-01"),
        ]
    )
    assert "cancellation-gap" not in codes(run(data).findings)


def test_cancellation_gap_absent_for_an_end_long_ago() -> None:
    data = site(contracts=[contract("old", "isp", "so-net", start="2010-01-01", end="2020-03-31")])
    assert "cancellation-gap" not in codes(run(data).findings)


def _case(due: str, kept: str | None = None) -> list[dict[str, object]]:
    promise = {"by": "docomo-hikari", "what": "callback", "due": due, "kept": kept}
    return [{"ref": "c1", "promises": [promise]}]


def test_promise_overdue_fires_after_the_due_time() -> None:
    data = fiber_site(cases=_case("2026-03-04T09:00:00+09:00"))
    found = finding(run(data), "promise-overdue")
    assert found.party == "docomo-hikari"


def test_promise_overdue_absent_before_the_due_time() -> None:
    data = fiber_site(cases=_case("2026-03-04T15:00:00+09:00"))
    assert "promise-overdue" not in codes(run(data).findings)


def test_promise_overdue_absent_once_kept() -> None:
    data = fiber_site(cases=_case("2026-03-04T09:00:00+09:00", kept="2026-03-04T09:30:00+09:00"))
    assert "promise-overdue" not in codes(run(data).findings)


def test_holder_ceased_fires_for_a_bankrupt_provider() -> None:
    data = site(
        parties=[{"slug": "gone-isp", "name": "消えたISP", "kind": "isp", "status": "ceased"}],
        contracts=[contract("isp", "isp", "gone-isp", start="2020-01-01")],
    )
    assert finding(run(data), "holder-ceased").contracts == ["isp"]


def test_holder_ceased_absent_for_active_holders() -> None:
    assert "holder-ceased" not in codes(run(fiber_site()).findings)


def test_findings_are_ordered_by_severity() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], {**NTT_PHONE, "payment": "convenience-store"}],
        cases=_case("2026-03-04T09:00:00+09:00"),
    )
    order = {"critical": 0, "warn": 1, "info": 2}
    severities = [order[f.severity] for f in run(data).findings]
    assert severities == sorted(severities)


def test_a_residual_item_billed_every_month_is_named_once() -> None:
    result = run(
        fiber_site(
            bills=[
                {"party": "ntt-east", "month": "2026-01", "item": "ウイルスクリア", "yen": 440},
                {"party": "ntt-east", "month": "2026-02", "item": "ウイルスクリア", "yen": 440},
            ]
        )
    )
    found = finding(result, "residual-wholesaler-option")
    assert found.why.count("ウイルスクリア") == 1


def test_the_residual_option_finding_names_options_not_the_phone_kept_with_ntt() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE, VIRUS_CLEAR])
    found = finding(run(data), "residual-wholesaler-option")
    assert "ひかり電話" not in found.why
    assert found.contracts == ["vc"]


def test_the_residual_option_finding_leaves_an_unwanted_option_to_its_own_finding() -> None:
    unwanted = contract(
        "rs", "option", "ntt-east", option="remote-support", monthly_yen=550, wanted=False
    )
    data = fiber_site(contracts=[*fiber_site()["contracts"], VIRUS_CLEAR, unwanted])
    assert "リモートサポート" not in finding(run(data), "residual-wholesaler-option").why


def test_the_residual_option_finding_names_a_billed_option_by_its_name_not_the_bill_wording() -> (
    None
):
    item = "NTTファイナンス ウイルスクリア"
    data = fiber_site(bills=[{"party": "ntt-east", "month": "2026-02", "item": item, "yen": 440}])
    found = finding(run(data), "residual-wholesaler-option")
    assert "「フレッツ・ウイルスクリア」" in found.why
    assert "NTTファイナンス" not in found.why


def test_twin_contracts_are_told_apart_by_their_start() -> None:
    twins = [
        contract("isp", "isp", "so-net", start="2025-10-01"),
        contract("isp2", "isp", "so-net", start="2025-10-09"),
    ]
    found = finding(run(site(contracts=twins)), "duplicate-application")
    assert "2025年10月1日(水)開始分" in found.why
    assert "2025年10月9日(木)開始分" in found.why


def test_an_initial_cancellation_window_is_said_once_per_contract_in_different_words() -> None:
    twins = [
        contract("isp", "isp", "so-net", start="2026-09-10", document_received="2026-09-12"),
        contract("isp2", "isp", "so-net", start="2026-09-11", document_received="2026-09-12"),
    ]
    result = run(site(contracts=twins, now="2026-09-15T10:00:00+09:00"))
    windows = [f.why for f in result.findings if f.code == "initial-cancellation-window"]
    assert len(windows) == 2
    assert len(set(windows)) == 2


def test_contracts_nothing_tells_apart_are_counted_as_first_and_second() -> None:
    twins = [
        contract("isp", "isp", "so-net", document_received="2026-09-12"),
        contract("isp2", "isp", "so-net", document_received="2026-09-12"),
    ]
    result = run(site(contracts=twins, now="2026-09-15T10:00:00+09:00"))
    whys = [d.why for d in result.deadlines]
    assert len(whys) == len(set(whys)) == 2
    assert "2件目" in whys[1]


def test_the_same_sentence_is_never_said_twice_among_findings() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE, VIRUS_CLEAR])
    data["bills"] = [
        {"party": "ntt-east", "month": "2026-02", "item": "ひかり電話", "yen": 550},
        {"party": "ntt-east", "month": "2026-02", "item": "ひかり電話 ユニバーサル", "yen": 3},
    ]
    whys = [f.why for f in run(data).findings]
    assert len(whys) == len(set(whys))
