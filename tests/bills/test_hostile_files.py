"""Hostile bill files are refused within seconds and a little memory: zip bombs, a row
numbered a million, a row a sheet wide, a line without end, more lines than any statement.
Each file is read in a fresh process, whose peak memory is compared before and after."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from madoguchi.bills import parsing

SECONDS = 5
ADDED_MB = 300

READER = """
import json, resource, sys, time
from madoguchi.bills.parsing import BadFile, rows_of
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.monotonic()
problems, rows = [], 0
try:
    with open(sys.argv[1], "rb") as stream:
        for _ in rows_of(stream, problems):
            rows += 1
except BadFile as exc:
    problems += exc.problems
print(json.dumps({
    "seconds": time.monotonic() - start,
    "added_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024,
    "rows": rows,
    "problems": [[p.line, p.en] for p in problems],
}))
"""


def read_apart(path: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", READER, str(path)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


def assert_refused_quickly(found: dict[str, object], text: str) -> None:
    assert any(text in en for _, en in found["problems"]), found["problems"]  # type: ignore[attr-defined]
    assert found["seconds"] < SECONDS  # type: ignore[operator]
    assert found["added_mb"] < ADDED_MB  # type: ignore[operator]


def test_a_workbook_that_unpacks_huge_is_refused_from_its_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b" " * 400_000_000 + b"</sst>")
    assert path.stat().st_size < 1_000_000  # 0.4 GB in well under a megabyte
    assert_refused_quickly(read_apart(path), "too large once unpacked")


def test_a_row_numbered_a_million_stops_at_the_line_limit(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["site", "party", "month", "item", "yen"])
    sheet.cell(row=1_048_576, column=1, value="x")  # a million empty rows before it
    path = tmp_path / "far.xlsx"
    book.save(path)
    found = read_apart(path)
    assert_refused_quickly(found, "more than 200,000 lines")
    assert found["rows"] == parsing.MAX_LINES


def test_a_row_a_sheet_wide_stops_at_once(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["site", "party", "month", "item", "yen"])
    for row in range(2, 2_000):
        sheet.cell(row=row, column=16_384, value="x")  # column XFD: 16,384 cells a row
    path = tmp_path / "wide.xlsx"
    book.save(path)
    found = read_apart(path)
    assert_refused_quickly(found, "more than 200 cells")
    assert found["rows"] == 1  # the header; the first wide row stopped the read


def test_a_csv_line_without_end_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"party,month,item,yen\n" + b"a" * 24_000_000)
    assert_refused_quickly(read_apart(path), "longer than 100,000 bytes")


def test_a_csv_longer_than_any_statement_stops_at_the_line_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    with path.open("w") as out:
        out.write("party,month,item,yen\n")
        out.write("x,2026-01,y,1\n" * 300_000)
    found = read_apart(path)
    assert any("more than 200,000 lines" in en for _, en in found["problems"])  # type: ignore[attr-defined]
    assert found["rows"] == parsing.MAX_LINES
    assert found["added_mb"] < ADDED_MB  # type: ignore[operator]


@pytest.mark.parametrize("cells", [5, parsing.MAX_CELLS])
def test_a_statement_as_wide_as_the_limit_is_read(tmp_path: Path, cells: int) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(",".join(f"c{n}" for n in range(cells)) + "\n" + ",".join("1" * cells) + "\n")
    found = read_apart(path)
    assert (found["rows"], found["problems"]) == (2, [])
