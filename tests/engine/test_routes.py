"""Routes: the holder per touched service, its desk, and the desk's hours at `now`."""

from __future__ import annotations

from tests.engine.factories import contract, fiber_site, route, run, site

EXAMPLE_ISP = {
    "slug": "example-isp",
    "name": "例プロバイダ",
    "kind": "isp",
    "desks": [
        {
            "slug": "example-isp-info",
            "purposes": ["inquiry", "cancel"],
            "phone": "0120-000-001",
            "hours": "Mo-Fr 09:00-18:00; PH off; Dec 29-Jan 03 off",
        },
        {"slug": "example-isp-fault", "purposes": ["fault"], "phone": "0120-000-002"},
    ],
}


def _isp_site(now: str) -> dict[str, object]:
    return site(
        now=now,
        parties=[EXAMPLE_ISP],
        contracts=[contract("isp", "isp", "example-isp", ids={"customer_id": "CAF1234567"})],
        symptoms=["mail-error"],
    )


def test_routes_follow_the_symptoms_services_in_order() -> None:
    result = run(fiber_site(symptoms=["phone-down", "internet-down"]))
    assert [r.service for r in result.routes] == ["phone", "access", "isp"]


def test_an_included_isp_is_routed_to_the_line_holder() -> None:
    assert route(run(fiber_site(symptoms=["internet-down"])), "isp").party == "docomo-hikari"


def test_a_fault_desk_is_preferred_to_an_inquiry_desk() -> None:
    result = run(_isp_site("2026-03-04T10:00:00+09:00"))
    assert route(result, "isp").desk == "example-isp-fault"


def test_inquiry_desk_is_used_when_there_is_no_fault_desk() -> None:
    data = _isp_site("2026-03-04T10:00:00+09:00")
    data["parties"][0]["desks"] = data["parties"][0]["desks"][:1]
    found = route(run(data), "isp")
    assert (found.desk, found.open_now, found.next_open) == ("example-isp-info", True, None)


def _info_only(now: str):  # type: ignore[no-untyped-def]
    data = _isp_site(now)
    data["parties"][0]["desks"] = data["parties"][0]["desks"][:1]
    return route(run(data), "isp")


def test_desk_closed_on_a_public_holiday_opens_the_next_working_day() -> None:
    found = _info_only("2026-01-12T10:00:00+09:00")  # 成人の日 (Monday)
    assert (found.open_now, found.next_open) == (False, "2026-01-13T09:00:00+09:00")


def test_desk_closed_over_the_year_end_opens_on_january_4() -> None:
    found = _info_only("2026-12-30T10:00:00+09:00")
    assert (found.open_now, found.next_open) == (False, "2027-01-04T09:00:00+09:00")


def test_desk_closed_after_hours_opens_the_next_morning() -> None:
    found = _info_only("2026-03-04T23:59:00+09:00")
    assert found.next_open == "2026-03-05T09:00:00+09:00"


def test_a_time_given_in_utc_is_evaluated_in_tokyo() -> None:
    found = _info_only("2026-03-04T01:00:00+00:00")  # 10:00 in Tokyo
    assert found.open_now is True


def test_a_desk_without_hours_is_neither_open_nor_closed() -> None:
    data = _isp_site("2026-03-04T10:00:00+09:00")
    found = route(run(data), "isp")
    assert (found.open_now, found.next_open) == (None, None)


def test_have_ready_lists_the_contract_ids() -> None:
    result = run(_isp_site("2026-03-04T10:00:00+09:00"))
    assert route(result, "isp").have_ready == {"customer_id": "CAF1234567"}


def test_a_site_party_overrides_the_catalog_entry_with_the_same_slug() -> None:
    mine = {
        "slug": "so-net",
        "name": "So-net (自社登録)",
        "kind": "isp",
        "desks": [{"slug": "my-sonet", "purposes": ["fault"], "phone": "03-0000-0000"}],
    }
    data = site(parties=[mine], contracts=[contract("isp", "isp", "so-net")], symptoms=["slow"])
    assert route(run(data), "isp").phone == "03-0000-0000"


def test_a_desk_kept_for_the_catalog_party_is_not_given_to_a_site_party_of_its_slug() -> None:
    """Routes, the first call and the ladder name and dial a desk kept per party record
    (routes.reach): a site's own party with a catalog slug is a record of its own."""
    mine = {
        "slug": "so-net",
        "name": "So-net (自社登録)",
        "name_en": "So-net (own entry)",
        "kind": "isp",
        "desks": [{"slug": "my-sonet", "purposes": ["fault"], "phone": "03-0000-0000"}],
    }
    plain = site(contracts=[contract("isp", "isp", "so-net")], symptoms=["slow"])
    own = site(parties=[mine], contracts=[contract("isp", "isp", "so-net")], symptoms=["slow"])
    for lang in ("ja", "en", "ja"):
        for data, name, desk in ((plain, None, "so-net-support"), (own, mine, "my-sonet")):
            result = run(data, lang=lang)
            named = route(result, "isp")
            assert named.desk == desk
            if name is not None:
                assert named.party_name == (name["name_en"] if lang == "en" else name["name"])
                assert named.dial == "03-0000-0000"
            assert result.escalation[0].desk == desk
            assert result.escalation[0].party_name == named.party_name
            if result.first_call is not None:
                assert result.first_call.desk == desk


def test_a_separate_isp_contract_beats_the_included_isp() -> None:
    data = fiber_site(symptoms=["internet-down"])
    data["contracts"].append(contract("isp", "isp", "biglobe", start="2025-01-01"))
    assert route(run(data), "isp").party == "biglobe"


def test_mail_falls_back_to_the_isp_without_a_mail_contract() -> None:
    result = run(fiber_site(symptoms=["mail-error"]))
    assert [r.service for r in result.routes] == ["isp"]


def test_region_comes_from_the_prefecture() -> None:
    data = site(site={"name": "大阪店", "prefecture": "大阪"})
    assert run(data).region == "west"


def test_region_can_be_given_directly() -> None:
    assert run(site(site={"name": "札幌", "region": "east"})).region == "east"


def test_english_sentences_with_lang_en() -> None:
    result = run(fiber_site(symptoms=["internet-down"]), lang="en")
    assert route(result, "access").why.startswith("The fiber line is under contract")


SPLIT_DESKS = {
    "slug": "example-hikari",
    "name": "例光",
    "kind": "collabo",
    "desks": [
        {"slug": "phone-only", "purposes": ["fault"], "services": ["phone"], "phone": "0120-1"},
        {"slug": "line-only", "purposes": ["fault"], "services": ["access"], "phone": "0120-2"},
        {"slug": "general", "purposes": ["inquiry"], "phone": "0120-3"},
    ],
}


def _split_site(symptoms: list[str]) -> dict[str, object]:
    return site(
        parties=[SPLIT_DESKS],
        contracts=[
            contract("line", "access", "example-hikari", includes_isp=True),
            contract("tel", "phone", "example-hikari"),
        ],
        symptoms=symptoms,
    )


def test_a_desk_limited_to_phone_is_never_chosen_for_isp() -> None:
    # No fault desk handles the ISP, so the inquiry desk (which handles all) is the one.
    assert route(run(_split_site(["internet-down"])), "isp").desk == "general"


def test_a_desk_limited_to_a_service_is_chosen_for_it() -> None:
    result = run(_split_site(["phone-down"]))
    assert (route(result, "phone").desk, route(result, "access").desk) == (
        "phone-only",
        "line-only",
    )


def test_a_desk_without_services_handles_every_service() -> None:
    result = run(_split_site(["internet-down"]))
    assert route(result, "access").desk == "line-only"
    assert route(result, "isp").phone == "0120-3"
