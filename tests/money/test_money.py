"""The money ranking: summaries refreshed for the sites writes changed, read by a page that
never assesses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import BILLS
from madoguchi.contracts.services import delete_row, new_row, save_row
from madoguchi.engine.results import Finding, Severity
from madoguchi.money.models import SiteMoney
from madoguchi.money.services import refresh_site_money, summary_values
from madoguchi.money.tasks import enqueue_changed
from madoguchi.sitefiles.siteio import import_site_text
from tests.conftest import World, session_queries
from tests.factories import BillLineFactory, ContractFactory, SiteFactory

SEED001 = Path(__file__).parents[2] / "examples" / "seed001-phone-stays-with-ntt.yaml"


def _finding(code: str, party: str, yearly: int | None = None, owed: int | None = None) -> Finding:
    return Finding(
        code=code,
        severity=Severity.WARN,
        contracts=[],
        why="",
        action="",
        party=party,
        amount_yen=owed,
        yearly_yen=yearly,
    )


def test_a_companys_findings_add_up_since_each_counts_its_own_charges() -> None:
    values = summary_values(
        [
            _finding("residual-wholesaler-option", "ntt-east", 5_280),
            _finding("unwanted-option", "ntt-east", 6_600),
            _finding("unknown-charge", "plala", 1_200),
            _finding("split-responsibility", "ntt-east"),
        ]
    )
    assert values["yearly_yen"] == 5_280 + 6_600 + 1_200
    assert values["findings"] == 3
    assert (values["top_code"], values["top_party"], values["top_yen"]) == (
        "unwanted-option",
        "ntt-east",
        6_600,
    )


def test_a_switch_not_cheaper_counts_only_where_it_exceeds_the_other_findings() -> None:
    values = summary_values(
        [
            _finding("not-cheaper", "ntt-east", 10_000),
            _finding("unknown-charge", "ntt-east", 2_000),
        ]
    )
    assert values["yearly_yen"] == 10_000


def test_what_can_be_claimed_is_summed_apart_from_the_yearly_cost() -> None:
    values = summary_values([_finding("outage-compensation", "ntt-east", owed=380)])
    assert (values["yearly_yen"], values["owed_yen"], values["top_owed"]) == (0, 380, True)


def test_importing_a_site_file_stores_its_summary(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        site, _ = import_site_text(world.org_a, SEED001.read_text())
    enqueue_changed(Site.objects.all())
    money = SiteMoney.objects.get(site=site)
    assert money.organization_id == world.org_a.pk
    assert money.yearly_yen == 7_656 + 6_600  # NTT East's left-over options, the unwanted one
    assert money.top_code == "residual-wholesaler-option"
    assert money.top_party_name == "NTT東日本"


def test_a_new_bill_line_refreshes_the_summary(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    site = world.site_a
    with django_capture_on_commit_callbacks(execute=True):
        row = new_row(BILLS, site=site)
        save_row(row, values={"party": "plala", "month": "2026-02", "yen": 990})
    enqueue_changed(Site.objects.all())  # the tests' task backend runs the refresh at once
    assert SiteMoney.objects.get(site=site).yearly_yen >= 12 * 990


def test_opening_a_case_refreshes_the_summary(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from madoguchi.cases.services import open_case

    site = world.site_a
    SiteMoney.objects.filter(site=site).delete()
    with django_capture_on_commit_callbacks(execute=True):
        open_case(site, user=None, title="回線が切れた")
    enqueue_changed(Site.objects.all())
    assert SiteMoney.objects.filter(site=site).exists()


def test_several_writes_in_one_transaction_assess_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    from django.db import transaction

    site = world.site_a
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for month in ("2026-01", "2026-02", "2026-03"):
            row = new_row(BILLS, site=site)
            save_row(row, values={"party": "plala", "month": month, "yen": 990})
    assert enqueue_changed(Site.objects.filter(pk=site.pk)) == 1
    assert enqueue_changed(Site.objects.filter(pk=site.pk)) == 0  # fresh now


def test_a_refused_write_refreshes_nothing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    contract = world.contract_a
    with django_capture_on_commit_callbacks() as callbacks:
        event = world.event_a
        event.contract = contract.ref
        event.save()
        with pytest.raises(SiteWouldBreak):  # the event still names the contract
            delete_row(contract)
    assert callbacks == []


def test_a_deleted_contract_refreshes_the_summary(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    site = SiteFactory(organization=world.org_a)
    contract = ContractFactory(site=site, ref="old", end="2025-12-31")
    BillLineFactory(site=site, party="docomo-hikari", month="2026-02", yen=5720)
    refresh_site_money(site.pk)
    assert SiteMoney.objects.get(site=site).top_code == "charge-after-end"
    with django_capture_on_commit_callbacks(execute=True):
        delete_row(contract)
    enqueue_changed(Site.objects.filter(pk=site.pk))
    assert SiteMoney.objects.get(site=site).top_code == "unknown-charge"


def _sites_with_money(world: World, count: int) -> None:
    for n in range(count):
        site = SiteFactory(organization=world.org_a, name=f"高額拠点{n:03d}")
        BillLineFactory(site=site, party="plala", month="2026-02", yen=100 * (n + 1))
        refresh_site_money(site.pk)


def test_the_ranking_lists_the_most_money_first(world: World) -> None:
    _sites_with_money(world, 3)
    page = world.clients["alice"].get("/money/").content.decode()
    assert page.index("高額拠点002") < page.index("高額拠点001") < page.index("高額拠点000")
    assert "年間 3,600円" in page
    assert "ぷらら" in page or "plala" not in page  # the company by its name
    assert "契約のない請求" in page


def test_the_ranking_reads_in_english(world: World) -> None:
    _sites_with_money(world, 1)
    client = world.clients["alice"]
    client.cookies["django_language"] = "en"
    page = client.get("/money/").content.decode()
    assert "Money found, by site" in page
    assert "a charge with no contract" in page


@pytest.mark.parametrize("count", [3, 30])
def test_the_ranking_costs_the_same_queries_for_any_number_of_sites(
    world: World, count: int, django_assert_max_num_queries: Any
) -> None:
    _sites_with_money(world, count)
    client = world.clients["alice"]
    with django_assert_max_num_queries(6 + session_queries()):
        # user, memberships, the sites changed since their summary, count, the page of
        # summaries with sites and customers, the sites not summarized yet
        assert client.get("/money/?page=2").status_code == 200


def test_the_ranking_paginates_in_the_database(world: World) -> None:
    _sites_with_money(world, 30)
    page = world.clients["alice"].get("/money/?page=2").content.decode()
    assert "2 / 2" in page
    assert "高額拠点000" in page  # the least money is on the last page
    assert "高額拠点029" not in page


def test_another_organizations_sites_never_appear(world: World) -> None:
    _sites_with_money(world, 2)
    page = world.clients["mallory"].get("/money/").content.decode()
    assert "高額拠点" not in page
    assert "A社" not in page


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    response = Client().get("/money/")
    assert response.status_code == 302


def test_the_sites_list_and_the_desk_link_to_the_ranking(world: World) -> None:
    for url in ("/sites/", "/cases/"):
        assert 'href="/money/"' in world.clients["alice"].get(url).content.decode()


def test_recompute_money_summarizes_every_site(world: World) -> None:
    site = SiteFactory(organization=world.org_a)
    BillLineFactory(site=site, party="plala", month="2026-02", yen=500)
    call_command("recompute_money", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SiteMoney.objects.get(site=site).yearly_yen == 6000
    assert SiteMoney.objects.count() == Site.objects.count()


def test_recompute_money_names_an_unknown_organization() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nope"):
        call_command("recompute_money", "--org", "nope")


def test_a_site_not_summarized_yet_is_counted(world: World) -> None:
    page = world.clients["alice"].get("/money/").content.decode()
    assert "まだ集計されていません" in page


def test_the_api_and_the_page_say_the_same_yearly_cost(world: World) -> None:
    site, _ = import_site_text(world.org_a, SEED001.read_text())
    api = world.api("get", f"/api/v1/sites/{site.pk}/assessment")
    residual = next(f for f in api.json()["findings"] if f["code"] == "residual-wholesaler-option")
    assert residual["yearly_yen"] == 7_656  # ウイルスクリア 440円 + フレッツ・スポット 198円
    page = world.clients["alice"].get(f"/sites/{site.pk}/").content.decode()
    assert residual["yearly_basis"] in page
    assert "年間 7,656円" in page


def test_the_case_page_shows_the_sites_yearly_costs(world: World) -> None:
    from madoguchi.cases.services import open_case

    site, _ = import_site_text(world.org_a, SEED001.read_text())
    case = open_case(site, user=None, title="電話")
    page = world.clients["alice"].get(f"/cases/{case.pk}/").content.decode()
    assert "この拠点で見つかった費用" in page
    assert "直近の請求 638円 (2026年2月) × 12か月" in page  # ウイルスクリア + フレッツ・スポット


def test_a_site_with_more_bill_lines_than_a_site_file_holds_is_not_assessed(
    world: World, django_assert_max_num_queries: Any
) -> None:
    from madoguchi.contracts.models import BillLine
    from madoguchi.engine.limits import SITE_RECORDS

    site = SiteFactory(organization=world.org_a)
    BillLine.objects.bulk_create(
        BillLine(organization=world.org_a, site=site, party="plala", month="2026-02", yen=1)
        for _ in range(SITE_RECORDS["bills"] + 1)
    )
    with django_assert_max_num_queries(1):  # one count, nothing loaded
        assert refresh_site_money(site.pk) is None
    assert not SiteMoney.objects.filter(site=site).exists()
