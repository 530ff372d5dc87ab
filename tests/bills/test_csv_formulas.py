"""Exported CSVs never hand a spreadsheet a formula: text starting with =, +, -, @, a tab or
a CR is shown as text (an apostrophe in front), numbers stay numbers, and the import reads
the export back as it was written."""

from __future__ import annotations

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from madoguchi.bills.parsing import formula_text, spreadsheet_safe
from madoguchi.contracts.models import BillLine, Site
from tests.bills.test_bills import run
from tests.conftest import World
from tests.factories import SiteFactory


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_a_formula_becomes_text(text: str) -> None:
    assert spreadsheet_safe(text) == "'" + text
    assert formula_text("'" + text) == text


def test_plain_text_and_numbers_are_left_alone() -> None:
    assert spreadsheet_safe("月額") == "月額"
    assert spreadsheet_safe(-550) == -550
    assert formula_text("'quoted") == "'quoted"


def test_the_bill_export_neutralises_formulas_and_reads_back(world: World) -> None:
    site: Site = SiteFactory(organization=world.org_a, name="佐藤家")
    run(site, b'party,month,item,yen\nso-net,2026-01,=HYPERLINK("x"),-100\n')
    out = StringIO()
    call_command("export_bills", str(site.pk), stdout=out)
    rows = list(csv.reader(StringIO(out.getvalue())))
    assert rows[1][2] == '\'=HYPERLINK("x")'
    assert rows[1][3] == "-100"
    again = run(site, out.getvalue().encode("utf-8"))
    assert (again.added, again.already) == (0, 1)
    assert BillLine.objects.get(site=site).item == '=HYPERLINK("x")'
