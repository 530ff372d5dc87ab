"""Every money finding says what it costs per year, from the bill lines, and how."""

from __future__ import annotations

from typing import Any

from madoguchi.engine import yearly
from madoguchi.engine.model import BillLine
from tests.engine.factories import contract, fiber_site, finding, run, site

NTT_PHONE = contract("phone", "phone", "ntt-east", start="2012-07-01", monthly_yen=550)
VIRUS_CLEAR = contract(
    "vc", "option", "ntt-east", option="virus-clear", start="2012-07-01", monthly_yen=440
)


def bill(party: str, month: str, yen: int, item: str | None = None) -> dict[str, Any]:
    return {"party": party, "month": month, "yen": yen, **({"item": item} if item else {})}


def test_a_residual_option_costs_twelve_times_its_own_latest_ntt_bill() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], NTT_PHONE, VIRUS_CLEAR],
        bills=[
            bill("ntt-east", "2026-01", 1000, "ひかり電話"),
            bill("ntt-east", "2026-02", 550, "ひかり電話"),
            bill("ntt-east", "2026-02", 440, "フレッツ・ウイルスクリア"),
            bill("ntt-east", "2026-02", 150, "払込票発行手数料"),
        ],
    )
    found = finding(run(data), "residual-wholesaler-option")
    assert found.yearly_yen == 5280  # the option alone: not the phone, not the fee
    assert found.yearly_basis == "直近の請求 440円 (2026年2月) × 12か月"


def test_a_residual_option_without_bills_costs_its_contract_fees() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE, VIRUS_CLEAR])
    found = finding(run(data), "residual-wholesaler-option")
    assert (found.yearly_yen, found.yearly_basis) == (5280, "契約の月額 440円 × 12か月")


def test_residual_options_billed_and_not_add_the_bill_and_the_fee() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], VIRUS_CLEAR],
        bills=[bill("ntt-east", "2026-02", 198, "フレッツ・スポット")],
    )
    assert finding(run(data), "residual-wholesaler-option").yearly_yen == 12 * (440 + 198)


def test_the_phone_kept_with_ntt_is_no_residual_option() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE])
    assert "residual-wholesaler-option" not in [f.code for f in run(data).findings]


def test_an_unknown_charge_costs_twelve_times_its_latest_month() -> None:
    data = fiber_site(bills=[bill("plala", "2026-01", 990), bill("plala", "2026-02", 1100)])
    assert finding(run(data), "unknown-charge").yearly_yen == 13_200


def test_a_charge_after_the_end_costs_twelve_times_its_latest_late_month() -> None:
    data = site(
        contracts=[contract("isp", "isp", "so-net", start="2020-01-01", end="2025-12-31")],
        bills=[
            bill("so-net", "2025-12", 9999, "So-net"),
            bill("so-net", "2026-02", 1100, "So-net"),
        ],
    )
    assert finding(run(data), "charge-after-end").yearly_yen == 13_200


def test_double_billing_costs_the_cheaper_side_of_the_overlap() -> None:
    data = site(
        contracts=[
            contract("set", "access", "softbank-hikari", includes_isp=True, start="2019-01-01"),
            contract("isp", "isp", "so-net", start="2025-06-01"),
        ],
        bills=[
            bill("softbank-hikari", "2026-02", 5720, "ソフトバンク光"),
            bill("so-net", "2026-02", 1100, "So-net 基本料"),
        ],
    )
    found = finding(run(data), "double-billing")
    assert found.yearly_yen == 13_200
    assert found.yearly_basis == "2026年2月に重なって請求された分 (安い方) 1,100円 × 12か月"


def _switch(old_yen: int, new_yen: int, **sections: Any) -> dict[str, Any]:
    return site(
        contracts=[
            contract(
                "old",
                "access",
                "ntt-east",
                includes_isp=True,
                start="2015-01-01",
                end="2025-12-31",
                monthly_yen=old_yen,
            ),
            contract(
                "new",
                "access",
                "excite",
                includes_isp=True,
                start="2026-01-01",
                monthly_yen=new_yen,
            ),
        ],
        **sections,
    )


def test_a_switch_that_costs_more_costs_the_difference_of_the_bills() -> None:
    data = _switch(
        5000,
        5500,
        bills=[bill("ntt-east", "2025-12", 5000), bill("excite", "2026-02", 6050)],
    )
    found = finding(run(data), "not-cheaper")
    assert found.yearly_yen == 12 * 1050
    assert found.yearly_basis == (
        "切り替え後の請求 6,050円 (2026年2月) − 切り替え前 5,000円 (2025年12月)"
        " = 月 1,050円 × 12か月"
    )


def test_a_switch_without_bills_costs_the_difference_of_the_fees() -> None:
    found = finding(run(_switch(5000, 5500)), "not-cheaper")
    assert found.yearly_yen == 6000


def test_a_switch_that_costs_the_same_has_no_yearly_figure() -> None:
    assert finding(run(_switch(5000, 5000)), "not-cheaper").yearly_yen is None


def test_an_unwanted_option_costs_its_own_bill_lines_only() -> None:
    data = fiber_site(
        contracts=[
            *fiber_site()["contracts"],
            contract("tv", "option", "docomo-hikari", product="映像オプション", wanted=False),
        ],
        bills=[
            bill("docomo-hikari", "2026-02", 5720, "ドコモ光"),
            bill("docomo-hikari", "2026-02", 880, "映像オプション"),
        ],
    )
    assert finding(run(data), "unwanted-option").yearly_yen == 12 * 880


def test_the_convenience_store_fee_costs_its_fee_lines() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], {**NTT_PHONE, "payment": "convenience-store"}],
        bills=[
            bill("ntt-east", "2026-02", 550, "ひかり電話"),
            bill("ntt-east", "2026-02", 110, "払込票発行手数料"),
        ],
    )
    found = finding(run(data), "convenience-store-fee")
    assert (found.yearly_yen, found.yearly_basis) == (1320, "直近の請求 110円 (2026年2月) × 12か月")


def test_the_convenience_store_fee_without_a_fee_line_has_no_figure() -> None:
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], {**NTT_PHONE, "payment": "convenience-store"}]
    )
    assert finding(run(data), "convenience-store-fee").yearly_yen is None


def test_a_finding_about_no_money_has_no_yearly_figure() -> None:
    data = fiber_site(contracts=[*fiber_site()["contracts"], NTT_PHONE])
    assert finding(run(data), "split-responsibility").yearly_yen is None


def test_a_refund_month_gives_no_figure() -> None:
    lines = [BillLine(party="so-net", month="2026-02", yen=-500)]
    assert yearly.per_year("ja", lines, [1000]) is None


def test_the_basis_reads_in_english() -> None:
    found = finding(
        run(fiber_site(bills=[bill("plala", "2026-02", 990)]), lang="en"), "unknown-charge"
    )
    assert found.yearly_basis == "the latest bill, ¥990 (Feb 2026), × 12 months"


def test_the_json_carries_the_yearly_figure() -> None:
    data = fiber_site(bills=[bill("plala", "2026-02", 990)])
    out = run(data).to_dict()
    charge = next(f for f in out["findings"] if f["code"] == "unknown-charge")
    assert charge["yearly_yen"] == 11_880
    assert "× 12" in charge["yearly_basis"]
