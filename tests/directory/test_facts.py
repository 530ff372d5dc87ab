"""The numbers people call, on the server: NTT West's 光 desk on the site page with how it
answers and what it costs, 116 closed on a Saturday evening, and the facts page where an
organization confirms an unverified fact for itself only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from madoguchi.contracts.models import Site
from madoguchi.directory import services
from madoguchi.directory.models import FactConfirmation
from madoguchi.directory.selectors import parties_for
from madoguchi.engine.timezone import TOKYO
from madoguchi.sitefiles.siteio import import_site_text
from tests.conftest import World
from tests.walks.test_no_codes import leaks, visible_text

WEST_HIKARI = """\
version: 1
site: {name: 大阪の家, prefecture: 大阪府, building: detached}
contracts:
  - {ref: line, service: access, party: ntt-west, course: detached, start: 2020-04-01}
  - {ref: tel, service: phone, party: ntt-west, start: 2020-04-01}
  - {ref: vc, service: option, party: ntt-west, option: virus-clear, start: 2020-04-01}
symptoms: [internet-down]
observations:
  onu: {power: "on", optical: "off"}
"""
SATURDAY_EVENING = dt.datetime(2026, 3, 7, 18, 0, tzinfo=TOKYO)


@pytest.fixture
def west(world: World) -> Site:
    site, _warnings = import_site_text(world.org_a, WEST_HIKARI)
    Site.objects.filter(pk=site.pk).update(assess_at=SATURDAY_EVENING)
    return site


def _page(world: World, url: str, who: str = "alice") -> str:
    response = world.clients[who].get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def _section(html_text: str, start: str, end: str) -> str:
    return html_text[html_text.index(start) : html_text.index(end, html_text.index(start))]


def test_a_west_hikari_line_calls_0120_248995_and_says_repairs_are_9_to_17(
    world: World, west: Site
) -> None:
    text = _page(world, f"/sites/{west.pk}/")
    call_now = _section(text, "いま電話するところ", "考えられる原因")
    assert "0120-248995" in call_now
    assert "修理は9:00〜17:00" in call_now
    assert "録音で受付、あとで折り返し連絡" in call_now
    assert "通話無料" in call_now
    assert "113" not in call_now
    assert not leaks(text, "ja")


def test_116_on_a_saturday_evening_is_closed_and_says_when_it_opens(
    world: World, west: Site
) -> None:
    text = _page(world, f"/sites/{west.pk}/")
    contract_map = _section(text, "契約マップ", "指摘事項")
    row = contract_map[contract_map.index("オプション") :]
    # no ひかり電話 on record: the number to dial is the one for mobiles (116 is fixed-line only)
    assert "総合窓口 (局番なし 116) 0800-2000116" in row
    assert "✕ 受付時間外 次の受付開始 2026年3月9日(月) 09:00" in row
    assert "携帯電話からは 0800-2000116" in row


def test_the_english_page_says_the_same_in_english(world: World, west: Site) -> None:
    world.clients["alice"].cookies["django_language"] = "en"
    text = _page(world, f"/sites/{west.pk}/")
    assert "repairs 9:00–17:00" in text
    assert "free call" in text
    assert not leaks(text, "en")


def test_the_facts_page_lists_unverified_facts_with_their_sources(world: World) -> None:
    text = _page(world, f"/facts/{world.org_a.pk}/")
    assert "So-net サポートデスク" in text
    assert "https://www.hikari-au.net/cancel/sonet_cancel" in text
    assert "0120-248995" not in text  # official: not listed
    assert not leaks(text, "ja")


def _so_net_desk(world: World, organization_pk: int) -> object:
    org = world.org_a if organization_pk == world.org_a.pk else world.org_b
    return next(d for d in parties_for(org)["so-net"].desks if d.slug == "so-net-support")


def test_a_confirmation_counts_for_its_organization_only(world: World) -> None:
    response = world.clients["bob"].post(
        f"/facts/{world.org_a.pk}/",
        {
            "key": "desk:so-net/so-net-support",
            "source": "https://www.so-net.ne.jp/support/contact/",
            "checked": "2026-11-23",
        },
    )
    assert response.status_code == 302
    mine = _so_net_desk(world, world.org_a.pk)
    assert mine.verified is True  # type: ignore[attr-defined]
    assert mine.source == "https://www.so-net.ne.jp/support/contact/"  # type: ignore[attr-defined]
    assert _so_net_desk(world, world.org_b.pk).verified is False  # type: ignore[attr-defined]
    text = _page(world, f"/facts/{world.org_a.pk}/")
    assert "自組織で確認済み" in text
    assert "https://www.so-net.ne.jp/support/contact/" in text


def test_withdrawing_a_confirmation_makes_the_fact_unverified_again(world: World) -> None:
    row = services.confirm_fact(
        world.org_a,
        user=None,
        values={
            "key": "desk:so-net/so-net-support",
            "source": "https://www.so-net.ne.jp/support/",
            "checked": "2026-11-23",
        },
    )
    assert _so_net_desk(world, world.org_a.pk).verified is True  # type: ignore[attr-defined]
    response = world.clients["alice"].post(
        f"/facts/{world.org_a.pk}/confirmations/{row.pk}/delete/"
    )
    assert response.status_code == 302
    assert not FactConfirmation.objects.exists()
    assert _so_net_desk(world, world.org_a.pk).verified is False  # type: ignore[attr-defined]


def test_only_unverified_parties_and_desks_can_be_confirmed(world: World) -> None:
    for key in ("desk:ntt-west/ntt-west-hikari-fault", "option:virus-clear", "nonsense"):
        with pytest.raises(ValidationError):
            services.confirm_fact(
                world.org_a,
                user=None,
                values={"key": key, "source": "https://example.jp/", "checked": "2026-11-23"},
            )
    with pytest.raises(ValidationError):  # a source must be a web address
        services.confirm_fact(
            world.org_a,
            user=None,
            values={"key": "party:ocn", "source": "電話で聞いた", "checked": "2026-11-23"},
        )


def test_a_viewer_reads_the_facts_page_but_cannot_confirm(world: World) -> None:
    assert "要確認の情報" in _page(world, f"/facts/{world.org_a.pk}/", who="vera")
    response = world.clients["vera"].post(
        f"/facts/{world.org_a.pk}/",
        {"key": "party:ocn", "source": "https://www.ocn.ne.jp/", "checked": "2026-11-23"},
    )
    assert response.status_code == 403
    assert not FactConfirmation.objects.exists()


def test_facts_home_goes_to_the_users_organization(world: World) -> None:
    response = world.clients["mallory"].get("/facts/")
    assert response["Location"] == f"/facts/{world.org_b.pk}/"


def test_an_own_desk_says_how_it_answers_and_what_it_costs_through_the_api(
    world: World,
) -> None:
    party = world.api(
        "post",
        "/api/v1/parties",
        {"slug": "local-isp", "name": "地元ISP", "kind": "isp", "organization": "org-a"},
    ).json()
    desk = world.api(
        "post",
        f"/api/v1/parties/{party['id']}/desks",
        {
            "slug": "local-fault",
            "purposes": ["fault"],
            "phone": "0570-000-111",
            "answers": "recording",
            "repair_hours": "Mo-Fr 09:00-17:00",
            "mobile_phone": "03-0000-1111",
        },
    )
    assert desk.status_code == 201, desk.content
    assert desk.json()["answers"] == "recording"
    world.api(
        "post",
        f"/api/v1/sites/{world.site_a.pk}/contracts",
        {"ref": "isp2", "service": "isp", "party": "local-isp"},
    )
    result = world.api("get", f"/api/v1/sites/{world.site_a.pk}/assessment").json()
    isp = next(r for r in result["routes"] if r["service"] == "isp")
    assert isp["free_call"] is False
    assert isp["call_note"] == (
        "録音で受付、あとで折り返し連絡 ・ 修理は月〜金 9:00〜17:00 ・ "
        "通話料がかかります (ナビダイヤル、通話定額の対象外) ・ 携帯電話からは 03-0000-1111"
    )
    bad = world.api(
        "post",
        f"/api/v1/parties/{party['id']}/desks",
        {"slug": "d2", "repair_hours": "Mo-Fx 9-5"},
    )
    assert bad.status_code == 422
