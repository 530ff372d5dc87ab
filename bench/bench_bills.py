"""The bill importer on a large statement: time and peak memory, SQLite.

    .venv/bin/python bench/bench_bills.py --lines 200000
    .venv/bin/python bench/bench_bills.py --lines 100000

(A statement has at most 200,000 lines since bills.parsing.MAX_LINES: 10⁶ is refused at
its 200,002nd line.)

Writes a マネーフォワード ME export (CP932, quoted cells, thousands separators, a transfer
every 50th line, a telecom charge every 250th: 4,000 NTT / ドコモ光 / So-net lines at 10⁶,
under a site's 5,000 bill lines), migrates a fresh SQLite database in a temporary data dir,
and imports the file into one site through `bills.services.import_bills` (the path the CLI,
the page and the API take), then imports it again (everything already there). Peak memory is
the process's maximum resident set (ru_maxrss), printed before and after, so that what the
import adds shows apart from Django's own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

HEADER = "計算対象,日付,内容,金額（円）,保有金融機関,大項目,中項目,メモ,振替,ID"
SHOPS = ["イオン 海浜幕張", "セブン-イレブン", "東京電力", "スターバックス", "ＪＲ東日本", "ﾛｰｿﾝ"]
TELECOM = ["NTTファイナンス", "ドコモ光 ご利用料金", "ｿﾈｯﾄ 月額"]


def write_statement(path: Path, lines: int) -> None:
    start = dt.date(2000, 1, 1)
    with path.open("w", encoding="cp932", newline="") as out:
        out.write(HEADER + "\r\n")
        for n in range(lines):
            day = start + dt.timedelta(days=n * 9000 // lines)
            if n % 250 == 0:
                text, yen, transfer = TELECOM[(n // 250) % 3], -(1000 + n % 5000), 0
            else:
                text, yen, transfer = SHOPS[n % len(SHOPS)], -(n % 30000), int(n % 50 == 1)
            out.write(
                f'"1","{day:%Y/%m/%d}","{text}","{yen:,}","楽天カード","食費","食料品","",'
                f'"{transfer}","id{n:08d}"\r\n'
            )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="madoguchi-bench-bills-"))
    os.environ["MADOGUCHI_DATA_DIR"] = str(work)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from madoguchi.bills.services import answer_payee, import_bills
    from madoguchi.contracts.models import BillLine, Site
    from madoguchi.orgs.models import Organization

    call_command("migrate", verbosity=0)
    call_command("sync_catalog", verbosity=0)
    organization = Organization.objects.create(slug="bench", name="bench")
    site = Site.objects.create(organization=organization, name="佐藤家", prefecture="千葉県")
    answer_payee(organization=organization, name="NTTファイナンス", party="ntt-east")

    statement = work / "statement.csv"
    began = time.perf_counter()
    write_statement(statement, args.lines)
    size = statement.stat().st_size
    print(
        f"wrote {args.lines:,} lines ({size / 1e6:.1f} MB) in {time.perf_counter() - began:.1f} s"
    )
    print(f"peak memory before importing: {peak_mb():.0f} MB")
    for run in ("first import", "again (all already there)"):
        began = time.perf_counter()
        with statement.open("rb") as stream:
            outcome = import_bills(organization=organization, site=site, stream=stream)
        took = time.perf_counter() - began
        print(
            f"{run}: {took:.1f} s ({args.lines / took:,.0f} lines/s); added {outcome.added:,}, "
            f"already {outcome.already:,}, transfers {outcome.transfers:,}, "
            f"not telecom {outcome.not_telecom:,}; peak memory {peak_mb():.0f} MB"
        )
    print(f"bill lines stored: {BillLine.objects.filter(site=site).count():,}")


if __name__ == "__main__":
    main()
