"""Benchmark the desk pages on generated data (see generate.py): p50/p95 per page.

    MADOGUCHI_DATA_DIR=bench/data .venv/bin/python bench/bench_desk.py [--runs 100] [--only party]

Logs in as `bench-0` (the organization with a tenth of all cases) through Django's test
client, so the figures are server time without the network. Goal: p95 ≤ 50 ms at 10⁶ cases.

Pages are measured in turns (one request to each page, then again), so a slow spell of the
machine weighs on every page alike; a fixed pure-Python loop measured in the same turns shows
how much the machine itself varied while the pages were measured.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")
os.environ.setdefault("MADOGUCHI_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from madoguchi.cases.models import Case  # noqa: E402
from madoguchi.contracts.models import Site  # noqa: E402
from reference import percentiles, reference_loop  # noqa: E402  (bench/, this script's folder)


def measure(client: Client, pages: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Milliseconds per request for each page, taken in turns."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    times["reference loop"] = []
    for turn in range(runs):
        for name, urls in pages.items():
            start = time.perf_counter()
            response = client.get(urls[turn])
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (urls[turn], response.status_code)
        start = time.perf_counter()
        reference_loop()
        times["reference loop"].append((time.perf_counter() - start) * 1000)
    return times


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--only", action="append", default=[], help="measure only pages whose name has this"
    )
    args = parser.parse_args()
    rng = random.Random(1)
    user = get_user_model().objects.get(username="bench-0")
    client = Client()
    client.force_login(user)
    total = Case.objects.count()
    mine = list(
        Case.objects.filter(organization__slug="bench-0").values_list("pk", flat=True)[:5000]
    )
    sites = list(
        Site.objects.filter(organization__slug="bench-0").values_list("pk", flat=True)[:5000]
    )
    pages = {
        "dashboard": ["/cases/"] * args.runs,
        "case list": [f"/cases/all/?page={rng.randint(1, 50)}" for _ in range(args.runs)],
        "case page": [f"/cases/{rng.choice(mine)}/" for _ in range(args.runs)],
        "site page": [f"/sites/{rng.choice(sites)}/" for _ in range(args.runs)],
        "search (reference no.)": [
            f"/cases/all/?q=R{rng.choice(mine)}-1" for _ in range(args.runs)
        ],
        "search (common word)": [
            f"/cases/all/?q={rng.choice(['不通', '拠点', '受付'])}" for _ in range(args.runs)
        ],
        "search (rare word)": [
            f"/cases/all/?q=受付 {rng.randint(1000, 9999)}" for _ in range(args.runs)
        ],
        # A party by the name people use: resolved to slugs, then the indexed party columns.
        "search (party name)": [
            f"/cases/all/?q={rng.choice(['ドコモ', 'ソネット', 'NTT'])}" for _ in range(args.runs)
        ],
        "desk by party name": [
            f"/cases/?party={rng.choice(['ドコモ光', 'So-net', 'ぷらら'])}"
            for _ in range(args.runs)
        ],
        "all cases by party": [
            f"/cases/all/?party={rng.choice(['ドコモ光', 'So-net', 'ぷらら'])}"
            for _ in range(args.runs)
        ],
        "all cases, status": [
            f"/cases/all/?status={rng.choice(['open', 'waiting', 'closed'])}"
            for _ in range(args.runs)
        ],
        "sites by party name": [
            f"/sites/?q={rng.choice(['ドコモ', 'ソネット', 'NTT東日本'])}" for _ in range(args.runs)
        ],
    }
    if args.only:
        pages = {name: urls for name, urls in pages.items() if any(w in name for w in args.only)}
    client.get("/cases/")  # warm up
    print(f"{total} cases in all; {len(mine)}+ for bench-0; {args.runs} requests each")
    times = measure(client, pages, args.runs)
    for name, values in times.items():
        p50, p95 = percentiles(values)
        queries = f"{queries_of(client, pages[name][-1]):2} queries" if name in pages else ""
        print(f"{name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {queries}")


if __name__ == "__main__":
    main()
