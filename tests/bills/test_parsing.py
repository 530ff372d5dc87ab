"""Statement parsing without a database: generated statements read back exactly; mangled
ones give problems, never a traceback."""

from __future__ import annotations

import datetime as dt
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from madoguchi.bills.parsing import (
    BadFile,
    Reading,
    StatementLine,
    normalize,
    parse_when,
    parse_yen,
    read_statement,
)

MF_HEADER = "計算対象,日付,内容,金額（円）,保有金融機関,大項目,中項目,メモ,振替,ID"


def read(data: bytes) -> tuple[list[StatementLine], Reading]:
    reading = Reading()
    try:
        lines = list(read_statement(io.BytesIO(data), reading))
    except BadFile as exc:
        reading.problems.extend(exc.problems)
        return [], reading
    return lines, reading


def test_values_in_the_usual_japanese_forms() -> None:
    assert parse_when("2026/02/27") == ("2026-02", dt.date(2026, 2, 27))
    assert parse_when("２０２６年２月２７日") == ("2026-02", dt.date(2026, 2, 27))
    assert parse_when("令和8年2月") == ("2026-02", None)
    assert parse_when("R8.2.27") == ("2026-02", dt.date(2026, 2, 27))
    assert parse_when("2026-02-30") is None
    assert parse_when("2026-13") is None
    assert parse_yen("-1,320") == -1320
    assert parse_yen("１，３２０円") == 1320
    assert parse_yen("¥5,280") == 5280
    assert parse_yen("△550") == -550
    assert parse_yen("千円") is None
    assert normalize("ＮＴＴ ﾄﾞｺﾓ") == "NTT ドコモ"


charges = st.lists(
    st.tuples(
        st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)),
        st.sampled_from(["NTTファイナンス", "ドコモ光", "イオン", "ｿﾌﾄﾊﾞﾝｸ光", "電気代"]),
        st.integers(-10_000_000, 10_000_000),
        st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(charges, st.sampled_from(["cp932", "utf-8", "utf-8-sig"]))
def test_any_valid_money_forward_statement_reads_back(rows: list, encoding: str) -> None:
    text = [MF_HEADER]
    for n, (day, payee, yen, transfer) in enumerate(rows):
        amount = f"{-yen:,}"
        text.append(f'1,{day:%Y/%m/%d},{payee},"{amount}",銀行,通信費,,,{int(transfer)},id{n}')
    lines, reading = read("\r\n".join(text).encode(encoding))
    assert reading.problems == []
    assert len(lines) == len(rows)
    for line, (day, payee, yen, transfer) in zip(lines, rows, strict=True):
        assert (line.day, line.yen, line.payee, bool(line.skip)) == (
            day,
            yen,
            normalize(payee),
            transfer,
        )


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2_000), st.integers(0, 400), st.binary(max_size=40))
def test_a_mangled_statement_never_raises(noise: bytes, at: int, insert: bytes) -> None:
    good = (MF_HEADER + '\r\n1,2026/01/27,NTTファイナンス,"-1,188",x,通信費,,,0,a\r\n').encode(
        "cp932"
    )
    for data in (noise, good[:at] + insert + good[at:], good[: at % len(good)]):
        _, reading = read(data)
        for problem in reading.problems:
            assert problem.text("en")
            assert problem.text("ja")


def test_a_sheet_with_japanese_headers_reads_like_the_own_columns() -> None:
    sheet = "拠点,請求元,請求月,内容,金額\n佐藤家,NTT東日本,2026年1月,ひかり電話,550\n"
    lines, reading = read(sheet.encode())

    assert reading.problems == []
    assert getattr(reading.preset, "key", None) == "sheet"
    assert [(line.site, line.payee, line.yen) for line in lines] == [("佐藤家", "NTT東日本", 550)]


def test_a_money_forward_header_is_not_taken_for_japanese_own_columns() -> None:
    _lines, reading = read(f"{MF_HEADER}\n1,2026/01/05,ドコモ光,-5720,銀行,通信費,,,0,x\n".encode())

    assert getattr(reading.preset, "key", None) == "moneyforward"
