"""The bill importer: files in each preset's real shape, bad files, nothing twice."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madoguchi.bills.models import PayeeChoice
from madoguchi.bills.services import ImportRefused, answer_payee, import_bills, preview
from madoguchi.contracts.models import BillLine, Site
from tests.conftest import World
from tests.factories import SiteFactory

MF_HEADER = "計算対象,日付,内容,金額（円）,保有金融機関,大項目,中項目,メモ,振替,ID"
ZAIM_HEADER = (
    "日付,方法,カテゴリ,カテゴリの内訳,支払元,入金先,品目,メモ,お店,通貨,収入,支出,振替,"
    "残高調整,通貨変換前の金額,集計の設定"
)


def mf_csv(rows: list[str], *, encoding: str = "cp932") -> bytes:
    """A マネーフォワード ME export: CP932, CRLF, quoted cells, negative expenses."""
    return ("\r\n".join([MF_HEADER, *rows]) + "\r\n").encode(encoding)


def mf_row(day: str, text: str, yen: str, *, transfer: str = "0", ident: str = "") -> str:
    cells = ["1", day, text, yen, "楽天カード", "通信費", "固定電話", "", transfer, ident]
    return ",".join(f'"{c}"' for c in cells)


def seed001_statement() -> bytes:
    """A household's months: NTTファイナンス (the options left with NTT East), ドコモ光,
    groceries, a card payment transfer, a refund."""
    rows = []
    for n, month in enumerate(("2025/11", "2025/12", "2026/01", "2026/02"), start=1):
        rows += [
            mf_row(f"{month}/27", "NTTファイナンス", "-1,188", ident=f"nf{n}"),
            mf_row(f"{month}/25", "ドコモ光 ご利用料金", "-5,720", ident=f"dh{n}"),
            mf_row(f"{month}/10", "イオン 海浜幕張", "-3,210", ident=f"ae{n}"),
            mf_row(f"{month}/27", "楽天カード 引落", "-12,000", transfer="1", ident=f"tr{n}"),
        ]
    rows.append(mf_row("2026/02/28", "ドコモ光 返金", "550", ident="refund"))
    return mf_csv(rows)


def run(site: Site, data: bytes, **kwargs: Any) -> Any:
    return import_bills(organization=site.organization, site=site, stream=io.BytesIO(data))


@pytest.fixture
def site(world: World) -> Site:
    return SiteFactory(organization=world.org_a, name="佐藤家", prefecture="千葉県")


def test_a_shared_payee_is_asked_once_then_remembered(site: Site) -> None:
    data = seed001_statement()
    with pytest.raises(ImportRefused) as refused:
        run(site, data)
    outcome = refused.value.outcome
    assert list(outcome.unanswered) == ["nttファイナンス"]
    assert outcome.unanswered["nttファイナンス"].candidates == (
        "docomo-hikari",
        "ntt-east",
        "ntt-west",
    )
    assert not BillLine.objects.filter(site=site).exists()
    answer_payee(organization=site.organization, name="ＮＴＴファイナンス", party="ntt-east")
    outcome = run(site, data)
    assert outcome.added == 9  # 4 NTT, 4 ドコモ光, 1 refund
    assert outcome.transfers == 4
    assert outcome.not_telecom == 4
    assert outcome.matched[(site.pk, "ntt-east")] == [4, 4 * 1188]
    assert outcome.matched[(site.pk, "docomo-hikari")] == [5, 4 * 5720 - 550]
    refund = BillLine.objects.get(site=site, yen=-550)
    assert refund.month == "2026-02"
    assert refund.party == "docomo-hikari"


def test_reimport_and_overlap_add_nothing(site: Site) -> None:
    answer_payee(organization=site.organization, name="NTTファイナンス", party="ntt-east")
    run(site, seed001_statement())
    count = BillLine.objects.filter(site=site).count()
    again = run(site, seed001_statement())
    assert (again.added, again.already) == (0, 9)
    later = mf_csv(
        [
            mf_row("2026/02/27", "NTTファイナンス", "-1,188", ident="nf4"),
            mf_row("2026/03/27", "NTTファイナンス", "-1,188", ident="nf5"),
        ]
    )
    overlap = run(site, later)
    assert (overlap.added, overlap.already) == (1, 1)
    assert BillLine.objects.filter(site=site).count() == count + 1


def test_zaim_shift_jis_with_full_width_and_half_width_kana(site: Site) -> None:
    def row(day: str, method: str, shop: str, item: str, spent: str, earned: str = "0") -> str:
        cells = [day, method, "通信", "インターネット", "現金", "", item, "", shop, "JPY"]
        return ",".join([*cells, earned, spent, "", "0", "", "常に含める"])

    text = "\n".join(
        [
            ZAIM_HEADER,
            row("2026-01-05", "payment", "ｿﾈｯﾄ", "So-net 光 月額", "５，２８０"),
            row("2026-01-06", "payment", "スーパー", "野菜", "800"),
            row("2026-01-07", "transfer", "", "口座振替", "10000"),
        ]
    )
    outcome = run(site, text.encode("shift_jis"))
    assert (outcome.preset, outcome.added, outcome.not_telecom, outcome.transfers) == (
        "zaim",
        1,
        1,
        1,
    )
    line = BillLine.objects.get(site=site, party="so-net")
    assert (line.month, line.yen) == ("2026-01", 5280)


def test_own_csv_with_bom_round_trips_through_the_export(site: Site) -> None:
    data = "\ufeffparty,month,item,yen\nso-net,2026年1月,月額,1320\nntt-east,R8.2,ひかり電話,550\n"
    outcome = run(site, data.encode("utf-8"))
    assert outcome.added == 2
    out = StringIO()
    call_command("export_bills", str(site.pk), stdout=out)
    assert out.getvalue().splitlines()[0] == "party,month,item,yen,contract,service"
    again = run(site, out.getvalue().encode("utf-8"))
    assert (again.added, again.already) == (0, 2)


@pytest.mark.parametrize(
    ("data", "line", "column", "words"),
    [
        (MF_HEADER.encode("utf-16"), 0, "", "neither UTF-8 nor Shift_JIS"),
        ("計算対象,日付,内容,保有金融機関\n1,2026/01/01,x,y\n".encode(), 1, "金額(円)", "missing"),
        (mf_csv([mf_row("2026/01/27", "NTT東日本", "千円")]), 2, "金額(円)", "not an amount"),
        (mf_csv([mf_row("2026/02/30", "NTT東日本", "-550")]), 2, "日付", "not a date"),
        (b"party,month,yen\nso-net,2026-13,100\n", 2, "month", "not a date"),
        (b"party,month,yen\nnobody-at-all,2026-01,100\n", 2, "party", "not one known party"),
    ],
)
def test_a_bad_file_names_line_and_column_and_changes_nothing(
    site: Site, data: bytes, line: int, column: str, words: str
) -> None:
    BillLine.objects.create(
        organization=site.organization, site=site, party="so-net", month="2026-01", yen=1
    )
    before = list(BillLine.objects.values_list("id", flat=True))
    with pytest.raises(ImportRefused) as refused:
        run(site, data)
    problem = refused.value.outcome.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.text("en")
    assert problem.text("ja").startswith(f"{line}行目" if line else "ファイル")
    assert list(BillLine.objects.values_list("id", flat=True)) == before


def test_a_late_problem_rolls_back_lines_already_written(site: Site) -> None:
    rows = [mf_row(f"2026/01/{d:02d}", "So-net", "-100", ident=str(d)) for d in range(1, 29)]
    rows = rows * 100  # more than one batch before the bad line
    rows.append(mf_row("2026/01/32", "So-net", "-100"))
    with pytest.raises(ImportRefused):
        run(site, mf_csv(rows))
    assert not BillLine.objects.filter(site=site).exists()


def test_preview_writes_nothing(site: Site) -> None:
    answer_payee(organization=site.organization, name="NTTファイナンス", party="")
    outcome = preview(
        organization=site.organization, site=site, stream=io.BytesIO(seed001_statement())
    )
    assert outcome.ok
    assert outcome.added == 5  # ドコモ光 only: NTTファイナンス was answered "not telecom"
    assert not BillLine.objects.filter(site=site).exists()


def test_sheet_with_a_site_column_imports_for_the_organization(
    world: World, site: Site, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["site", "party", "month", "item", "yen"])
    sheet.append([site.name, "NTT東日本", "2026-01", "ひかり電話", 550])
    sheet.append([str(world.site_a.pk), "so-net", "2026/01", "月額", 1320])
    path = tmp_path / "sheet.xlsx"
    book.save(path)
    out = StringIO()
    call_command("import_bills", "--org", "org-a", str(path), stdout=out, stderr=StringIO())
    assert "added 2" in out.getvalue()
    assert BillLine.objects.filter(site=site, party="ntt-east", yen=550).exists()
    err = StringIO()
    bad = tmp_path / "bad.csv"
    bad.write_text("site,party,month,yen\nB社 倉庫,so-net,2026-01,1\n")
    with pytest.raises(CommandError):
        call_command("import_bills", "--org", "org-a", str(bad), stdout=StringIO(), stderr=err)
    assert "line 2, column site" in err.getvalue()  # another organization's site: not found


def test_cli_asks_for_a_shared_payee_then_takes_the_answer(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "mf.csv"
    path.write_bytes(seed001_statement())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_bills", "--site", str(site.pk), str(path), stdout=StringIO(), stderr=err
        )
    assert "--payee 'NTTファイナンス=PARTY'" in err.getvalue()
    out = StringIO()
    call_command(
        "import_bills",
        "--site",
        str(site.pk),
        "--payee",
        "NTTファイナンス=ntt-east",
        str(path),
        stdout=out,
        stderr=StringIO(),
    )
    assert "added 9" in out.getvalue()
    assert PayeeChoice.objects.get(organization=site.organization).party == "ntt-east"


def test_the_page_previews_asks_once_and_saves(world: World, site: Site) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.clients["alice"]
    url = f"/sites/{site.pk}/bills/import/"
    upload = SimpleUploadedFile("mf.csv", seed001_statement(), content_type="text/csv")
    page = client.post(url, {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200
    for name in ("NTTファイナンス", "NTT東日本", "NTT西日本", "ドコモ光"):
        assert name in text
    assert not BillLine.objects.filter(site=site).exists()
    token = page.context["token"]
    refused = client.post(url, {"token": token})  # no answer yet: asked again
    assert refused.status_code == 200
    assert not BillLine.objects.filter(site=site).exists()
    done = client.post(url, {"token": token, "payee_0": "ntt-east"})
    assert done.status_code == 302
    assert BillLine.objects.filter(site=site).count() == 9
    detail = client.get(f"/sites/{site.pk}/").content.decode()
    # NTT East bills in 4 of the last 4 months and the site holds no contract with it
    assert "NTT東日本から毎月 1,188円" in detail


def test_a_bad_file_is_named_in_japanese_on_the_page(world: World, site: Site) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = mf_csv([mf_row("2026/02/30", "NTT東日本", "-550")])
    page = world.clients["alice"].post(
        f"/sites/{site.pk}/bills/import/", {"file": SimpleUploadedFile("x.csv", data)}
    )
    assert "2行目「日付」列: 存在する日付ではありません" in page.content.decode()


def test_viewers_and_strangers_cannot_import(world: World, site: Site) -> None:
    url = f"/sites/{site.pk}/bills/import/"
    assert world.clients["vera"].get(url).status_code == 403
    assert world.clients["mallory"].get(url).status_code == 404
    assert world.clients["mallory"].get(f"/sites/{site.pk}/bills/export.csv").status_code == 404


def test_the_api_imports_all_or_nothing(world: World, site: Site) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    client = world.clients["anonymous"]
    url = f"/api/v1/sites/{site.pk}/bills/import"
    sent = client.post(url, {"file": SimpleUploadedFile("mf.csv", seed001_statement())}, **headers)
    assert sent.status_code == 422
    assert "payee-answers" in sent.json()["errors"][0]["message"]
    answer = world.api(
        "post",
        f"/api/v1/sites/{site.pk}/payee-answers",
        {"name": "NTTファイナンス", "party": "ntt-west"},
    )
    assert answer.status_code == 200
    dry = client.post(
        url + "?dry_run=true",
        {"file": SimpleUploadedFile("mf.csv", seed001_statement())},
        **headers,
    )
    assert (dry.status_code, dry.json()["added"]) == (200, 9)
    assert not BillLine.objects.filter(site=site).exists()
    done = client.post(url, {"file": SimpleUploadedFile("mf.csv", seed001_statement())}, **headers)
    assert done.status_code == 201
    assert {"site_id": site.pk, "party": "ntt-west", "lines": 4, "yen": 4752} in done.json()[
        "matched"
    ]
    viewer = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['vera']}"}
    again = client.post(url, {"file": SimpleUploadedFile("mf.csv", b"x")}, **viewer)
    assert again.status_code == 403


def test_the_site_page_draws_the_monthly_cost_per_company(world: World, site: Site) -> None:
    answer_payee(organization=site.organization, name="NTTファイナンス", party="ntt-east")
    run(site, seed001_statement())
    page = world.clients["alice"].get(f"/sites/{site.pk}/")
    html = page.content.decode()
    start = html.index('<figure class="bill-chart"')
    chart = html[start : html.index("</figure>", start)]
    assert "会社ごとの月額 (2024年3月〜2026年2月)" in chart
    assert chart.count("<rect") == 8  # 4 months × 2 companies
    assert "NTT東日本" in chart
    assert "4,752円" in chart  # NTT East over the 24 months
    assert "<script" not in chart


def test_an_option_left_with_ntt_says_what_it_costs_a_year(world: World) -> None:
    from madoguchi.sitefiles.siteio import import_site_text

    text = (
        Path(__file__).parents[2] / "examples" / "seed001-phone-stays-with-ntt.yaml"
    ).read_text()
    site, _ = import_site_text(world.org_a, text)
    page = world.clients["alice"].get(f"/sites/{site.pk}/").content.decode()
    # The options left with NTT East alone (2026-02): virus-clear 440 + spot 198 a month;
    # ひかり電話 (550) is kept on purpose, not counted
    assert "年間 7,656円" in page
    assert "直近の請求 638円 (2026年2月) × 12か月" in page
    # the unwanted remote support is not billed: its contract fee
    assert "年間 6,600円" in page
    assert "契約の月額 550円 × 12か月" in page


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=300), st.integers(0, 600))
def test_a_mangled_statement_is_refused_or_read_never_a_traceback(
    site: Site, insert: bytes, at: int
) -> None:
    good = seed001_statement()
    data = good[:at] + insert + good[at:]
    refused = None
    try:
        run(site, data)
    except ImportRefused as exc:
        refused = exc.outcome
    if refused is not None:
        assert refused.problems or refused.unanswered
        assert all(problem.text("ja") for problem in refused.problems)
        assert not BillLine.objects.filter(site=site).exists()
    BillLine.objects.filter(site=site).delete()


def test_the_first_line_over_a_sites_limit_stops_the_read_at_once(site: Site) -> None:
    """A million lines for one site: refused at the 5,001st line added, without reading
    the rest (the read used to go on to the end for every problem)."""
    header = b"party,month,item,yen\n"
    body = b"".join(b"so-net,2026-01,line %d,1\n" % n for n in range(1_000_000))
    stream = io.BytesIO(header + body)
    with pytest.raises(ImportRefused) as refused:
        import_bills(organization=site.organization, site=site, stream=stream)
    assert [(p.line, p.en) for p in refused.value.outcome.problems] == [
        (5_002, "the site would have more than 5000 bill lines")
    ]
    assert stream.tell() < len(header + body) // 10  # most of the file was never read
    assert not BillLine.with_staged.filter(site=site).exists()


def test_the_same_file_imported_twice_at_once_adds_its_lines_once(site: Site) -> None:
    """The second import starts while the first is still reading (its batches committed,
    staged): whichever ends last drops what the other made visible meanwhile."""
    data = b"party,month,item,yen\n" + b"".join(
        b"so-net,2026-01,line %d,%d\n" % (n, n + 1) for n in range(10)
    )
    inner: list[Any] = []

    def meanwhile(done: int, lines: int) -> None:
        if not inner:
            inner.append(
                import_bills(organization=site.organization, site=site, stream=io.BytesIO(data))
            )

    import madoguchi.bills.services as services

    original = services.BATCH
    services.BATCH = 4
    try:
        outer = import_bills(
            organization=site.organization, site=site, stream=io.BytesIO(data), progress=meanwhile
        )
    finally:
        services.BATCH = original
    assert inner[0].added == 10
    assert (outer.added, outer.already) == (0, 10)
    assert BillLine.with_staged.filter(site=site).count() == 10
