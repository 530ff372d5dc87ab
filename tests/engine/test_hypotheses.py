"""Each hypothesis fires on its sign and stays silent without it."""

from __future__ import annotations

from tests.engine.factories import codes, contract, fiber_site, run, site

LAMPS_FINE = {"power": "on", "optical": "on", "auth": "on", "uni": "on"}


def test_no_symptoms_gives_no_hypotheses() -> None:
    assert run(fiber_site()).hypotheses == []


def test_unknown_charge_alone_gives_no_hypotheses() -> None:
    assert run(fiber_site(symptoms=["unknown-charge"])).hypotheses == []


def test_line_fault_tops_when_optical_lamp_is_red() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": {"optical": "red"}}))
    assert codes(result.hypotheses)[0] == "line-fault"
    assert result.first_call is not None
    assert result.first_call.party == "docomo-hikari"


def test_line_fault_tops_when_onu_power_is_off() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": {"power": "off"}}))
    assert codes(result.hypotheses)[0] == "line-fault"


def test_line_fault_absent_when_lamps_are_fine() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": LAMPS_FINE}))
    assert "line-fault" not in codes(result.hypotheses)


def test_isp_auth_tops_when_auth_lamp_is_off_and_line_is_up() -> None:
    lamps = {**LAMPS_FINE, "auth": "off"}
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": lamps}))
    assert codes(result.hypotheses)[0] == "isp-auth"
    assert result.first_call is not None
    assert result.first_call.service == "isp"


def test_isp_auth_blames_the_separate_isp_not_the_line() -> None:
    data = site(
        contracts=[
            contract("line", "access", "ntt-east", start="2015-01-01"),
            contract("isp", "isp", "so-net", start="2015-01-01"),
        ],
        symptoms=["internet-down"],
        observations={"onu": {**LAMPS_FINE, "auth": "off"}},
    )
    result = run(data)
    assert result.first_call is not None
    assert result.first_call.party == "so-net"


def test_isp_auth_absent_when_the_line_itself_is_down() -> None:
    lamps = {"power": "on", "optical": "off", "auth": "off"}
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": lamps}))
    assert "isp-auth" not in codes(result.hypotheses)


def test_collabo_unknown_tops_when_recorded_holder_says_no_contract() -> None:
    data = site(
        contracts=[contract("line", "access", "ntt-east", start="2014-05-01")],
        symptoms=["internet-down"],
        observations={"onu": {"optical": "red"}, "said_no_contract": ["ntt-east"]},
    )
    result = run(data)
    assert codes(result.hypotheses)[0] == "collabo-unknown"
    assert result.first_call is None


def test_collabo_unknown_fires_when_an_unrecorded_party_says_no_contract() -> None:
    data = site(symptoms=["internet-down"], observations={"said_no_contract": ["ntt-east"]})
    assert "collabo-unknown" in codes(run(data).hypotheses)


def test_collabo_unknown_absent_when_another_party_is_known_to_hold_the_line() -> None:
    data = fiber_site(symptoms=["internet-down"], observations={"said_no_contract": ["ntt-east"]})
    result = run(data)
    assert "collabo-unknown" not in codes(result.hypotheses)
    assert result.first_call is not None


def test_the_holder_found_after_a_denial_is_the_first_call() -> None:
    data = site(
        contracts=[
            contract("flets", "access", "ntt-east", start="2014-05-01"),
            contract("found", "access", "docomo-hikari", includes_isp=True),
        ],
        symptoms=["internet-down"],
        observations={"onu": {"optical": "red"}, "said_no_contract": ["ntt-east"]},
    )
    result = run(data)
    assert "collabo-unknown" not in codes(result.hypotheses)
    assert result.first_call is not None
    assert result.first_call.party == "docomo-hikari"


def test_collabo_unknown_absent_without_a_denial() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": {"optical": "red"}}))
    assert "collabo-unknown" not in codes(result.hypotheses)


def test_cancellation_cutoff_tops_after_a_cancel_request_taking_effect() -> None:
    data = fiber_site(
        symptoms=["internet-down"],
        events=[
            {
                "date": "2026-02-20",
                "kind": "cancel-request",
                "contract": "line",
                "effective": "2026-03-05",
            }
        ],
    )
    result = run(data)
    assert codes(result.hypotheses)[0] == "cancellation-cutoff"


def test_cancellation_cutoff_blames_same_company_after_number_port() -> None:
    data = site(
        contracts=[
            contract("isp", "isp", "so-net", start="2010-01-01"),
            contract("phone", "phone", "so-net", start="2010-01-01"),
        ],
        events=[
            {
                "date": "2026-02-01",
                "kind": "number-port",
                "contract": "phone",
                "effective": "2026-03-03",
            }
        ],
        symptoms=["internet-down"],
    )
    result = run(data)
    assert codes(result.hypotheses)[0] == "cancellation-cutoff"
    assert result.first_call is not None
    assert result.first_call.party == "so-net"


def test_cancellation_cutoff_absent_for_an_old_cancellation() -> None:
    data = fiber_site(
        symptoms=["internet-down"],
        events=[
            {
                "date": "2025-01-10",
                "kind": "cancel-request",
                "contract": "line",
                "effective": "2025-01-31",
            }
        ],
    )
    assert "cancellation-cutoff" not in codes(run(data).hypotheses)


def test_cancellation_cutoff_fires_when_the_holder_has_ceased() -> None:
    data = site(
        parties=[{"slug": "gone-isp", "name": "消えたISP", "kind": "isp", "status": "ceased"}],
        contracts=[contract("isp", "isp", "gone-isp", start="2020-01-01")],
        symptoms=["internet-down"],
    )
    assert "cancellation-cutoff" in codes(run(data).hypotheses)


def test_course_mismatch_tops_when_isp_course_differs_from_the_building() -> None:
    data = site(
        site={"name": "マンション101", "prefecture": "大阪府", "building": "multi-unit"},
        contracts=[
            contract("line", "access", "ntt-west", course="multi-unit", start="2026-02-01"),
            contract("isp", "isp", "biglobe", course="detached", start="2026-02-01"),
        ],
        symptoms=["internet-down"],
        observations={"onu": LAMPS_FINE},
    )
    result = run(data)
    assert codes(result.hypotheses)[0] == "course-mismatch"
    assert result.first_call is not None
    assert result.first_call.party == "biglobe"


def test_course_mismatch_absent_when_courses_agree() -> None:
    result = run(fiber_site(symptoms=["internet-down"]))
    assert "course-mismatch" not in codes(result.hypotheses)


def test_line_provider_split_fires_with_a_set_and_a_separate_isp() -> None:
    data = site(
        contracts=[
            contract("set", "access", "softbank-hikari", includes_isp=True, start="2019-01-01"),
            contract("isp", "isp", "so-net", start="2025-06-01"),
        ],
        symptoms=["internet-down"],
        observations={"onu": LAMPS_FINE},
    )
    assert "line-provider-split" in codes(run(data).hypotheses)


def test_line_provider_split_absent_with_a_single_set() -> None:
    assert "line-provider-split" not in codes(
        run(fiber_site(symptoms=["internet-down"])).hypotheses
    )


def test_credentials_tops_after_a_recent_provider_change_with_auth_lamp_off() -> None:
    data = site(
        contracts=[
            contract("line", "access", "ntt-east", start="2015-01-01"),
            contract("isp", "isp", "nifty", start="2026-02-25"),
        ],
        symptoms=["internet-down"],
        observations={"onu": {**LAMPS_FINE, "auth": "off"}},
    )
    result = run(data)
    assert codes(result.hypotheses)[0] == "credentials"
    assert result.first_call is not None
    assert result.first_call.party == "nifty"


def test_credentials_absent_without_a_recent_change() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": LAMPS_FINE}))
    assert "credentials" not in codes(result.hypotheses)


def test_service_fault_tops_when_phone_is_down_and_line_is_fine() -> None:
    data = fiber_site(symptoms=["phone-down"], observations={"onu": LAMPS_FINE})
    data["contracts"].append(contract("phone", "phone", "ntt-east", start="2012-07-01"))
    result = run(data)
    assert codes(result.hypotheses)[0] == "service-fault"
    assert result.first_call is not None
    assert result.first_call.party == "ntt-east"


def test_service_fault_absent_when_the_line_is_down() -> None:
    data = fiber_site(symptoms=["phone-down"], observations={"onu": {"optical": "off"}})
    assert "service-fault" not in codes(run(data).hypotheses)


def test_home_equipment_tops_for_weak_wifi() -> None:
    result = run(fiber_site(symptoms=["wifi-weak"]))
    assert codes(result.hypotheses)[0] == "home-equipment"


def test_home_equipment_tops_when_uni_lamp_is_off() -> None:
    lamps = {**LAMPS_FINE, "uni": "off"}
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": lamps}))
    assert codes(result.hypotheses)[0] == "home-equipment"


def test_home_equipment_absent_when_the_line_is_down() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": {"optical": "red"}}))
    assert "home-equipment" not in codes(result.hypotheses)


def test_area_outage_tops_when_the_holder_reports_an_outage() -> None:
    data = fiber_site(
        symptoms=["internet-down"],
        observations={"onu": {"optical": "off"}, "outage_notice": ["docomo-hikari"]},
    )
    assert codes(run(data).hypotheses)[0] == "area-outage"


def test_area_outage_is_never_first_without_a_notice() -> None:
    result = run(fiber_site(symptoms=["internet-down"], observations={"onu": {"optical": "off"}}))
    assert codes(result.hypotheses)[0] != "area-outage"


def test_hypotheses_are_sorted_by_confidence_within_bounds() -> None:
    result = run(fiber_site(symptoms=["internet-down", "phone-down", "slow", "wifi-weak"]))
    confidences = [h.confidence for h in result.hypotheses]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0 <= c <= 1 for c in confidences)
    assert len(set(codes(result.hypotheses))) == len(result.hypotheses)


def test_without_lamps_no_cause_says_the_line_is_fine() -> None:
    phone = contract("phone", "phone", "ntt-east", start="2012-07-01")
    data = fiber_site(contracts=[*fiber_site()["contracts"], phone], symptoms=["phone-down"])
    whys = " ".join(h.why for h in run(data).hypotheses)
    assert "回線は正常" not in whys
    assert "ランプ" in whys


def test_with_every_lamp_on_the_service_fault_says_the_line_is_fine() -> None:
    phone = contract("phone", "phone", "ntt-east", start="2012-07-01")
    data = fiber_site(
        contracts=[*fiber_site()["contracts"], phone],
        symptoms=["phone-down"],
        observations={"onu": {"power": "on", "optical": "on", "auth": "on", "uni": "on"}},
    )
    service_fault = next(h for h in run(data).hypotheses if h.code == "service-fault")
    assert "回線は正常" in service_fault.why
