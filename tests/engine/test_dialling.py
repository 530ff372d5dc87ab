"""Dialling from the phone in hand: `dial` and `numbers` on routes, first call and rungs."""

from __future__ import annotations

from typing import Any

from madoguchi.engine import load_catalog
from madoguchi.engine.dialling import call_from_mobile, desk_for, number_in_words
from madoguchi.engine.model import Desk, Party, Purpose
from tests.engine.factories import contract, fiber_site, route, run, site

DOCOMO_SHORT = "113"
DOCOMO_ANY_PHONE = "0120-800-000"

SHORT_ONLY = {
    "slug": "short-hikari",
    "name": "短縮光",
    "kind": "collabo",
    "desks": [{"slug": "short-fault", "purposes": ["fault"], "phone": "113"}],
}


def _docomo_with_phone(**sections: Any) -> dict[str, Any]:
    """ドコモ光 (line + ISP) with ドコモ光電話 on it."""
    data = fiber_site(**sections)
    data["contracts"].append(contract("phone", "phone", "docomo-hikari", start="2020-04-01"))
    return data


def test_phone_down_dials_a_number_that_works_from_a_mobile() -> None:
    result = run(_docomo_with_phone(symptoms=["internet-down", "phone-down"]))
    assert route(result, "phone").dial == DOCOMO_ANY_PHONE


def test_docomo_113_is_never_dialled_from_a_working_hikari_denwa() -> None:
    result = run(_docomo_with_phone(symptoms=["slow"]))
    assert route(result, "access").dial == DOCOMO_ANY_PHONE


def test_docomo_113_is_never_dialled_from_a_mobile_of_unknown_carrier() -> None:
    result = run(fiber_site(symptoms=["internet-down"]))
    assert route(result, "access").dial == DOCOMO_ANY_PHONE


def test_every_number_of_the_desk_is_listed_with_where_it_works_from() -> None:
    numbers = route(run(fiber_site(symptoms=["internet-down"])), "access").numbers
    assert {"number": DOCOMO_SHORT, "from": ["docomo-mobile"]} in numbers
    assert {"number": DOCOMO_ANY_PHONE, "from": ["mobile"]} in numbers


def test_first_call_carries_the_same_dial_as_its_route() -> None:
    result = run(_docomo_with_phone(symptoms=["phone-down"]))
    assert result.first_call is not None
    assert result.first_call.dial == DOCOMO_ANY_PHONE
    assert result.first_call.fixed_phone_out is True


def test_escalation_rungs_carry_a_dial() -> None:
    result = run(_docomo_with_phone(symptoms=["phone-down"]))
    assert result.escalation[0].dial == DOCOMO_ANY_PHONE


def test_a_short_code_for_any_phone_is_not_dialled_from_a_mobile() -> None:
    data = site(
        parties=[SHORT_ONLY],
        contracts=[contract("line", "access", "short-hikari")],
        symptoms=["internet-down"],
    )
    line = route(run(data), "access")
    assert line.dial is None
    assert line.numbers == [{"number": "113", "from": None}]
    assert "契約書類" in line.why


def test_the_site_s_working_hikari_denwa_dials_a_short_code_for_any_phone() -> None:
    data = site(
        parties=[SHORT_ONLY],
        contracts=[
            contract("line", "access", "short-hikari"),
            contract("phone", "phone", "short-hikari"),
        ],
        symptoms=["slow"],
    )
    assert route(run(data), "access").dial == "113"


def test_a_line_fault_at_a_site_with_a_phone_puts_the_fixed_phone_out() -> None:
    data = site(
        parties=[SHORT_ONLY],
        contracts=[
            contract("line", "access", "short-hikari"),
            contract("phone", "phone", "short-hikari"),
        ],
        symptoms=["internet-down"],
        observations={"onu": {"power": "on", "optical": "red"}},
    )
    assert route(run(data), "access").dial is None


def test_ntt_east_hikari_faults_dial_0120_000_113_not_the_copper_113() -> None:
    data = site(
        contracts=[
            contract("line", "access", "ntt-east", start="2015-01-01"),
            contract("phone", "phone", "ntt-east", start="2015-01-01"),
        ],
        symptoms=["phone-down"],
    )
    result = run(data)
    assert route(result, "phone").dial == "0120-000-113"
    assert route(result, "access").dial == "0120-000-113"


def test_the_consumer_hotline_188_is_dialled_from_a_mobile() -> None:
    result = run(_docomo_with_phone(symptoms=["phone-down"]))
    hotline = next(s for s in result.escalation if s.party == "consumer-hotline")
    assert hotline.dial == "188"


def test_a_party_s_ended_contract_routes_to_it_with_the_end_said() -> None:
    data = fiber_site(
        now="2026-03-04T10:00:00+09:00",
        symptoms=["internet-down"],
    )
    data["contracts"][0]["end"] = "2026-02-28"
    result = run(data)
    line = route(result, "access")
    assert (line.party, line.ended) == ("docomo-hikari", "2026-02-28")
    assert "2026年2月28日" in line.why


def test_an_ended_contract_is_not_holder_unknown() -> None:
    data = fiber_site(symptoms=["internet-down"])
    data["contracts"][0]["end"] = "2026-02-28"
    assert "holder-unknown" not in [f.code for f in run(data).findings]


def test_an_ended_contract_of_a_party_that_said_no_contract_stays_unknown() -> None:
    data = fiber_site(
        symptoms=["internet-down"], observations={"said_no_contract": ["docomo-hikari"]}
    )
    data["contracts"][0]["end"] = "2026-02-28"
    assert route(run(data), "access").party is None


def test_dial_and_numbers_are_in_the_json() -> None:
    data = run(fiber_site(symptoms=["internet-down"])).to_dict()
    assert data["routes"][0]["dial"] == DOCOMO_ANY_PHONE
    assert data["first_call"]["numbers"]


# --- a desk to call away from the site (dashboard, letter, calendar, e-mails) -------------


def _catalog_party(slug: str) -> Any:
    return load_catalog().parties[slug]


def test_a_desk_called_away_from_the_site_is_dialled_as_from_a_mobile() -> None:
    call = call_from_mobile("ja", _catalog_party("docomo-hikari"), (Purpose.FAULT,))
    assert call.dial == DOCOMO_ANY_PHONE
    assert call.desk is not None
    assert call.desk.phone == DOCOMO_SHORT


def test_a_short_code_alone_is_not_dialled_away_from_the_site() -> None:
    call = call_from_mobile("ja", Party.model_validate(SHORT_ONLY), (Purpose.FAULT,))
    assert call.desk is not None
    assert call.dial is None


def test_the_first_purpose_the_party_has_picks_its_desk() -> None:
    desk = desk_for(_catalog_party("docomo-hikari"), (Purpose.SALES, Purpose.BILLING))
    assert desk is not None
    assert Purpose.BILLING in desk.purposes


def test_a_number_in_a_sentence_says_where_a_short_code_works_from() -> None:
    only_docomo = Desk(slug="d", phone="113", phone_from=["docomo-mobile"])
    assert number_in_words("ja", only_docomo) == "113, ドコモの携帯電話から"
    with_mobile = Desk(slug="d", phone="113", phone_from=["docomo-mobile"], mobile_phone="0120-1")
    assert number_in_words("ja", with_mobile) == "0120-1"
