"""Benchmark: assessments per second, and the time of one `madoguchi assess` run.

    .venv/bin/python bench/bench_assess.py [--seconds 5] [--examples DIR]

The site has 10 contracts, 20 events and 50 bill lines (issue 2's yardstick). Goals
(issue 26): ≥ 1,500 assessments/s on one core, and ≤ 150 ms for one CLI run of each public
example (`DIR`, by default ../shared/spec/examples beside this checkout, and this repository's
examples/seed000…). Rates are per second of CPU time; a CLI run is given as wall time and as
the CPU of the process.

A CLI run is timed as a person's installed copy runs it: with Python's bytecode cache.
`PYTHONDONTWRITEBYTECODE` (set on CI's machine) is left out of the command's environment, and
a first run per file writes the cache; without it every run compiled the engine's modules
again, 90 ms of 210 (cProfile: 32 `compile` calls).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from madoguchi.engine import assess, load_catalog, parse_site
from madoguchi.engine.catalog import load_light_catalog
from madoguchi.engine.sitefile import read_site_light
from reference import reference_loop  # bench/reference.py (this script's folder)

ROOT = Path(__file__).resolve().parent.parent

SERVICES = [
    "access",
    "isp",
    "phone",
    "tv",
    "mail",
    "option",
    "option",
    "equipment",
    "support",
    "isp",
]
PARTIES = ["docomo-hikari", "ntt-east", "so-net", "biglobe", "ntt-east"]


def benchmark_site() -> dict:
    contracts = []
    for i, service in enumerate(SERVICES):
        item = {
            "ref": f"c{i}",
            "service": service,
            "party": PARTIES[i % len(PARTIES)],
            "start": f"20{15 + i}-0{1 + i % 9}-01",
            "monthly_yen": 500 + 100 * i,
            "payment": "convenience-store" if i % 4 == 0 else "card",
            "ids": {"customer_id": f"CAF{i:07d}"},
        }
        if service == "access":
            item |= {
                "includes_isp": True,
                "course": "detached",
                "acquired": "tenyo",
                "document_received": "2026-03-01",
            }
        if service == "option":
            item |= {"option": "virus-clear" if i == 5 else "remote-support", "wanted": i != 6}
        contracts.append(item)
    kinds = [
        "application",
        "tenyo",
        "sales-call",
        "cancel-request",
        "consent-number-issued",
        "other",
    ]
    events = [
        {
            "date": (dt.date(2025, 1, 1) + dt.timedelta(days=18 * i)).isoformat(),
            "kind": kinds[i % len(kinds)],
            "contract": f"c{i % 10}",
        }
        for i in range(20)
    ]
    items = ["ドコモ光", "ひかり電話", "フレッツ・ウイルスクリア", "So-net", "光iフレーム"]
    bills = [
        {
            "party": PARTIES[i % len(PARTIES)],
            "month": f"2025-{1 + i % 12:02d}",
            "item": items[i % len(items)],
            "yen": 440 + i,
        }
        for i in range(50)
    ]
    return {
        "version": 1,
        "now": "2026-03-04T10:00:00+09:00",
        "site": {"name": "ベンチ邸", "prefecture": "東京都", "building": "detached"},
        "contracts": contracts,
        "events": events,
        "symptoms": ["internet-down", "phone-down"],
        "observations": {"onu": {"power": "on", "optical": "on", "auth": "off", "uni": "on"}},
        "bills": bills,
        "cases": [
            {
                "ref": "c",
                "promises": [
                    {"by": "so-net", "what": "callback", "due": "2026-03-04T09:00:00+09:00"}
                ],
            }
        ],
    }


def per_second(fn, seconds: float) -> float:  # type: ignore[no-untyped-def]
    """Calls per second of this process's CPU time: on a shared machine the time waited for
    a core is not the code's (wall-clock figures fell 3× at load 7)."""
    fn()  # warm caches (catalog, parsed hours)
    count, start = 0, time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        fn()
        count += 1
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--examples", type=Path, default=ROOT.parent / "shared/spec/examples")
    parser.add_argument("--runs", type=int, default=15, help="CLI runs per file")
    args = parser.parse_args()

    text = yaml.safe_dump(benchmark_site(), allow_unicode=True, sort_keys=False)
    catalog = load_catalog()
    site = parse_site(text, catalog).site
    result = assess(site, catalog=catalog)
    print(
        f"site: {len(site.contracts)} contracts, {len(site.events)} events,"
        f" {len(site.bills)} bills; {len(result.findings)} findings,"
        f" {len(result.hypotheses)} hypotheses"
    )

    light = load_light_catalog()
    assert light is not None

    def light_path() -> None:
        loaded = read_site_light(text, light)
        assert loaded is not None
        assess(loaded.site, catalog=light.catalog)

    loop = 1 / per_second(reference_loop, 1.0)
    engine = per_second(lambda: assess(site, catalog=catalog), args.seconds)
    full = per_second(lambda: assess(parse_site(text, catalog).site, catalog=catalog), args.seconds)
    quick = per_second(light_path, args.seconds)
    print(f"reference loop:                {loop * 1000:8.1f} ms of CPU")
    print(f"assess (engine only):          {engine:8.0f} /s of CPU")
    print(f"parse + validate + assess:     {full:8.0f} /s of CPU (pydantic)")
    print(f"the CLI's light path + assess: {quick:8.0f} /s of CPU")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "site.yaml"
        path.write_text(text, encoding="utf-8")
        files = [path, ROOT / "examples/seed000-office-unknown-collabo.yaml"]
        files += sorted(args.examples.glob("*.yaml")) if args.examples.is_dir() else []
        for file in files:
            walls, cpus = time_cli(file, args.runs)
            name = "this benchmark's site" if file == path else file.name
            print(
                f"CLI (assess --json) {name}: median {statistics.median(walls) * 1000:.0f} ms"
                f" wall (max {max(walls) * 1000:.0f}),"
                f" {statistics.median(cpus) * 1000:.0f} ms CPU over {len(walls)} runs"
            )


def time_cli(file: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system of the child) of `runs` runs after a first one that writes
    the bytecode cache."""
    cli = [str(Path(sys.executable).with_name("madoguchi")), "assess", str(file), "--json"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(cli, check=True, capture_output=True, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cli, check=True, capture_output=True, env=env)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return walls, cpus


if __name__ == "__main__":
    main()
