"""How a desk answers and what a call costs: derived from the number where the numbering plan
says so, stated from the source where it does not; and the NTT West desks of DOMAIN-FACTS 9."""

from __future__ import annotations

import pytest

from madoguchi.engine import load_catalog
from madoguchi.engine.calls import NumberCost, call_note, is_free, number_cost
from madoguchi.engine.context import Context
from madoguchi.engine.model import Desk
from madoguchi.engine.routes import contract_map
from madoguchi.engine.sitefile import parse_site
from tests.engine.factories import contract, dump, route, run, site


@pytest.mark.parametrize(
    ("phone", "cost"),
    [
        ("0120-248995", NumberCost.FREE),
        ("0800-2000116", NumberCost.FREE),
        ("０１２０－８００－０００", NumberCost.FREE),
        ("0570-078374", NumberCost.NAVI_DIAL),
        ("050-1234-5678", NumberCost.IP),
        ("090-1234-5678", NumberCost.MOBILE),
        ("03-6745-5600", NumberCost.FIXED),
        ("06-0000-0000", NumberCost.FIXED),
        ("113", None),
        ("188", None),
        ("#9110", None),
        (None, None),
    ],
)
def test_the_numbering_plan_decides_the_cost_where_it_can(
    phone: str | None, cost: NumberCost | None
) -> None:
    assert number_cost(phone) == cost


def test_a_stated_charge_wins_over_the_number_and_short_numbers_need_one() -> None:
    assert is_free(Desk(slug="a", phone="188")) is None
    assert is_free(Desk(slug="a", phone="188", charge="charged")) is False
    assert is_free(Desk(slug="a", phone="0120-1", charge="charged")) is False
    assert call_note("ja", Desk(slug="a", phone="113")) == "通話料は要確認"


def test_a_desk_without_a_number_has_no_call_line() -> None:
    assert call_note("ja", Desk(slug="a", url="https://example.jp/")) is None


def _west_hikari(now: str, **sections: object) -> dict[str, object]:
    base: dict[str, object] = {
        "now": now,
        "site": {"name": "大阪の家", "prefecture": "大阪府", "building": "detached"},
        "contracts": [
            contract("line", "access", "ntt-west", course="detached", start="2020-04-01"),
            contract("tel", "phone", "ntt-west", start="2020-04-01"),
        ],
    }
    base.update(sections)
    return site(**base)


def test_a_west_hikari_line_that_is_down_goes_to_0120_248995_with_repair_hours() -> None:
    data = _west_hikari(
        "2026-03-07T22:00:00+09:00",  # a Saturday night: calls are still taken
        symptoms=["internet-down"],
        observations={"onu": {"power": "on", "optical": "off"}},
    )
    result = run(data)
    found = route(result, "access")
    assert (found.party, found.phone, found.open_now) == ("ntt-west", "0120-248995", True)
    assert found.repair_hours == "09:00-17:00"
    assert found.answers == "recording"
    assert found.free_call is True
    assert "修理は9:00〜17:00" in found.call_note
    assert "録音" in found.call_note
    assert "通話無料" in found.call_note
    assert result.first_call is not None
    assert result.first_call.phone == "0120-248995"
    assert "修理は9:00〜17:00" in (result.first_call.call_note or "")
    english = route(run(data, lang="en"), "access")
    assert "repairs 9:00–17:00" in english.call_note


def test_hikari_denwa_never_goes_to_the_copper_line_desk() -> None:
    result = run(_west_hikari("2026-03-04T10:00:00+09:00", symptoms=["phone-down"]))
    assert {r.service: r.phone for r in result.routes} == {
        "phone": "0120-248995",
        "access": "0120-248995",
    }


def test_116_at_six_on_a_saturday_evening_is_closed_and_says_when_it_opens() -> None:
    data = _west_hikari(
        "2026-03-07T18:00:00+09:00",  # Saturday 18:00
        contracts=[
            contract("line", "access", "ntt-west", start="2020-04-01"),
            contract("vc", "option", "ntt-west", option="virus-clear", start="2020-04-01"),
        ],
    )
    loaded = parse_site(dump(data), load_catalog())
    ctx = Context(
        site=loaded.site,
        catalog=load_catalog(),
        now=loaded.site.now,  # type: ignore[arg-type]
        lang="ja",
    )
    option = next(r for r in contract_map(ctx) if r.service == "option")
    assert (option.phone, option.open_now) == ("116", False)
    assert option.next_open == "2026-03-09T09:00:00+09:00"  # Monday 9:00
    assert "携帯電話からは 0800-2000116" in (option.call_note or "")


def _public_desk(slug: str) -> Desk:
    return load_catalog().parties[slug].desks[0]


def test_188_says_the_call_is_charged_and_some_ip_phones_cannot_call() -> None:
    desk = _public_desk("consumer-hotline")
    assert is_free(desk) is False
    note = call_note("ja", desk) or ""
    assert "通話料がかかります" in note
    assert "IP電話" in note
    assert "charged" in (call_note("en", desk) or "")


def test_houterasu_says_the_call_is_charged_and_gives_its_ip_phone_number() -> None:
    desk = _public_desk("houterasu")
    assert is_free(desk) is False
    note = call_note("ja", desk) or ""
    assert "通話料がかかります (ナビダイヤル" in note
    assert "03-6745-5600" in note
    assert desk.hours is not None
    assert "Dec 29-Jan 03 off" in desk.hours


def test_the_escalation_ladder_says_what_the_public_desks_cost() -> None:
    data = _west_hikari("2026-03-04T10:00:00+09:00", symptoms=["internet-down"])
    steps = {s.party: s for s in run(data).escalation}
    assert "通話料がかかります" in (steps["consumer-hotline"].call_note or "")


def test_the_ladder_marks_a_desk_no_official_page_confirms() -> None:
    data = _west_hikari("2026-03-04T10:00:00+09:00", symptoms=["internet-down"])
    steps = {s.party: s for s in run(data).escalation}
    assert steps["ntt-west"].verified is True
    assert steps["soumu-telecom-consumer-center"].verified is False  # a third-party number
    assert steps["consumer-hotline"].verified is True
