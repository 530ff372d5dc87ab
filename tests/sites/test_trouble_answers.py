"""The trouble as entered is what the page answers: a charge not recognised gets the bill
checks and the desk to ask, and the ONU drawing shows each lamp as it was entered."""

from __future__ import annotations

import re

import pytest

from madoguchi.contracts.models import Site
from madoguchi.sitefiles.siteio import import_site_text
from tests.conftest import World

TENYO = """\
site: {name: 佐藤家, prefecture: 千葉県, building: detached}
contracts:
  - {ref: line, service: access, party: docomo-hikari, includes_isp: true, acquired: tenyo,
     start: 2016-02-01}
events:
  - {date: 2016-02-01, kind: tenyo, contract: line}
"""


@pytest.fixture
def site(world: World) -> Site:
    site, _warnings = import_site_text(world.org_a, TENYO)
    return site


def _page(world: World, site: Site) -> str:
    return str(world.clients["alice"].get(f"/sites/{site.pk}/").content.decode())


def _report(world: World, site: Site, **values: object) -> None:
    response = world.clients["alice"].post(f"/sites/{site.pk}/trouble/", values)
    assert response.status_code == 302


def _call_now(page: str) -> str:
    return page[page.index('id="call-now"') : page.index('id="contract-map"')]


def test_an_unknown_charge_is_answered_as_a_trouble(world: World, site: Site) -> None:
    _report(world, site, symptoms=["unknown-charge"])
    assert "トラブルの報告はありません" not in _call_now(_page(world, site))
    assert "覚えのない請求" in _call_now(_page(world, site))


def test_an_unknown_charge_names_the_bill_check_and_the_desk_to_ask(
    world: World, site: Site
) -> None:
    world.clients["alice"].post(
        f"/sites/{site.pk}/bills/add/", {"party": "plala", "month": "2026-02", "yen": "990"}
    )
    _report(world, site, symptoms=["unknown-charge"])
    answer = _call_now(_page(world, site))
    assert "に当たる契約が記録にありません" in answer
    assert "ぷらら" in answer


def test_without_a_trouble_the_page_says_none_is_reported(world: World, site: Site) -> None:
    assert "トラブルの報告はありません" in _call_now(_page(world, site))


def _lamp_states(page: str) -> dict[str, str]:
    drawing = page[page.index('<figure class="onu">') : page.index("</figure>")]
    states = re.findall(r'data-state="([a-z]+)"', drawing)
    return dict(zip(["power", "optical", "auth", "uni", "ppp"], states, strict=True))


def test_the_onu_drawing_shows_each_lamp_as_entered(world: World, site: Site) -> None:
    _report(
        world,
        site,
        symptoms=["internet-down"],
        power="on",
        optical="red",
        auth="blinking",
        uni="off",
        ppp="",
    )
    assert _lamp_states(_page(world, site)) == {
        "power": "on",
        "optical": "red",
        "auth": "blinking",
        "uni": "off",
        "ppp": "unknown",
    }


def test_the_onu_drawing_says_each_state_in_words(world: World, site: Site) -> None:
    _report(world, site, symptoms=["internet-down"], optical="red", auth="blinking")
    drawing = _page(world, site).split('<figure class="onu">')[1].split("</figure>")[0]
    assert ">赤<" in drawing
    assert ">点滅<" in drawing


def test_without_lamps_the_drawing_shows_no_green_lamp(world: World, site: Site) -> None:
    page = _page(world, site)
    assert set(_lamp_states(page).values()) == {"unknown"}


SMALL_ISP = """\
site: {name: 田中家, prefecture: 福岡県, building: multi-unit}
parties:
  - slug: yasuyasu-net
    name: やすやすネット
    kind: isp
    desks:
      - {slug: yasuyasu-support, purposes: [fault, inquiry, cancel], phone: "0120-000-777"}
contracts:
  - {ref: line, service: access, party: ntt-west, start: 2018-04-01}
  - {ref: isp, service: isp, party: yasuyasu-net, start: 2025-10-01, monthly_yen: 1100}
  - {ref: isp2, service: isp, party: so-net, start: 2025-10-01, monthly_yen: 1100}
"""


@pytest.fixture
def small_isp(world: World) -> Site:
    site, _warnings = import_site_text(world.org_a, SMALL_ISP)
    return site


def _findings(page: str) -> str:
    return page[page.index('id="findings"') : page.index('id="cases"')]


def test_a_holder_marked_ceased_on_the_page_says_where_to_turn(
    world: World, small_isp: Site
) -> None:
    _report(world, small_isp, ceased=["yasuyasu-net"], ceased_shown="on")
    findings = _findings(_page(world, small_isp))
    assert "事業をやめています" in findings
    assert "破産債権" in findings
    assert "188" in findings
    assert "法テラス" in findings


def test_a_catalog_holder_marked_ceased_is_ceased_for_this_site_only(
    world: World, small_isp: Site
) -> None:
    _report(world, small_isp, ceased=["so-net"], ceased_shown="on")
    assert "事業をやめています" in _findings(_page(world, small_isp))
    other, _warnings = import_site_text(world.org_a, SMALL_ISP.replace("田中家", "別の家"))
    assert "事業をやめています" not in _findings(_page(world, other))


def test_unticking_a_ceased_holder_lets_the_site_follow_the_directory_again(
    world: World, small_isp: Site
) -> None:
    _report(world, small_isp, ceased=["so-net"], ceased_shown="on")
    _report(world, small_isp, ceased=[], ceased_shown="on")
    small_isp.refresh_from_db()
    assert [p["slug"] for p in small_isp.parties] == ["yasuyasu-net"]
    assert "事業をやめています" not in _findings(_page(world, small_isp))


def test_the_ceased_box_shows_what_was_marked(world: World, small_isp: Site) -> None:
    _report(world, small_isp, ceased=["yasuyasu-net"], ceased_shown="on")
    form = world.clients["alice"].get(f"/sites/{small_isp.pk}/").context["trouble_form"]
    assert form["ceased"].value() == ["yasuyasu-net"]


def test_a_post_without_the_ceased_question_leaves_the_marks(world: World, small_isp: Site) -> None:
    _report(world, small_isp, ceased=["yasuyasu-net"], ceased_shown="on")
    _report(world, small_isp, symptoms=["internet-down"])
    assert "事業をやめています" in _findings(_page(world, small_isp))


TWICE_APPLIED = """\
now: "2026-12-04T10:00:00+09:00"
site: {name: 田中家, prefecture: 福岡県, building: multi-unit}
contracts:
  - {ref: line, service: access, party: ntt-west, start: 2018-04-01}
  - {ref: isp, service: isp, party: so-net, start: 2026-12-01, document_received: 2026-12-03}
  - {ref: isp2, service: isp, party: so-net, start: 2026-12-02, document_received: 2026-12-03}
  - {ref: isp3, service: isp, party: so-net, document_received: 2026-12-03}
"""


def test_the_calendar_of_twin_contracts_says_each_deadline_once_and_apart(
    world: World,
) -> None:
    from icalendar import Calendar

    site, _warnings = import_site_text(world.org_a, TWICE_APPLIED, keep_time=True)
    body = world.clients["alice"].get(f"/calendar/site-{site.pk}.ics").content
    summaries = [str(e["summary"]) for e in Calendar.from_ical(body).walk("VEVENT")]
    windows = [s for s in summaries if "初期契約解除" in s]
    assert len(windows) == 3
    assert len(set(windows)) == 3
