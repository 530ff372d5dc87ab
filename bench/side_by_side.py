"""Madoguchi and django-helpdesk 2.6.1 side by side: bench_desk.py on a Madoguchi database and
bench/helpdesk/bench.py on a helpdesk database, in turns, then helpdesk / Madoguchi per page.

    .venv/bin/python bench/side_by_side.py --madoguchi-data /tmp/hd-mado \
        --helpdesk-data /tmp/hd-helpdesk [--runs 100] [--rounds 2] [--helpdesk-scope queue]

The data comes from `bench/generate.py --cases N` and `bench/helpdesk/generate.py --tickets N`
(the same N), django-helpdesk from `bench/helpdesk/setup.sh`; bench/README.md has the whole
recipe. Each round runs both benchmarks once, one after the other (the order alternates from
round to round), each with its own reference loop, so a slow spell of the machine shows. The
pairs compared: dashboard ↔ dashboard, case list ↔ ticket list, case page ↔ ticket page, and
the common-word and rare-word searches ↔ the same searches. A ratio of 150 means
django-helpdesk took 150 times as long.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [  # (label, Madoguchi's page in bench_desk.py, django-helpdesk's in bench/helpdesk)
    ("dashboard", "dashboard", "dashboard"),
    ("case page ↔ ticket page", "case page", "ticket page"),
    ("case list ↔ ticket list", "case list", "ticket list"),
    ("search (common word)", "search (common word)", "search (common word)"),
    ("search (rare word)", "search (rare word)", "search (rare word)"),
]
LINE = re.compile(r"^(?P<name>.+?)\s+p50\s+(?P<p50>[\d.]+) ms\s+p95\s+(?P<p95>[\d.]+) ms")

Table = dict[str, tuple[float, float]]


def run(label: str, command: list[str], env: dict[str, str]) -> Table:
    """Run one benchmark, echo its output, and read its table."""
    print(f"\n$ {shlex.join(command)}   ({label}, load {os.getloadavg()[0]:.1f})", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    print(done.stdout, end="")
    if done.returncode:
        print(done.stderr, end="", file=sys.stderr)
        sys.exit(f"{label} benchmark failed (exit {done.returncode})")
    print(f"({time.perf_counter() - started:.0f} s)")
    table = {}
    for line in done.stdout.splitlines():
        if match := LINE.match(line):
            table[match["name"]] = (float(match["p50"]), float(match["p95"]))
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--madoguchi-data", required=True, help="MADOGUCHI_DATA_DIR to measure")
    parser.add_argument("--helpdesk-data", required=True, help="bench/helpdesk --data to measure")
    parser.add_argument("--runs", type=int, default=100, help="requests per page and run")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each benchmark")
    parser.add_argument(
        "--helpdesk-scope",
        choices=["queue", "all"],
        default="queue",
        help="what bench-0 sees in django-helpdesk: its own queue, a tenth of the tickets as "
        "Madoguchi's bench-0 sees a tenth of the cases (default), or every queue",
    )
    args = parser.parse_args()
    madoguchi_python = ROOT / ".venv" / "bin" / "python"
    helpdesk_python = ROOT / "bench" / "helpdesk" / ".venv" / "bin" / "python"
    if not madoguchi_python.exists():
        sys.exit("no .venv: run ./test.sh or scripts/python.sh's ensure_venv first")
    if not helpdesk_python.exists():
        sys.exit("no bench/helpdesk/.venv: run bench/helpdesk/setup.sh first")
    only = [arg for _, page, _ in PAIRS for arg in ("--only", page)]
    madoguchi = [str(madoguchi_python), "bench/bench_desk.py", "--runs", str(args.runs), *only]
    helpdesk = [
        str(helpdesk_python),
        "bench/helpdesk/bench.py",
        "--data",
        args.helpdesk_data,
        "--runs",
        str(args.runs),
        "--scope",
        args.helpdesk_scope,
    ]
    madoguchi_env = {**os.environ, "MADOGUCHI_DATA_DIR": args.madoguchi_data}
    load_before = os.getloadavg()
    rounds: list[tuple[Table, Table]] = []
    for number in range(args.rounds):
        order = ["madoguchi", "helpdesk"] if number % 2 == 0 else ["helpdesk", "madoguchi"]
        tables: dict[str, Table] = {}
        for which in order:
            if which == "madoguchi":
                tables[which] = run("Madoguchi", madoguchi, madoguchi_env)
            else:
                tables[which] = run("django-helpdesk", helpdesk, dict(os.environ))
        rounds.append((tables["madoguchi"], tables["helpdesk"]))

    load_after = os.getloadavg()
    print(
        f"\ndjango-helpdesk / Madoguchi, {args.runs} requests a page and run, "
        f"helpdesk scope {args.helpdesk_scope}; load (1, 5, 15 min) "
        f"{' '.join(f'{x:.1f}' for x in load_before)} before, "
        f"{' '.join(f'{x:.1f}' for x in load_after)} after"
    )
    header = f"{'page':26} {'Madoguchi p50 / p95':>21} {'helpdesk p50 / p95':>21}"
    print(f"{header} {'× p50':>7} {'× p95':>7}")
    for number, (mado, hd) in enumerate(rounds, 1):
        if args.rounds > 1:
            print(f"round {number}")
        for label, mado_page, hd_page in PAIRS:
            (m50, m95), (h50, h95) = mado[mado_page], hd[hd_page]
            print(
                f"{label:26} {m50:10.1f} / {m95:7.1f} ms {h50:8.1f} / {h95:7.1f} ms "
                f"{h50 / m50:7.1f} {h95 / m95:7.1f}"
            )
        (m50, m95), (h50, h95) = mado["reference loop"], hd["reference loop"]
        print(f"{'reference loop':26} {m50:10.1f} / {m95:7.1f} ms {h50:8.1f} / {h95:7.1f} ms")
    if args.rounds > 1:
        print(f"ratios over {args.rounds} rounds (lowest–highest)")
        for label, mado_page, hd_page in PAIRS:
            spans = []
            for column in (0, 1):
                ratios = [hd[hd_page][column] / mado[mado_page][column] for mado, hd in rounds]
                spans.append(f"{min(ratios):.1f}–{max(ratios):.1f}")
            print(f"{label:26} {'':45} p50 {spans[0]}, p95 {spans[1]}")


if __name__ == "__main__":
    main()
