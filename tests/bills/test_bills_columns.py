"""A statement no preset knows: which column is what is asked once, remembered per
organization for that header, and a bad mapping is refused naming line and column."""

from __future__ import annotations

import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madoguchi.bills.models import ColumnMapping
from madoguchi.bills.parsing import ColumnMap, parse_columns
from madoguchi.bills.services import ImportRefused, import_bills, preview
from madoguchi.contracts.models import BillLine, Site
from tests.conftest import World
from tests.factories import SiteFactory

CARD_HEADER = "利用日,利用店名,利用者,支払方法,利用金額,支払月"
CARD = ColumnMap(date="利用日", payee="利用店名", amount="利用金額")


def card_csv(rows: list[str], *, header: str = CARD_HEADER) -> bytes:
    """A credit card's statement (the kind no preset knows): Shift_JIS, spending positive."""
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp932")


def card_statement() -> bytes:
    return card_csv(
        [
            '2026/01/05,ソネット 光 月額,本人,1回払い,"5,280",2026/02',
            "2026/01/09,ＮＴＴ東日本 ひかり電話,本人,1回払い,550,2026/02",
            "2026/01/12,コンビニ,本人,1回払い,480,2026/02",
            '2026/02/05,ソネット 光 月額,本人,1回払い,"5,280",2026/03',
            "2026/02/06,ソネット 返金,本人,1回払い,-300,2026/03",
        ]
    )


@pytest.fixture
def site(world: World) -> Site:
    return SiteFactory(organization=world.org_a, name="佐藤家")


def test_an_unknown_header_asks_which_column_is_what(site: Site) -> None:
    outcome = preview(
        organization=site.organization, site=site, stream=io.BytesIO(card_statement())
    )
    assert outcome.needs_columns is not None
    assert outcome.needs_columns.header[:2] == ["利用日", "利用店名"]
    assert outcome.needs_columns.sample[1] == "ソネット 光 月額"
    assert outcome.problems[0].line == 1


def test_a_mapping_imports_and_is_remembered_for_the_next_file(site: Site) -> None:
    outcome = import_bills(
        organization=site.organization,
        site=site,
        stream=io.BytesIO(card_statement()),
        columns=CARD,
    )
    assert (outcome.preset, outcome.added, outcome.not_telecom) == ("columns", 4, 1)
    assert BillLine.objects.get(site=site, party="ntt-east").yen == 550
    assert BillLine.objects.get(site=site, yen=-300).party == "so-net"
    assert ColumnMapping.objects.filter(organization=site.organization).count() == 1
    # the next month's file from the same card: no mapping given, imported directly
    later = card_csv(['2026/03/05,ソネット 光 月額,本人,1回払い,"5,280",2026/04'])
    again = import_bills(organization=site.organization, site=site, stream=io.BytesIO(later))
    assert (again.preset, again.added) == ("columns", 1)


def test_a_mapping_is_not_shared_with_another_organization(world: World, site: Site) -> None:
    import_bills(
        organization=site.organization,
        site=site,
        stream=io.BytesIO(card_statement()),
        columns=CARD,
    )
    elsewhere = preview(
        organization=world.org_b, site=world.site_b, stream=io.BytesIO(card_statement())
    )
    assert elsewhere.needs_columns is not None


def test_month_and_negative_spending_columns(site: Site) -> None:
    columns = ColumnMap(
        date="利用日", payee="利用店名", amount="利用金額", month="支払月", expenses_negative=True
    )
    data = card_csv(["2026/01/05,ソネット 光 月額,本人,1回払い,-5280,2026/02"])
    import_bills(
        organization=site.organization, site=site, stream=io.BytesIO(data), columns=columns
    )
    line = BillLine.objects.get(site=site)
    assert (line.month, line.yen) == ("2026-02", 5280)


@pytest.mark.parametrize(
    ("columns", "data", "line", "column", "words"),
    [
        (
            ColumnMap(date="利用日", payee="お店", amount="利用金額"),
            card_statement(),
            1,
            "お店",
            "no such column",
        ),
        (
            CARD,
            card_csv(["2026/01/05,ソネット,本人,1回払い,五千円,2026/02"]),
            2,
            "利用金額",
            "not an amount",
        ),
        (
            CARD,
            card_csv(["2026/02/30,ソネット,本人,1回払い,100,2026/03"]),
            2,
            "利用日",
            "not a date",
        ),
        (CARD, card_csv(["2026/02/03,,本人,1回払い,100,2026/03"]), 2, "利用店名", "no payee"),
    ],
)
def test_a_bad_mapping_names_line_and_column_and_saves_nothing(
    site: Site, columns: ColumnMap, data: bytes, line: int, column: str, words: str
) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_bills(
            organization=site.organization, site=site, stream=io.BytesIO(data), columns=columns
        )
    problem = refused.value.outcome.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.text("en")
    assert problem.text("ja").startswith(f"{line}行目「{column}」列")
    assert not BillLine.objects.filter(site=site).exists()
    assert not ColumnMapping.objects.exists()


def test_parse_columns_reads_the_cli_form_and_names_what_is_wrong() -> None:
    parsed = parse_columns("date=利用日, payee=利用店名 ,amount=利用金額,expenses=negative")
    assert parsed == ColumnMap("利用日", "利用店名", "利用金額", expenses_negative=True)
    assert parse_columns(parsed.text()) == parsed
    with pytest.raises(ValueError, match="amount"):
        parse_columns("date=利用日,payee=利用店名")
    with pytest.raises(ValueError, match="not a role"):
        parse_columns("date=a,payee=b,amount=c,shop=d")


def test_the_cli_takes_columns_then_remembers_them(site: Site, tmp_path: Path) -> None:
    path = tmp_path / "card.csv"
    path.write_bytes(card_statement())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_bills", "--site", str(site.pk), str(path), stdout=StringIO(), stderr=err
        )
    assert "利用日, 利用店名" in err.getvalue()
    out = StringIO()
    call_command(
        "import_bills",
        "--site",
        str(site.pk),
        "--columns",
        "date=利用日,payee=利用店名,amount=利用金額",
        str(path),
        stdout=out,
        stderr=StringIO(),
    )
    assert "added 4" in out.getvalue()
    out = StringIO()
    call_command("import_bills", "--site", str(site.pk), str(path), stdout=out, stderr=StringIO())
    assert "added 0" in out.getvalue()


def test_the_page_asks_for_the_columns_then_imports_and_remembers(world: World, site: Site) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.clients["alice"]
    url = f"/sites/{site.pk}/bills/import/"
    page = client.post(url, {"file": SimpleUploadedFile("card.csv", card_statement())})
    html = page.content.decode()
    assert "どの列に何が書かれていますか" in html
    assert "利用店名 (例: ソネット 光 月額)" in html
    token = page.context["token"]
    mapping = {
        "token": token,
        "map": "1",
        "col_date": "利用日",
        "col_payee": "利用店名",
        "col_amount": "利用金額",
        "col_expenses": "positive",
    }
    checked = client.post(url, mapping)
    assert "追加する行: 4" in checked.content.decode().replace("<strong>", "").replace(
        "</strong>", ""
    )
    assert not BillLine.objects.filter(site=site).exists()
    assert not ColumnMapping.objects.exists()  # remembered once imported, not before
    confirm = {k: v for k, v in mapping.items() if k != "map"}
    done = client.post(url, confirm)
    assert done.status_code == 302
    assert BillLine.objects.filter(site=site).count() == 4
    again = client.post(url, {"file": SimpleUploadedFile("card.csv", card_statement())})
    assert "どの列に何が書かれていますか" not in again.content.decode()
    assert "読み方: 日付は「利用日」、支払先は「利用店名」、金額は「利用金額」の列" in (
        again.content.decode()
    )
    assert again.context["outcome"].already == 4


def test_a_bad_mapping_on_the_page_is_asked_again_with_the_problem(
    world: World, site: Site
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = world.clients["alice"]
    url = f"/sites/{site.pk}/bills/import/"
    page = client.post(url, {"file": SimpleUploadedFile("card.csv", card_statement())})
    bad = client.post(
        url,
        {
            "token": page.context["token"],
            "map": "1",
            "col_date": "利用日",
            "col_payee": "利用店名",
            "col_amount": "利用者",  # names, not numbers
            "col_expenses": "positive",
        },
    )
    html = bad.content.decode()
    assert "2行目「利用者」列: 金額として読めません: 「本人」" in html
    assert 'value="利用者" selected' in html  # what the person chose survives
    assert not ColumnMapping.objects.exists()
    assert not BillLine.objects.filter(site=site).exists()


def test_the_api_takes_columns_as_a_field(world: World, site: Site) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['alice']}"}
    client = world.clients["anonymous"]
    url = f"/api/v1/sites/{site.pk}/bills/import"
    asked = client.post(url, {"file": SimpleUploadedFile("c.csv", card_statement())}, **headers)
    assert asked.status_code == 422
    assert "利用日, 利用店名" in asked.json()["errors"][1]["message"]
    bad = client.post(
        url,
        {"file": SimpleUploadedFile("c.csv", card_statement()), "columns": "date=利用日"},
        **headers,
    )
    assert bad.json()["errors"] == [
        {"path": "columns", "message": "say which column is the payee, amount"}
    ]
    done = client.post(
        url,
        {
            "file": SimpleUploadedFile("c.csv", card_statement()),
            "columns": "date=利用日,payee=利用店名,amount=利用金額",
        },
        **headers,
    )
    assert (done.status_code, done.json()["added"], done.json()["preset"]) == (201, 4, "columns")
    assert ColumnMapping.objects.get(organization=world.org_a).payee == "利用店名"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200), st.integers(0, 400))
def test_a_mangled_statement_read_through_a_mapping_never_raises_a_traceback(
    site: Site, insert: bytes, at: int
) -> None:
    good = card_statement()
    data = good[:at] + insert + good[at:]
    refused = None
    try:
        import_bills(
            organization=site.organization, site=site, stream=io.BytesIO(data), columns=CARD
        )
    except ImportRefused as exc:
        refused = exc.outcome
    if refused is not None:
        assert refused.problems or refused.unanswered
        assert all(p.text("ja") for p in refused.problems)
        assert not BillLine.objects.filter(site=site).exists()
    BillLine.objects.filter(site=site).delete()
    ColumnMapping.objects.all().delete()
