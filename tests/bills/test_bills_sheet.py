"""An installer's sheet with a site column, from the web and the API (all or nothing across
every site), and long imports in the background with a progress page."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from madoguchi.bills import jobs
from madoguchi.bills.models import BillImport, ColumnMapping
from madoguchi.bills.parsing import Problem
from madoguchi.bills.services import ImportRefused, Outcome
from madoguchi.contracts.models import BillLine, Site
from tests.conftest import World
from tests.factories import SiteFactory

SHEET_URL = "/sites/bills/import/"


def sheet(*rows: str) -> SimpleUploadedFile:
    text = "\n".join(["site,party,month,item,yen", *rows]) + "\n"
    return SimpleUploadedFile("sheet.csv", text.encode())


@pytest.fixture
def sites(world: World) -> tuple[Site, Site]:
    return (
        SiteFactory(organization=world.org_a, name="佐藤家"),
        SiteFactory(organization=world.org_a, name="鈴木家"),
    )


def test_the_sheet_page_previews_every_site_then_saves(
    world: World, sites: tuple[Site, Site]
) -> None:
    sato, suzuki = sites
    client = world.clients["bob"]  # staff
    page = client.post(
        SHEET_URL,
        {
            "file": sheet(
                "佐藤家,NTT東日本,2026-01,ひかり電話,550",
                f"{suzuki.pk},so-net,2026-01,月額,1320",
                "鈴木家,so-net,2026-02,月額,1320",
            )
        },
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "佐藤家 — <strong>NTT東日本</strong>" in html
    assert "鈴木家 — <strong>So-net 光</strong>: 2 行, 2,640円" in html
    assert not BillLine.objects.filter(site__in=sites).exists()
    done = client.post(SHEET_URL, {"token": page.context["token"]})
    assert done.status_code == 302
    assert BillLine.objects.filter(site=sato).count() == 1
    assert BillLine.objects.filter(site=suzuki).count() == 2


def test_unknown_and_ambiguous_sites_are_named_and_nothing_is_saved(
    world: World, sites: tuple[Site, Site]
) -> None:
    SiteFactory(organization=world.org_a, name="鈴木家")  # a second 鈴木家
    client = world.clients["alice"]
    page = client.post(
        SHEET_URL,
        {
            "file": sheet(
                "佐藤家,NTT東日本,2026-01,ひかり電話,550",
                "鈴木家,so-net,2026-01,月額,1320",
                "B社 倉庫,so-net,2026-01,月額,1320",  # another organization's site
            )
        },
    )
    html = page.content.decode()
    assert "3行目「site」列: 「鈴木家」という名前の拠点が複数あります" in html
    assert "4行目「site」列: 「B社 倉庫」という拠点が見つかりません" in html
    refused = client.post(SHEET_URL, {"token": page.context["token"]})
    assert refused.status_code == 200
    assert (
        not BillLine.objects.filter(site__organization=world.org_a, month="2026-01")
        .exclude(site=world.site_a)
        .exists()
    )


def test_the_sheet_page_is_for_writers_and_listed_for_them(world: World) -> None:
    assert world.clients["vera"].get(SHEET_URL).status_code == 403
    assert "複数拠点の請求一覧表を取り込む" in world.clients["bob"].get("/sites/").content.decode()
    assert (
        "複数拠点の請求一覧表を取り込む"
        not in world.clients["vera"].get("/sites/").content.decode()
    )


def test_a_stranger_cannot_send_a_sheet_into_another_organization(
    world: World, sites: tuple[Site, Site]
) -> None:
    page = world.clients["mallory"].post(
        SHEET_URL, {"organization": "org-a", "file": sheet("佐藤家,so-net,2026-01,月額,1")}
    )
    assert "「佐藤家」という拠点が見つかりません" in page.content.decode()  # read as org B's
    assert not BillLine.objects.filter(site__in=sites).exists()


def test_the_api_imports_a_sheet_for_the_organization(
    world: World, sites: tuple[Site, Site]
) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    client = world.clients["anonymous"]
    bad = client.post(
        "/api/v1/bill-sheets/import",
        {"file": sheet("佐藤家,so-net,2026-01,月額,1", "どこか,so-net,2026-01,月額,1")},
        **headers,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["path"] == "file: line 3, column site"
    assert not BillLine.objects.filter(site__in=sites).exists()
    done = client.post(
        "/api/v1/bill-sheets/import",
        {"file": sheet("佐藤家,so-net,2026-01,月額,1", "鈴木家,so-net,2026-01,月額,2")},
        **headers,
    )
    assert done.status_code == 201
    assert {m["site_id"] for m in done.json()["matched"]} == {s.pk for s in sites}
    viewer = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['vera']}"}
    refused = client.post("/api/v1/bill-sheets/import", {"file": sheet()}, **viewer)
    assert refused.status_code == 403


# --- long imports in the background ---------------------------------------------------------


class _Started:
    """The background jobs started so far, oldest first (their task ran as it was enqueued:
    the test settings' immediate backend)."""

    def __getitem__(self, index: int) -> int:
        return list(BillImport.objects.order_by("pk").values_list("pk", flat=True))[index]


@pytest.fixture
def inline(settings: Any) -> _Started:
    """Every file runs "in the background" (as a task, which the tests run inline)."""
    settings.BILLS_BACKGROUND_LINES = 1
    return _Started()


def test_a_long_import_ends_on_its_progress_page(
    world: World, sites: tuple[Site, Site], inline: _Started
) -> None:
    client = world.clients["alice"]
    page = client.post(SHEET_URL, {"file": sheet("佐藤家,so-net,2026-01,月額,1320")})
    moved = client.post(SHEET_URL, {"token": page.context["token"]})
    job = BillImport.objects.get(pk=inline[0])
    assert moved["Location"] == f"/sites/bills/imports/{job.pk}/"
    assert (job.state, job.result["added"]) == ("done", 1)
    result = client.get(moved["Location"]).content.decode()
    assert "請求明細を 1 行追加しました" in result
    assert 'http-equiv="refresh"' not in result
    assert not (jobs.upload_dir() / job.token).exists()  # the upload is gone once imported


def test_a_refused_background_import_names_the_problems(
    world: World, sites: tuple[Site, Site], inline: _Started, monkeypatch: Any
) -> None:
    client = world.clients["alice"]
    page = client.post(SHEET_URL, {"file": sheet("佐藤家,so-net,2026-01,月額,1320")})

    def refuse(**kwargs: Any) -> None:  # something changed between the preview and now
        outcome = Outcome(problems=[Problem(2, "yen", "too much", "多すぎます")])
        raise ImportRefused(outcome)

    monkeypatch.setattr(jobs, "import_bills", refuse)
    moved = client.post(SHEET_URL, {"token": page.context["token"]})
    job = BillImport.objects.get(pk=inline[0])
    assert job.state == "refused"
    html = client.get(moved["Location"]).content.decode()
    assert "取り込めません。何も保存されていません" in html
    assert "2行目「yen」列: 多すぎます" in html
    assert not BillLine.objects.filter(site=sites[0]).exists()


def progress_job(
    world: World, site: Site, *, lines: int, heartbeat: dt.datetime | None
) -> BillImport:
    user = world.org_a.memberships.order_by("pk").first().user
    return BillImport.objects.create(
        organization=world.org_a,
        site=site,
        user=user,
        name="大きな明細.csv",
        token="tok",
        rows=200_000,
        lines=lines,
        heartbeat=heartbeat,
    )


def test_a_running_import_shows_lines_read_and_refreshes_itself(
    world: World, sites: tuple[Site, Site], django_assert_max_num_queries: Any
) -> None:
    job = progress_job(world, sites[0], lines=50_000, heartbeat=timezone.now())
    with django_assert_max_num_queries(6):
        page = world.clients["alice"].get(f"/sites/bills/imports/{job.pk}/")
    html = page.content.decode()
    assert "200,000 行のうち 50,000 行を読みました (25%)" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert '<progress max="100" value="25">' in html


def test_an_import_no_worker_took_up_yet_says_it_waits(
    world: World, sites: tuple[Site, Site]
) -> None:
    job = progress_job(world, sites[0], lines=0, heartbeat=None)
    html = world.clients["alice"].get(f"/sites/bills/imports/{job.pk}/").content.decode()
    assert "順番を待っています" in html
    assert '<meta http-equiv="refresh" content="2">' in html


def test_an_import_that_failed_for_good_says_it_did_not_finish(
    world: World, sites: tuple[Site, Site]
) -> None:
    job = progress_job(world, sites[0], lines=50_000, heartbeat=timezone.now())
    BillImport.objects.filter(pk=job.pk).update(state=BillImport.State.FAILED)
    html = world.clients["alice"].get(f"/sites/bills/imports/{job.pk}/").content.decode()
    assert "取り込みは最後まで終わりませんでした。何も保存されていません。" in html
    assert 'http-equiv="refresh"' not in html


def test_another_organization_cannot_see_an_import(world: World, sites: tuple[Site, Site]) -> None:
    job = progress_job(world, sites[0], lines=1, heartbeat=timezone.now())
    assert world.clients["mallory"].get(f"/sites/bills/imports/{job.pk}/").status_code == 404
    assert world.clients["vera"].get(f"/sites/bills/imports/{job.pk}/").status_code == 200


def test_a_sheet_costs_queries_per_site_not_per_line(
    world: World, sites: tuple[Site, Site]
) -> None:
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from madoguchi.bills.services import import_bills

    def cost(months: int, year: int) -> int:
        rows = [
            f"{name},so-net,{year}-{m:02d},月額,1320"
            for name in ("佐藤家", "鈴木家")
            for m in range(1, months + 1)
        ]
        data = ("site,party,month,item,yen\n" + "\n".join(rows) + "\n").encode()
        with CaptureQueriesContext(connection) as queries:
            import_bills(organization=world.org_a, stream=io.BytesIO(data))
        return len(queries)

    cost(1, 2020)  # the catalog and the organization's parties, read once per process
    assert cost(12, 2024) == cost(1, 2025) <= 40


def test_a_background_import_runs_in_its_own_thread_and_connection(
    transactional_db: Any, world: World, sites: tuple[Site, Site], settings: Any
) -> None:
    settings.BILLS_BACKGROUND_LINES = 1
    client = world.clients["alice"]
    page = client.post(SHEET_URL, {"file": sheet("佐藤家,so-net,2026-01,月額,1320")})
    moved = client.post(SHEET_URL, {"token": page.context["token"]})
    job = BillImport.objects.get(pk=int(moved["Location"].rstrip("/").rsplit("/", 1)[1]))
    deadline = time.monotonic() + 30
    while job.state == "running" and time.monotonic() < deadline:
        time.sleep(0.05)
        job.refresh_from_db()
    assert job.state == "done"
    assert BillLine.objects.filter(site=sites[0]).count() == 1


def test_a_file_without_a_sheets_columns_is_named_not_mapped(world: World) -> None:
    upload = SimpleUploadedFile("card.csv", "利用日,利用店名,利用金額\n2026/01/05,x,1\n".encode())
    html = world.clients["alice"].post(SHEET_URL, {"file": upload}).content.decode()
    assert "1行目: 見出しの行が一覧表の形ではありません" in html
    assert "どの列に何が書かれていますか" not in html


def test_confirming_a_large_file_starts_its_import_without_reading_it_again(
    world: World, inline: _Started, monkeypatch: Any
) -> None:
    from madoguchi.bills import views
    from madoguchi.bills.models import PayeeChoice
    from tests.bills.test_bills import seed001_statement

    site = SiteFactory(organization=world.org_a, name="佐藤家")
    client = world.clients["alice"]
    url = f"/sites/{site.pk}/bills/import/"
    page = client.post(url, {"file": SimpleUploadedFile("mf.csv", seed001_statement())})
    reads: list[int] = []
    real = views.preview

    def counted(**kwargs: Any) -> Any:
        reads.append(1)
        return real(**kwargs)

    monkeypatch.setattr(views, "preview", counted)
    moved = client.post(url, {"token": page.context["token"], "payee_0": "ntt-east"})
    assert moved["Location"].startswith("/sites/bills/imports/")
    assert reads == []
    assert PayeeChoice.objects.get(organization=world.org_a).party == "ntt-east"
    assert BillImport.objects.get(pk=inline[0]).result["added"] == 9


def test_a_large_file_is_previewed_in_the_background_too(
    world: World, inline: _Started, settings: Any
) -> None:
    from tests.bills.test_bills_columns import card_statement

    settings.BILLS_BACKGROUND_BYTES = 1
    site = SiteFactory(organization=world.org_a, name="佐藤家")
    client = world.clients["alice"]
    url = f"/sites/{site.pk}/bills/import/"
    moved = client.post(url, {"file": SimpleUploadedFile("card.csv", card_statement())})
    read = BillImport.objects.get(pk=inline[-1])
    assert (read.preview, read.state) == (True, "done")
    shown = client.get(moved["Location"])  # the progress page hands over to the preview
    assert shown["Location"] == f"{url}?preview={read.pk}"
    asked = client.get(shown["Location"])
    assert "どの列に何が書かれていますか" in asked.content.decode()
    mapped = client.post(
        url,
        {
            "token": read.token,
            "map": "1",
            "col_date": "利用日",
            "col_payee": "利用店名",
            "col_amount": "利用金額",
            "col_expenses": "positive",
        },
    )
    again = BillImport.objects.get(pk=inline[-1])
    assert again.result["given"] == "date=利用日,payee=利用店名,amount=利用金額,expenses=positive"
    page = client.get(client.get(mapped["Location"])["Location"])
    assert page.context["outcome"].added == 4
    assert 'name="col_payee" value="利用店名"' in page.content.decode()  # carried to the save
    saved = client.post(
        url,
        {
            "token": read.token,
            "col_date": "利用日",
            "col_payee": "利用店名",
            "col_amount": "利用金額",
            "col_expenses": "positive",
        },
    )
    job = BillImport.objects.get(pk=inline[-1])
    assert saved["Location"] == f"/sites/bills/imports/{job.pk}/"
    assert (job.preview, job.state, job.result["added"]) == (False, "done", 4)
    assert BillLine.objects.filter(site=site).count() == 4
    assert ColumnMapping.objects.filter(organization=world.org_a).exists()


def test_another_organization_cannot_open_a_background_preview(
    world: World, inline: _Started, settings: Any
) -> None:
    settings.BILLS_BACKGROUND_BYTES = 1
    site = SiteFactory(organization=world.org_a, name="佐藤家")
    url = f"/sites/{site.pk}/bills/import/"
    world.clients["alice"].post(url, {"file": sheet("佐藤家,so-net,2026-01,月額,1")})
    read = BillImport.objects.get(pk=inline[-1])
    assert world.clients["mallory"].get(f"{url}?preview={read.pk}").status_code == 404
    other = f"/sites/{world.site_b.pk}/bills/import/?preview={read.pk}"
    assert "outcome" not in world.clients["mallory"].get(other).context


def test_the_api_takes_a_statement_over_a_megabyte_and_names_one_too_large(
    world: World, sites: tuple[Site, Site]
) -> None:
    client = world.clients["alice"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    item = "月額" * 100  # 200 characters, the most an item keeps
    rows = [f"佐藤家,so-net,2026-01,{item},{n + 1}" for n in range(2_500)]
    big = sheet(*rows)
    assert big.size > 1_000_000  # more than a site file may be
    done = client.post("/api/v1/bill-sheets/import", {"file": big}, **headers)
    assert done.status_code == 201
    assert done.json()["added"] == 2_500
    huge = SimpleUploadedFile("huge.csv", b"site,party,month,item,yen\n" + b"x" * 26_000_000)
    refused = client.post("/api/v1/bill-sheets/import", {"file": huge}, **headers)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"path": "file", "message": "the file is larger than 25 MB and was not read"}
    ]
