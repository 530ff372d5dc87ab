"""Bill files as statement lines: plain Python, no Django, no database.

A file is read as an iterator (one row at a time), so memory stays flat in its size. The
preset is told from the header row; each data row becomes a `StatementLine` or a `Problem`
naming its line (the file's physical line, the header being line 1) and column.

Presets (DOMAIN-FACTS 8.7): マネーフォワード ME (CP932; expenses negative, thousands
separators, 振替=1 transfers), Zaim (Shift_JIS; 支出/収入), Madoguchi's own bill CSV
(party, month, item, yen, contract, service) and an installer's sheet (the same with a `site`
column; CSV or XLSX).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

HEAD_BYTES = 65_536
MAX_PROBLEMS = 100
XLSX_MAGIC = b"PK\x03\x04"

# How much of a bill file is read, whatever it claims (hostile files are refused within
# seconds and a little memory). A real statement is far smaller: a household's card or bank
# export is a few thousand lines a year, an installer's sheet at most 5,000 lines per site
# (a site's bill-line limit). The upload itself is bounded by bills.views.BILL_MAX_BYTES.
MAX_LINES = 200_001  # rows or physical lines, the header's included: 200,000 statement lines
MAX_LINE_BYTES = 100_000  # one CSV line (a statement line is under 1 KB)
MAX_CELLS = 200  # cells in one row (a statement has about 10 columns)
# An XLSX is a zip: its directory says how large each part is once uncompressed, and Python's
# zipfile never inflates a part beyond what the directory says (so these are checked before
# anything is inflated). The worksheets are streamed (memory stays flat); every other part
# (shared strings, styles, the workbook) is read whole into memory by openpyxl.
XLSX_MAX_PARTS = 500
XLSX_MAX_SHEET_BYTES = 120_000_000  # one worksheet's XML, streamed
XLSX_MAX_PART_BYTES = 16_000_000  # any other part, read whole (shared strings: ~25 MB in memory)
XLSX_MAX_TOTAL_BYTES = 160_000_000


@dataclass(frozen=True)
class Problem:
    """Something wrong with a file: its line (0 for the file as a whole) and column."""

    line: int
    column: str
    en: str
    ja: str

    def text(self, lang: str = "en") -> str:
        if lang == "ja":
            where = f"{self.line}行目" if self.line else "ファイル"
            col = f"「{self.column}」列" if self.column else ""
            return f"{where}{col}: {self.ja}"
        where = f"line {self.line}" if self.line else "file"
        col = f", column {self.column}" if self.column else ""
        return f"{where}{col}: {self.en}"


class BadFile(ValueError):
    """A file that cannot be read at all (its problems say why)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.text() for p in problems))
        self.problems = problems


class NeedsColumns(BadFile):
    """A header no preset knows and no mapping was given or remembered for: which column is
    what has to be asked (the header and the first data row let a person answer)."""

    def __init__(self, problems: list[Problem], header: list[str], sample: list[str]) -> None:
        super().__init__(problems)
        self.header = header
        self.sample = sample


@dataclass(frozen=True)
class Preset:
    key: str
    name: str  # shown to people (a product name: the same in both languages)
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    # Columns that tell this preset from the others when present together.
    signature: tuple[str, ...] = ()
    # Other headers people write for a column (an installer's sheet typed in Japanese).
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


MONEYFORWARD = Preset(
    "moneyforward",
    "マネーフォワード ME",
    required=("日付", "内容", "金額(円)"),
    optional=("計算対象", "保有金融機関", "大項目", "中項目", "メモ", "振替", "ID"),
    signature=("計算対象", "金額(円)", "保有金融機関"),
)
ZAIM = Preset(
    "zaim",
    "Zaim",
    required=("日付", "方法", "お店", "品目", "収入", "支出"),
    optional=(
        "カテゴリ",
        "カテゴリの内訳",
        "支払元",
        "入金先",
        "メモ",
        "通貨",
        "振替",
        "残高調整",
        "通貨変換前の金額",
        "集計の設定",
    ),
    signature=("方法", "カテゴリの内訳", "支出"),
)
# The own CSV's and the sheet's columns as an installer writes them in Japanese.
JAPANESE_HEADERS = (
    ("site", ("拠点", "拠点名", "設置場所")),
    ("party", ("請求元", "事業者", "会社", "会社名", "契約先")),
    ("month", ("月", "請求月", "利用月", "年月")),
    ("item", ("内容", "項目", "品目", "明細")),
    ("yen", ("金額", "金額(円)", "請求額", "円")),
    ("contract", ("契約",)),
    ("service", ("サービス",)),
)
OWN = Preset(
    "madoguchi",
    "Madoguchi",
    required=("party", "month", "yen"),
    optional=("item", "contract", "service"),
    signature=("party", "month", "yen"),
    aliases=JAPANESE_HEADERS,
)
SHEET = Preset(
    "sheet",
    "Madoguchi (sites)",
    required=("site", "party", "month", "yen"),
    optional=("item", "contract", "service"),
    signature=("site", "party", "month", "yen"),
    aliases=JAPANESE_HEADERS,
)
PRESETS = (MONEYFORWARD, ZAIM, SHEET, OWN)
OWN_COLUMNS = ("party", "month", "item", "yen", "contract", "service")
# Any other bank or card statement, read through the columns a person named (ColumnMap).
MAPPED = Preset("columns", "column mapping", required=())


@dataclass(frozen=True)
class ColumnMap:
    """Which of a file's columns (by its header text) is the date, the payee and the amount,
    and optionally the item, the billing month and the service; `expenses_negative` when the
    file writes spending as negative amounts (マネーフォワード style), else spending is
    positive and a refund negative (a card statement's 利用金額)."""

    date: str
    payee: str
    amount: str
    expenses_negative: bool = False
    item: str = ""
    month: str = ""
    service: str = ""

    ROLES = ("date", "payee", "amount", "item", "month", "service")
    REQUIRED = ("date", "payee", "amount")

    def named(self) -> dict[str, str]:
        """Role → column, for the roles given."""
        return {r: getattr(self, r) for r in self.ROLES if getattr(self, r)}

    def text(self) -> str:
        """The mapping as `--columns` and the API's `columns` take it."""
        parts = [f"{role}={column}" for role, column in self.named().items()]
        parts.append("expenses=" + ("negative" if self.expenses_negative else "positive"))
        return ",".join(parts)


def parse_columns(text: str) -> ColumnMap:
    """`date=利用日,payee=利用店名,amount=利用金額[,item=…][,month=…][,service=…]
    [,expenses=negative|positive]` as a ColumnMap; ValueError naming what is wrong."""
    values: dict[str, str] = {}
    negative = False
    for part in text.split(","):
        if not part.strip():
            continue
        role, sep, column = part.partition("=")
        role, column = role.strip().lower(), normalize(column)
        if not sep or not column:
            raise ValueError(f"{part.strip()!r}: write ROLE=COLUMN")
        if role == "expenses":
            if column.lower() not in {"negative", "positive"}:
                raise ValueError("expenses= takes negative or positive")
            negative = column.lower() == "negative"
        elif role in ColumnMap.ROLES:
            values[role] = column
        else:
            raise ValueError(f"{role!r} is not a role ({', '.join(ColumnMap.ROLES)}, expenses)")
    missing = [r for r in ColumnMap.REQUIRED if r not in values]
    if missing:
        raise ValueError(f"say which column is the {', '.join(missing)}")
    return ColumnMap(expenses_negative=negative, **values)


def column_key(name: str) -> str:
    """A header cell as columns are compared: NFKC, spaces collapsed, case folded."""
    return normalize(name).strip().lower()


def header_signature(header: list[str]) -> str:
    """What identifies a file's layout: its header cells, folded, trailing blanks dropped
    (the key a remembered column mapping is found by)."""
    cells = [column_key(h) for h in header]
    while cells and not cells[-1]:
        cells.pop()
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:40]


@dataclass(frozen=True)
class StatementLine:
    """One charge (positive yen) or refund (negative yen) read from a file."""

    line: int
    month: str  # YYYY-MM
    payee: str  # the name on the statement, normalized (what matching reads)
    item: str
    yen: int
    day: dt.date | None = None
    party: str = ""  # own CSV / sheet: the party as written (slug or name)
    site: str = ""  # sheet: the site's id or name
    contract: str = ""
    service: str = ""
    source_id: str = ""  # the app's own id for the line, when it has one
    skip: str = ""  # "transfer" when the line is not a charge at all

    def key(self) -> str:
        """What makes this line this line (before counting repeats in one file)."""
        if self.source_id:
            return f"id\x1f{self.source_id}"
        when = self.day.isoformat() if self.day else self.month
        return "\x1f".join((when, self.payee, self.item, str(self.yen)))


def own_key(party: str, month: str, item: str, yen: int, contract: str, service: str) -> str:
    """The key of a bill line as Madoguchi's own CSV writes it (so an export re-imported
    matches the stored lines, however they came in)."""
    return "\x1f".join(("own", party, month, item, str(yen), contract, service))


def fingerprint(key: str, occurrence: int) -> str:
    """A stable id for the `occurrence`-th line with `key` in a statement."""
    return hashlib.sha256(f"{key}\x1e{occurrence}".encode()).hexdigest()[:40]


def normalize(text: str) -> str:
    """Full- and half-width forms folded (ＮＴＴ → NTT, ﾄﾞｺﾓ → ドコモ), spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


# --- bytes to rows ------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """utf-8-sig, utf-8 or cp932 from the first bytes of a file; BadFile when none fits."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in head:
        raise BadFile([_encoding_problem()])
    for encoding in ("utf-8", "cp932"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            decoder.decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise BadFile([_encoding_problem()])


def _encoding_problem(line: int = 0) -> Problem:
    return Problem(
        line,
        "",
        "the text is neither UTF-8 nor Shift_JIS (CP932); save the file as CSV in one of them",
        "文字コードが UTF-8 でも Shift_JIS (CP932) でもありません。"
        "どちらかで CSV として保存し直してください",
    )


def _decoded_lines(stream: IO[bytes], encoding: str, problems: list[Problem]) -> Iterator[str]:
    """The file's lines as text; a line that does not decode is named once and read with
    replacement characters (the file is refused, but its other problems are still found).
    The first line over MAX_LINE_BYTES or past MAX_LINES stops the read at once."""
    bad = False
    number = 0
    while raw := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            problems.append(_too_long_line(number))
            return
        if number > MAX_LINES:
            problems.append(_too_many_lines(number))
            return
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            if not bad:
                problems.append(_encoding_problem(number))
                bad = True
            text = raw.decode(encoding, errors="replace")
        if number == 1 and text.startswith("\ufeff"):
            text = text[1:]
        yield text


def _too_many_lines(line: int) -> Problem:
    lines = f"{MAX_LINES - 1:,}"
    return Problem(
        line,
        "",
        f"the file has more than {lines} lines: split it (by year, or by site)",
        f"ファイルが {lines} 行を超えています。年ごとや拠点ごとに分けてください",
    )


def _too_long_line(line: int) -> Problem:
    size = f"{MAX_LINE_BYTES:,}"
    return Problem(
        line,
        "",
        f"the line is longer than {size} bytes: this is not a statement",
        f"1 行が {size} バイトを超えています。明細のファイルではありません",
    )


def _too_wide_row(line: int) -> Problem:
    return Problem(
        line,
        "",
        f"the row has more than {MAX_CELLS} cells: this is not a statement",
        f"1 行のセルが {MAX_CELLS} 個を超えています。明細のファイルではありません",
    )


def csv_rows(stream: IO[bytes], problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) per CSV row, decoding as the first bytes say."""
    head = stream.read(HEAD_BYTES)
    encoding = detect_encoding(head)
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    stream.seek(0)
    reader = csv.reader(_decoded_lines(stream, encoding, problems))
    start = 1
    try:
        for row in reader:
            if len(row) > MAX_CELLS:
                problems.append(_too_wide_row(start))
                return
            yield start, row
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(
            Problem(start, "", f"not readable as CSV: {exc}", f"CSV として読めません: {exc}")
        )


def xlsx_problem(stream: IO[bytes]) -> Problem | None:
    """What makes this XLSX too large to read, from its zip directory alone (nothing is
    inflated); None when it is within the limits."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a readable zip: openpyxl says so below
    finally:
        stream.seek(0)
    sheets = [p for p in parts if p.filename.startswith("xl/worksheets/")]
    others = [p for p in parts if not p.filename.startswith("xl/worksheets/")]
    too_large = (
        len(parts) > XLSX_MAX_PARTS
        or any(p.file_size > XLSX_MAX_SHEET_BYTES for p in sheets)
        or any(p.file_size > XLSX_MAX_PART_BYTES for p in others)
        or sum(p.file_size for p in parts) > XLSX_MAX_TOTAL_BYTES
    )
    if not too_large:
        return None
    return Problem(
        0,
        "",
        "the workbook is too large once unpacked (over "
        f"{XLSX_MAX_TOTAL_BYTES // 1_000_000} MB, or a part over its limit): save the "
        "statement alone as CSV or as a smaller workbook",
        "ブックを展開すると大きすぎます。明細だけを CSV か小さなブックとして保存し直してください",
    )


def xlsx_rows(stream: IO[bytes], problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) from the first sheet of an XLSX, read in streaming mode.
    The zip directory is checked first (xlsx_problem); while streaming, the first row past
    MAX_LINES (empty rows count: a row numbered 1,048,576 is a million rows) or wider than
    MAX_CELLS stops the read at once."""
    if (problem := xlsx_problem(stream)) is not None:
        raise BadFile([problem])
    try:
        from openpyxl import load_workbook  # type: ignore[import-untyped]

        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # a broken zip, not a workbook, …
        raise BadFile(
            [
                Problem(
                    0,
                    "",
                    f"not readable as an Excel workbook ({type(exc).__name__})",
                    "Excel ブックとして読めません",
                )
            ]
        ) from None
    try:
        sheet = book.worksheets[0]
        # The dimension the file declares (e.g. A1:XFD1048576) would pad every row to it.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_LINES:
                problems.append(_too_many_lines(number))
                return
            if len(values) > MAX_CELLS:
                problems.append(_too_wide_row(number))
                return
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def rows_of(stream: IO[bytes], problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    head = stream.read(len(XLSX_MAGIC))
    stream.seek(0)
    if head == XLSX_MAGIC:
        return xlsx_rows(stream, problems)
    return csv_rows(stream, problems)


# --- values ---------------------------------------------------------------------------------

_ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_DATE = re.compile(
    r"^(?P<era>令和|平成|R|H)?\s*(?P<y>\d{1,4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*"
    r"(?:[-/.月]\s*(?P<d>\d{1,2})\s*日?)?\s*月?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?$")


def parse_when(text: str) -> tuple[str, dt.date | None] | None:
    """(YYYY-MM, the day if given) from 2026/02/27, 2026-02, 2026年2月27日, 令和8年2月,
    R8.2.27, 20260227, ２０２６／０２ …; None when it is not a date that exists."""
    value = normalize(text).replace(" ", "")
    value = value.split("T")[0] if re.match(r"^\d{4}-\d{2}-\d{2}T", value) else value
    match = _DATE.match(value) or _COMPACT.match(value)
    if match is None:
        return None
    year = int(match["y"])
    era = match.groupdict().get("era")
    if era:
        year += _ERAS[era]
    elif year < 1900:
        return None
    month = int(match["m"])
    day = match["d"]
    try:
        date = dt.date(year, month, int(day)) if day else None
        dt.date(year, month, 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}", date


_MINUS = str.maketrans({"△": "-", "▲": "-", "−": "-", "‐": "-"})


def parse_yen(text: str) -> int | None:
    """Whole yen from -1,320 / １，３２０円 / ¥1,320 / △550 / (550); None if not a number."""
    value = normalize(text).translate(_MINUS).replace(" ", "")
    value = value.removesuffix("円").removeprefix("¥").removeprefix("\\").replace(",", "")
    if value.startswith("(") and value.endswith(")"):
        value = "-" + value[1:-1]
    if value.endswith(".0"):
        value = value[:-2]
    if not re.fullmatch(r"[+-]?\d{1,12}", value):
        return None
    return int(value)


# --- rows to statement lines ---------------------------------------------------------------


@dataclass
class Reading:
    """What reading a file found: its preset, data lines and problems (filled as the lines
    are iterated)."""

    preset: Preset | None = None
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    signature: str = ""  # the header's (header_signature)
    header: list[str] = field(default_factory=list)
    columns: ColumnMap | None = None  # the mapping read through, for MAPPED

    def add(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def detect_preset(header: list[str]) -> tuple[Preset | None, dict[str, int]]:
    """The preset whose columns the header carries best, and the column positions."""
    names = [normalize(h).strip().lower() for h in header]
    positions = {n: i for i, n in reversed(list(enumerate(names))) if n}
    best: Preset | None = None
    best_positions, best_score = positions, 0.0
    for preset in PRESETS:
        known = _with_aliases(preset, positions)
        wanted = [normalize(c).lower() for c in preset.signature]
        share = sum(1 for c in wanted if c in known) / len(wanted)
        if share >= 2 / 3 and share > best_score:  # e.g. 2 of 3: a missing column is named
            best, best_positions, best_score = preset, known, share
    return best, best_positions


def _with_aliases(preset: Preset, positions: dict[str, int]) -> dict[str, int]:
    """The positions with each of the preset's columns found under another header added
    under its own name (the first alias present wins; the column's own name wins over all)."""
    known = dict(positions)
    for column, others in preset.aliases:
        if column in known:
            continue
        for other in others:
            if (found := positions.get(normalize(other).lower())) is not None:
                known[column] = found
                break
    return known


def read_statement(
    stream: IO[bytes],
    reading: Reading,
    columns: ColumnMap | None = None,
    remembered: Callable[[str], ColumnMap | None] | None = None,
) -> Iterator[StatementLine]:
    """The statement lines of a file, lazily; problems go to `reading` (BadFile when the file
    cannot be read at all: an unknown header, a missing column, not text).

    `columns` reads the file through that mapping whatever its header; else a header no
    preset knows is looked up by its signature in `remembered`, and NeedsColumns is raised
    when nothing is found."""
    rows = rows_of(stream, reading.problems)
    header: list[str] | None = None
    header_line = 0
    for number, cells in rows:
        if any(c.strip() for c in cells):
            header, header_line = cells, number
            break
    if header is None:
        raise BadFile(
            reading.problems
            or [Problem(0, "", "the file has no header row", "見出しの行がありません")]
        )
    reading.header = header
    reading.signature = header_signature(header)
    preset, positions = detect_preset(header)
    if columns is None and preset is None and remembered is not None:
        columns = remembered(reading.signature)
    if columns is not None:
        yield from _mapped_lines(rows, header_line, positions, columns, reading)
        return
    if preset is None:
        sample = next((c for _, c in rows if any(x.strip() for x in c)), [])
        raise NeedsColumns(
            [
                Problem(
                    header_line,
                    "",
                    "the header is not one this importer knows: say which column is the "
                    "date, the payee and the amount (columns=date=…,payee=…,amount=…)",
                    "見出しの形式を知りません。どの列が日付・支払先・金額かを指定してください",
                )
            ],
            header,
            sample,
        )
    missing = [c for c in preset.required if normalize(c).lower() not in positions]
    if missing:
        raise BadFile(
            [
                Problem(
                    header_line,
                    c,
                    f"the column is missing ({preset.name})",
                    f"この列がありません ({preset.name})",
                )
                for c in missing
            ]
        )
    reading.preset = preset
    index = {c: positions.get(normalize(c).lower()) for c in preset.columns}

    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        reading.rows += 1

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        line = _line(preset, number, cell, reading)
        if line is not None:
            yield line


def peek(stream: IO[bytes]) -> tuple[list[str], list[str]]:
    """The header row and the first data row of a file (to ask which column is what),
    without reading further; empty lists when it cannot be read."""
    problems: list[Problem] = []
    try:
        found = [cells for _, cells in _first_rows(rows_of(stream, problems), 2)]
    except BadFile:
        return [], []
    found += [[], []]
    return found[0], found[1]


def _first_rows(
    rows: Iterator[tuple[int, list[str]]], count: int
) -> Iterator[tuple[int, list[str]]]:
    for number, cells in rows:
        if any(c.strip() for c in cells):
            yield number, cells
            count -= 1
            if count == 0:
                return


def _mapped_lines(
    rows: Iterator[tuple[int, list[str]]],
    header_line: int,
    positions: dict[str, int],
    columns: ColumnMap,
    reading: Reading,
) -> Iterator[StatementLine]:
    """A statement read through a column mapping (any bank's or card's CSV)."""
    named = columns.named()
    missing = [c for c in dict.fromkeys(named.values()) if column_key(c) not in positions]
    if missing:
        raise BadFile(
            [
                Problem(
                    header_line,
                    c,
                    "the file has no such column (check the column mapping)",
                    "ファイルにこの列がありません (列の対応を確かめてください)",
                )
                for c in missing
            ]
        )
    reading.preset = MAPPED
    reading.columns = columns
    index = {role: positions[column_key(c)] for role, c in named.items()}
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        reading.rows += 1

        def cell(role: str, cells: list[str] = cells) -> str:
            i = index.get(role)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        when = _when(reading, number, columns.date, cell("date"))
        month = _when(reading, number, columns.month, cell("month")) if columns.month else when
        amount = _yen(reading, number, columns.amount, cell("amount"))
        payee = normalize(cell("payee"))
        if not payee:
            reading.add(Problem(number, columns.payee, "no payee given", "支払先がありません"))
        if when is None or month is None or amount is None or not payee:
            continue
        yield StatementLine(
            line=number,
            month=month[0],
            day=when[1],
            payee=payee,
            item=normalize(cell("item")) or payee,
            yen=-amount if columns.expenses_negative else amount,
            service=normalize(cell("service")).lower(),
        )


def _bad(reading: Reading, line: int, column: str, value: str, en: str, ja: str) -> None:
    shown = value if len(value) <= 40 else value[:39] + "…"
    reading.add(Problem(line, column, f"{en}: {shown!r}", f"{ja}: 「{shown}」"))


def _when(
    reading: Reading, line: int, column: str, value: str
) -> tuple[str, dt.date | None] | None:
    when = parse_when(value)
    if when is None:
        _bad(reading, line, column, value, "not a date that exists", "存在する日付ではありません")
    return when


def _yen(reading: Reading, line: int, column: str, value: str) -> int | None:
    amount = parse_yen(value)
    if amount is None:
        _bad(reading, line, column, value, "not an amount in yen", "金額として読めません")
    return amount


def _line(
    preset: Preset, number: int, cell: Callable[[str], str], reading: Reading
) -> StatementLine | None:
    if preset is MONEYFORWARD:
        when = _when(reading, number, "日付", cell("日付"))
        amount = _yen(reading, number, "金額(円)", cell("金額(円)"))
        if when is None or amount is None:
            return None
        text = normalize(cell("内容"))
        transfer = normalize(cell("振替")) in {"1", "振替"}
        return StatementLine(
            line=number,
            month=when[0],
            day=when[1],
            payee=text,
            item=text,
            yen=-amount,  # expenses are negative in the export; a refund is positive
            source_id=normalize(cell("ID")),
            skip="transfer" if transfer else "",
        )
    if preset is ZAIM:
        when = _when(reading, number, "日付", cell("日付"))
        spent = _yen(reading, number, "支出", cell("支出") or "0")
        earned = _yen(reading, number, "収入", cell("収入") or "0")
        if when is None or spent is None or earned is None:
            return None
        method = normalize(cell("方法")).lower()
        shop, what = normalize(cell("お店")), normalize(cell("品目"))
        return StatementLine(
            line=number,
            month=when[0],
            day=when[1],
            payee=shop or what or normalize(cell("カテゴリの内訳")),
            item=what or shop,
            yen=spent - earned,
            skip="transfer" if method in {"transfer", "振替"} else "",
        )
    when = _when(reading, number, "month", cell("month"))
    amount = _yen(reading, number, "yen", cell("yen"))

    def written(name: str) -> str:  # as written before the export neutralised formulas
        return normalize(formula_text(cell(name)))

    party = written("party")
    if not party:
        reading.add(Problem(number, "party", "no party given", "請求元がありません"))
    site = written("site") if preset is SHEET else ""
    if preset is SHEET and not site:
        reading.add(Problem(number, "site", "no site given", "拠点がありません"))
    if when is None or amount is None or not party or (preset is SHEET and not site):
        return None
    item = written("item")
    return StatementLine(
        line=number,
        month=when[0],
        payee=party,
        item=item,
        yen=amount,
        party=party,
        site=site,
        contract=written("contract"),
        service=written("service").lower(),
    )


# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
# (`=cmd|' /C calc'!A0`, `@SUM(…)`, `+1+1`); tab and CR start one after a field separator.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with an apostrophe
    (OWASP's CSV injection advice) so it is shown as text; numbers stay numbers (a negative
    amount is not a formula). `formula_text` undoes it when the file is read back."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def formula_text(text: str) -> str:
    """The text `spreadsheet_safe` wrote, without its apostrophe."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def write_own_csv(rows: Iterable[tuple[str, str, str, int, str, str]]) -> Iterator[str]:
    """Madoguchi's own bill CSV (UTF-8), row by row: party, month, item, yen, contract,
    service (what `read_statement` reads back). Text that a spreadsheet would run as a
    formula is neutralised (`spreadsheet_safe`)."""

    class _Line:
        value = ""

        def write(self, text: str) -> None:
            self.value = text

    out = _Line()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(OWN_COLUMNS)
    yield out.value
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        yield out.value
