"""Benchmark the desk pages on generated data (see generate.py): p50/p95 per page.

    MADOGUCHI_DATA_DIR=bench/data .venv/bin/python bench/bench_desk.py [--runs 40]

Logs in as `bench-0` (the organization with a tenth of all cases) through Django's test
client, so the figures are server time without the network. Goal: p95 ≤ 50 ms at 10⁶ cases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
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


def measure(client: Client, urls: list[str]) -> tuple[float, float, int]:
    """p50 and p95 in ms, and the queries of the last request."""
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(urls[-1])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], len(captured)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    rng = random.Random(1)
    user = get_user_model().objects.get(username="bench-0")
    client = Client()
    client.force_login(user)
    total = Case.objects.count()
    mine = list(
        Case.objects.filter(organization__slug="bench-0").values_list("pk", flat=True)[:5000]
    )
    pages = {
        "dashboard": ["/cases/"] * args.runs,
        "case list": [f"/cases/all/?page={rng.randint(1, 50)}" for _ in range(args.runs)],
        "case page": [f"/cases/{rng.choice(mine)}/" for _ in range(args.runs)],
        "search (reference no.)": [
            f"/cases/all/?q=R{rng.choice(mine)}-1" for _ in range(args.runs)
        ],
        "search (common word)": [
            f"/cases/all/?q={rng.choice(['不通', '拠点', '受付'])}" for _ in range(args.runs)
        ],
        "search (rare word)": [
            f"/cases/all/?q=受付 {rng.randint(1000, 9999)}" for _ in range(args.runs)
        ],
    }
    client.get("/cases/")  # warm up
    print(f"{total} cases in all; {len(mine)}+ for bench-0; {args.runs} requests each")
    for name, urls in pages.items():
        p50, p95, queries = measure(client, urls)
        print(f"{name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {queries:2} queries")


if __name__ == "__main__":
    main()
