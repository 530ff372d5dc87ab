"""A site kept by people, not by YAML: bill lines by hand, the trouble form's lamps and
"no contract with us", the live clock, and importing a file for a site that exists."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from madoguchi.cases.services import open_case
from madoguchi.contracts import services
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import BillLine, Site
from madoguchi.contracts.records import BILLS
from madoguchi.engine import SiteFileError
from madoguchi.engine.model import TOKYO
from madoguchi.engine.sitefile import Problem
from madoguchi.sitefiles.problems import problem_text
from madoguchi.sitefiles.siteio import (
    SiteExists,
    export_site_text,
    import_site_text,
)
from tests.conftest import World
from tests.factories import BillLineFactory, ContractFactory

TENYO = """\
site: {name: 佐藤家, prefecture: 千葉県, building: detached}
contracts:
  - {ref: line, service: access, party: docomo-hikari, includes_isp: true, acquired: tenyo,
     start: 2016-02-01}
  - {ref: phone, service: phone, party: ntt-east, product: ひかり電話}
  - {ref: vc, service: option, option: virus-clear, party: ntt-east, start: 2012-07-01}
events:
  - {date: 2016-02-01, kind: tenyo, contract: line}
symptoms: [phone-down]
observations:
  onu: {power: "on", ppp: red}
"""
PAST = 'now: "2026-03-04T10:00:00+09:00"\n'
NOW = dt.datetime(2026, 11, 24, 9, 5, tzinfo=TOKYO)


@pytest.fixture
def site(world: World) -> Site:
    site, _warnings = import_site_text(world.org_a, TENYO)
    return site


def _page(world: World, site: Site, who: str = "alice") -> str:
    response = world.clients[who].get(f"/sites/{site.pk}/")
    assert response.status_code == 200
    return str(response.content.decode())


# --- bills by hand ------------------------------------------------------------------------


def test_a_bill_line_is_added_on_the_web(world: World, site: Site) -> None:
    response = world.clients["alice"].post(
        f"/sites/{site.pk}/bills/add/",
        {"party": "ntt-east", "month": "2026-02", "item": "ウイルスクリア", "yen": "440"},
    )
    assert response.status_code == 302
    line = BillLine.objects.get(site=site)
    assert (line.party, line.month, line.item, line.yen) == (
        "ntt-east",
        "2026-02",
        "ウイルスクリア",
        440,
    )


def test_a_bill_line_is_edited_on_the_web(world: World, site: Site) -> None:
    line = BillLineFactory(site=site, party="ntt-east", month="2026-02", yen=440)
    world.clients["alice"].post(
        f"/sites/{site.pk}/bills/{line.pk}/",
        {
            "party": "ntt-east",
            "month": "2026-03",
            "item": "ウイルスクリア",
            "yen": "550",
            "contract": "vc",
        },
    )
    line.refresh_from_db()
    assert (line.month, line.yen, line.contract) == ("2026-03", 550, "vc")


def test_a_bill_line_is_deleted_on_the_web(world: World, site: Site) -> None:
    line = BillLineFactory(site=site, party="ntt-east")
    response = world.clients["alice"].post(f"/sites/{site.pk}/bills/{line.pk}/delete/")
    assert response.status_code == 302
    assert not BillLine.objects.filter(pk=line.pk).exists()


def test_the_bill_form_offers_parties_by_name_with_the_sites_holders_first(
    world: World, site: Site
) -> None:
    page = world.clients["alice"].get(f"/sites/{site.pk}/bills/add/").content.decode()
    assert '<option value="ntt-east">NTT東日本</option>' in page
    assert page.index("この拠点の契約先") < page.index("その他の会社")
    assert 'type="month"' in page
    assert 'name="party" type="text"' not in page


def test_the_bill_form_names_contracts_in_words(world: World, site: Site) -> None:
    page = world.clients["alice"].get(f"/sites/{site.pk}/bills/add/").content.decode()
    assert '<option value="vc">フレッツ・ウイルスクリア（NTT東日本）</option>' in page
    assert '<option value="phone">ひかり電話（NTT東日本）</option>' in page


def test_a_bill_for_another_companys_contract_is_refused_in_words(world: World, site: Site) -> None:
    response = world.clients["alice"].post(
        f"/sites/{site.pk}/bills/add/",
        {"party": "docomo-hikari", "month": "2026-02", "yen": "440", "contract": "vc"},
    )
    assert response.status_code == 200
    assert "この契約の契約先は NTT東日本 です" in response.content.decode()
    assert not BillLine.objects.filter(site=site).exists()


def test_a_month_that_is_not_a_month_is_refused(world: World, site: Site) -> None:
    response = world.clients["alice"].post(
        f"/sites/{site.pk}/bills/add/", {"party": "ntt-east", "month": "2026-13", "yen": "1"}
    )
    assert "月は年と月で入力してください" in response.content.decode()


def test_the_site_page_shows_bills_by_month_newest_first_with_totals(
    world: World, site: Site
) -> None:
    BillLineFactory(site=site, party="ntt-east", month="2026-01", item="古い", yen=100)
    BillLineFactory(site=site, party="ntt-east", month="2026-02", item="ひかり電話", yen=550)
    BillLineFactory(site=site, party="ntt-east", month="2026-02", item="ウイルスクリア", yen=440)
    BillLineFactory(site=site, party="docomo-hikari", month="2026-02", item="ドコモ光", yen=5720)
    page = _page(world, site)
    bills = page[page.index('id="bills"') :]
    assert bills.index("2026年2月") < bills.index("2026年1月")
    assert "合計 6,710円" in bills  # the month
    assert "990円" in bills  # NTT東日本 in February
    assert "5,720円" in bills


def _findings(world: World, site: Site) -> str:
    page = _page(world, site)
    return page[page.index('id="findings"') : page.index('id="cases"')]


def test_a_bill_line_by_hand_raises_the_residual_option_finding(world: World, site: Site) -> None:
    services.delete_row(site.contracts.get(ref="vc"))
    assert "ウイルスクリア" not in _findings(world, site)
    world.clients["alice"].post(
        f"/sites/{site.pk}/bills/add/",
        {"party": "ntt-east", "month": "2026-02", "item": "ウイルスクリア", "yen": "440"},
    )
    findings = _findings(world, site)
    assert "回線は NTT から移っていますが" in findings  # residual-wholesaler-option
    assert "ウイルスクリア" in findings


def test_the_bill_service_refuses_a_party_the_site_does_not_know(site: Site) -> None:
    row = services.new_row(BILLS, site=site)
    with pytest.raises(SiteWouldBreak):
        services.save_row(row, values={"party": "nobody", "month": "2026-02", "yen": 1})


def test_the_api_adds_and_lists_bill_lines(world: World, site: Site) -> None:
    created = world.api(
        "post",
        f"/api/v1/sites/{site.pk}/bills",
        {"party": "ntt-east", "month": "2026-02", "item": "ウイルスクリア", "yen": 440},
    )
    assert created.status_code == 201, created.content
    listed = world.api("get", f"/api/v1/sites/{site.pk}/bills?month=2026-02").json()
    assert [b["item"] for b in listed["items"]] == ["ウイルスクリア"]


def test_a_viewer_sees_bills_but_no_add_button(world: World, site: Site) -> None:
    BillLineFactory(site=site, party="ntt-east", item="ウイルスクリア")
    page = _page(world, site, "vera")
    assert "ウイルスクリア" in page
    assert f"/sites/{site.pk}/bills/add/" not in page


def test_the_site_page_queries_do_not_grow_with_bill_lines(world: World, site: Site) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.clients["alice"]
    url = f"/sites/{site.pk}/"
    client.get(url)  # the first read of the directory fills the cache
    BillLineFactory(site=site, party="ntt-east")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for month in range(1, 13):
        BillLineFactory.create_batch(
            5, site=site, party="ntt-east", month=f"2025-{month:02d}", contract="vc"
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- the trouble form ---------------------------------------------------------------------


def test_the_trouble_form_offers_every_lamp_in_words(world: World, site: Site) -> None:
    page = _page(world, site)
    trouble = page[page.index('id="trouble"') :]
    for lamp in ("power", "optical", "auth", "uni", "ppp"):
        assert f'name="{lamp}"' in trouble
    for word in ("点灯", "消灯", "点滅", "赤", "わからない"):
        assert word in trouble
    assert "<svg" in trouble
    assert "PPP" in trouble


def test_the_trouble_form_shows_the_stored_readings(world: World, site: Site) -> None:
    form = world.clients["alice"].get(f"/sites/{site.pk}/").context["trouble_form"]
    assert form["ppp"].value() == "red"
    assert form["optical"].value() == ""


def test_a_lamp_not_in_the_post_keeps_its_imported_reading(world: World, site: Site) -> None:
    world.clients["alice"].post(
        f"/sites/{site.pk}/trouble/", {"symptoms": ["internet-down"], "optical": "off"}
    )
    site.refresh_from_db()
    assert site.onu == {"power": "on", "optical": "off", "ppp": "red"}
    assert site.symptoms == ["internet-down"]


def test_dont_know_clears_a_lamp(world: World, site: Site) -> None:
    world.clients["alice"].post(f"/sites/{site.pk}/trouble/", {"ppp": ""})
    site.refresh_from_db()
    assert "ppp" not in site.onu


def test_the_form_offers_the_contract_holders_by_name(world: World, site: Site) -> None:
    page = _page(world, site)
    trouble = page[page.index('id="trouble"') :]
    assert 'name="said_no_contract" value="ntt-east"' in trouble
    assert "NTT東日本" in trouble
    assert "ドコモ光" in trouble


def test_said_no_contract_is_saved_from_the_form(world: World, site: Site) -> None:
    world.clients["alice"].post(
        f"/sites/{site.pk}/trouble/",
        {"said_no_contract": ["ntt-east"], "said_no_contract_shown": "True"},
    )
    site.refresh_from_db()
    assert site.said_no_contract == ["ntt-east"]


def test_unticking_every_company_clears_said_no_contract(world: World, site: Site) -> None:
    services.save_said_no_contract(site, parties=["ntt-east"])
    world.clients["alice"].post(f"/sites/{site.pk}/trouble/", {"said_no_contract_shown": "True"})
    site.refresh_from_db()
    assert site.said_no_contract == []


def test_said_no_contract_service_refuses_an_unknown_party(site: Site) -> None:
    with pytest.raises(SiteWouldBreak):
        services.save_said_no_contract(site, parties=["nobody"])
    site.refresh_from_db()
    assert site.said_no_contract == []


def test_said_no_contract_changes_the_assessment(world: World, site: Site) -> None:
    services.save_said_no_contract(site, parties=["ntt-east"])
    assessment = world.api("get", f"/api/v1/sites/{site.pk}/assessment").json()
    assert "collabo-unknown" in {f["code"] for f in assessment["findings"]} or any(
        h["code"] == "collabo-unknown" for h in assessment["hypotheses"]
    )


# --- the live clock -----------------------------------------------------------------------


def test_an_import_does_not_fix_the_sites_time(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO)
    assert site.assess_at is None


def test_an_import_keeps_the_files_time_when_asked(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    assert site.assess_at == dt.datetime(2026, 3, 4, 10, 0, tzinfo=TOKYO)


def test_the_web_import_keeps_the_time_only_when_ticked(world: World) -> None:
    upload = SimpleUploadedFile("a.yaml", (PAST + TENYO).encode())
    world.clients["alice"].post("/sites/import/", {"files": [upload], "keep_time": "on"})
    assert Site.objects.get(name="佐藤家").assess_at is not None


def test_the_api_import_keeps_the_time_when_the_query_says_so(world: World) -> None:
    response = world.api("post", "/api/v1/sites/import?keep_time=true", {"content": PAST + TENYO})
    assert response.status_code == 201, response.content
    assert Site.objects.get(pk=response.json()["id"]).assess_at is not None


def test_the_site_page_shows_the_current_time_beside_open_now(world: World, site: Site) -> None:
    with time_machine.travel(NOW, tick=False):
        page = _page(world, site)
    assert "いま 2026年11月24日(火) 09:05 現在" in page


def test_a_fixed_site_says_so_and_offers_the_clock(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    page = _page(world, site)
    assert "時刻に固定して判定しています" in page
    assert "3月4日(水) 10:00 時点 (固定)" in page
    assert f"/sites/{site.pk}/live-clock/" in page


def test_use_live_clock_drops_the_fixed_time(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    services.use_live_clock(site)
    site.refresh_from_db()
    assert site.assess_at is None


def test_the_live_clock_button_returns_to_the_clock(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    response = world.clients["alice"].post(f"/sites/{site.pk}/live-clock/")
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.assess_at is None


def test_the_api_returns_a_site_to_the_clock(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    response = world.api("post", f"/api/v1/sites/{site.pk}/live-clock")
    assert response.status_code == 200
    assert response.json()["assess_at"] is None


def test_the_api_assesses_a_live_site_at_the_current_time(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO)
    with time_machine.travel(NOW, tick=False):
        assessment = world.api("get", f"/api/v1/sites/{site.pk}/assessment").json()
    assert assessment["now"] == NOW.isoformat()


def test_the_api_assesses_a_fixed_site_at_its_time(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    assessment = world.api("get", f"/api/v1/sites/{site.pk}/assessment").json()
    assert assessment["now"] == "2026-03-04T10:00:00+09:00"


def test_a_case_opened_on_a_live_site_keeps_the_assessment_of_now(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO)
    case = open_case(site, user=None, now=NOW)
    assert case.assessment["now"] == NOW.isoformat()


def test_a_case_opened_on_a_fixed_site_keeps_the_assessment_of_its_time(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    case = open_case(site, user=None, now=NOW)
    assert case.assessment["now"] == "2026-03-04T10:00:00+09:00"


def test_the_export_of_a_live_site_writes_no_now(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO)
    assert "\nnow:" not in export_site_text(site)


def test_the_export_of_a_fixed_site_writes_its_now(world: World) -> None:
    site, _warnings = import_site_text(world.org_a, PAST + TENYO, keep_time=True)
    assert "\nnow: '2026-03-04T10:00:00+09:00'" in export_site_text(site)


# --- import without duplicates ------------------------------------------------------------


def test_the_export_marks_its_site(world: World, site: Site) -> None:
    text = export_site_text(site)
    assert f"x-madoguchi:\n  organization: org-a\n  site_id: {site.pk}" in text


def test_the_marker_is_no_warning_for_the_engine(world: World, site: Site) -> None:
    _again, warnings = import_site_text(world.org_a, export_site_text(site), existing="new")
    assert warnings == []


def test_an_import_of_the_same_name_asks(world: World, site: Site) -> None:
    with pytest.raises(SiteExists) as raised:
        import_site_text(world.org_a, TENYO, existing="ask")
    assert raised.value.site == site


def test_an_export_is_found_by_its_id_after_a_rename(world: World, site: Site) -> None:
    text = export_site_text(site).replace("佐藤家", "佐藤家 (新)")
    with pytest.raises(SiteExists) as raised:
        import_site_text(world.org_a, text, existing="ask")
    assert raised.value.site == site


def test_another_organizations_export_does_not_match_by_id(world: World) -> None:
    theirs = export_site_text(world.site_b).replace("B社 倉庫", "B社 倉庫 (写し)")
    stored, _warnings = import_site_text(world.org_a, theirs, existing="ask")
    assert stored.pk != world.site_b.pk
    assert stored.organization == world.org_a


def test_the_same_name_for_another_customer_is_a_new_site(world: World, site: Site) -> None:
    from madoguchi.contracts.models import Customer

    customer = Customer.objects.create(organization=world.org_a, name="佐藤様")
    Site.objects.filter(pk=site.pk).update(customer=customer)
    stored, _warnings = import_site_text(world.org_a, TENYO, existing="ask")
    assert stored.pk != site.pk


def test_update_replaces_the_sites_rows(world: World, site: Site) -> None:
    BillLineFactory(site=site, party="ntt-east")
    smaller = "site: {name: 佐藤家}\ncontracts: [{ref: x, service: isp, party: so-net}]\n"
    stored, _warnings = import_site_text(world.org_a, smaller, existing="update")
    assert stored.pk == site.pk
    assert list(site.contracts.values_list("ref", flat=True)) == ["x"]
    assert not BillLine.objects.filter(site=site).exists()


def test_a_bad_update_changes_nothing(world: World, site: Site) -> None:
    bad = "site: {name: 佐藤家}\ncontracts: [{ref: x, service: isp, party: nobody}]\n"
    with pytest.raises(SiteFileError):
        import_site_text(world.org_a, bad, existing="update")
    assert site.contracts.count() == 3


def test_the_import_page_offers_to_update_an_existing_site(world: World, site: Site) -> None:
    upload = SimpleUploadedFile("sato.yaml", TENYO.encode())
    response = world.clients["alice"].post("/sites/import/", {"files": [upload]})
    page = response.content.decode()
    assert "この拠点はすでにあります" in page
    assert 'value="update"' in page
    assert 'value="new"' in page
    assert Site.objects.filter(name="佐藤家").count() == 1


def test_the_import_page_updates_when_told(world: World, site: Site) -> None:
    smaller = "site: {name: 佐藤家}\ncontracts: [{ref: x, service: isp, party: so-net}]\n"
    response = world.clients["alice"].post(
        "/sites/import/",
        {"existing": "update", "site": str(site.pk), "content": smaller, "name": "a.yaml"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    assert list(site.contracts.values_list("ref", flat=True)) == ["x"]


def test_the_import_page_adds_a_new_site_when_told(world: World, site: Site) -> None:
    response = world.clients["alice"].post(
        "/sites/import/", {"existing": "new", "content": TENYO, "name": "a.yaml"}
    )
    assert response.status_code == 302
    assert Site.objects.filter(name="佐藤家").count() == 2


def test_the_import_page_cannot_update_another_organizations_site(world: World) -> None:
    response = world.clients["alice"].post(
        "/sites/import/",
        {"existing": "update", "site": str(world.site_b.pk), "content": TENYO, "name": "a"},
    )
    assert response.status_code == 404
    assert Site.objects.get(pk=world.site_b.pk).name == "B社 倉庫"


def test_a_viewer_cannot_decide_an_import(world: World, site: Site) -> None:
    response = world.clients["vera"].post(
        "/sites/import/", {"existing": "update", "site": str(site.pk), "content": TENYO}
    )
    assert response.status_code == 403


def test_the_api_answers_409_naming_the_existing_site(world: World, site: Site) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": TENYO})
    assert response.status_code == 409
    body = response.json()
    assert body["existing"] == {"id": site.pk, "name": "佐藤家"}
    assert body["errors"][0]["path"] == "site.name"


def test_the_api_updates_when_told(world: World, site: Site) -> None:
    response = world.api("post", "/api/v1/sites/import?existing=update", {"content": TENYO})
    assert response.status_code == 201
    assert response.json()["id"] == site.pk


def test_the_api_adds_a_new_site_when_told(world: World, site: Site) -> None:
    response = world.api("post", "/api/v1/sites/import", {"content": TENYO, "existing": "new"})
    assert response.status_code == 201
    assert response.json()["id"] != site.pk


def test_the_api_refuses_an_unknown_choice(world: World, site: Site) -> None:
    response = world.api("post", "/api/v1/sites/import?existing=merge", {"content": TENYO})
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "existing"


# --- import errors in Japanese ------------------------------------------------------------


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (Problem("contracts[0].party", "is required"), "contracts[0].party: 必須です"),
        (
            Problem("contracts[1].start", "'2026-02-30' is not a valid date (YYYY-MM-DD): day"),
            "contracts[1].start: '2026-02-30' は日付として読めません",
        ),
        (
            Problem(
                "contracts[0].party",
                "unknown party 'docomo-hikar': add it under parties: or use a catalog slug; "
                "did you mean 'docomo-hikari'?",
            ),
            "'docomo-hikar' という会社は見つかりません",
        ),
        (Problem("bills[0].month", "'2026-1' is not a month (YYYY-MM)"), "月として読めません"),
        (Problem("", "YAML syntax: bad indent"), "YAML として読めません: bad indent"),
        (
            Problem("bills[0].contract", "contract 'vc' is held by 'ntt-east', not 'so-net'"),
            "契約 'vc' の契約先は 'ntt-east' で",
        ),
    ],
)
def test_a_problem_reads_in_japanese_with_its_path(problem: Problem, expected: str) -> None:
    assert expected in problem_text(problem)


def test_a_did_you_mean_hint_is_kept(world: World) -> None:
    problem = Problem("site.prefecture", "'東京' is not a prefecture; did you mean '東京都'?")
    assert "'東京都' のことですか?" in problem_text(problem)


def test_an_unknown_wording_is_shown_as_the_engine_wrote_it() -> None:
    assert problem_text(Problem("x", "something new")) == "x: something new"


def test_the_import_page_shows_problems_in_japanese(world: World) -> None:
    bad = "site: {name: 壊れ}\ncontracts: [{ref: a, service: access, party: docomo-hikar}]\n"
    upload = SimpleUploadedFile("bad.yaml", bad.encode())
    page = world.clients["alice"].post("/sites/import/", {"files": [upload]}).content.decode()
    assert "contracts[0].party" in page
    assert "という会社は見つかりません" in page
    assert "unknown party" not in page


def test_the_cli_keeps_its_english_lines(world: World, tmp_path: Any, capsys: Any) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "bad.yaml"
    bad.write_text("site: {name: 壊れ}\ncontracts: [{ref: a, service: access, party: x}]\n")
    with pytest.raises(CommandError):
        call_command("import_sites", "--org", "org-a", str(bad))
    assert "unknown party 'x'" in capsys.readouterr().err


def test_the_cli_refuses_a_site_that_exists_unless_told(
    world: World, site: Site, tmp_path: Any
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "sato.yaml"
    path.write_text(TENYO, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_sites", "--org", "org-a", str(path))
    call_command("import_sites", "--org", "org-a", "--update-existing", str(path))
    assert Site.objects.filter(name="佐藤家").count() == 1


def test_a_contract_factory_site_is_untouched_by_imports(world: World) -> None:
    ContractFactory(site=world.site_a, ref="keep")
    import_site_text(world.org_a, TENYO, existing="ask")
    assert world.site_a.contracts.filter(ref="keep").exists()


def test_the_site_page_reads_the_directory_and_the_bill_lines_once(
    world: World, site: Site
) -> None:
    """The directory's stamps, the bill lines and the latest card print are read once and
    shared by the parts of the page that use them; the site's document comes from the cache
    (no open case, promise or timeline entry read again); the list of the site's cases
    leaves out each case's stored assessment (kilobytes of JSON a case)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_case(site, user=None, title="回線が切れた")
    BillLineFactory.create_batch(3, site=site, party="ntt-east")
    client = world.clients["alice"]
    url = f"/sites/{site.pk}/"
    client.get(url)  # the first read of the directory fills the cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]

    def reading(table: str) -> list[str]:
        return [s for s in sql if f'FROM "{table}"' in s]

    assert len(reading("directory_directorystamp")) == 1
    assert len(reading("sites_billline")) == 1
    assert len(reading("sites_cardprint")) == 1
    assert all('"assessment"' not in s for s in reading("cases_case"))
    assert reading("cases_promise") == reading("cases_timelineentry") == []
    assert len(sql) <= 14, "\n".join(s[:120] for s in sql)
