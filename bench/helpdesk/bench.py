"""Benchmark django-helpdesk 2.6.1's staff pages on generated data (generate.py): p50/p95 per
page, in the same table as bench/bench_desk.py, to put the two side by side.

    bench/helpdesk/.venv/bin/python bench/helpdesk/bench.py --data /tmp/hd-helpdesk [--runs 100]

Logs in as `bench-0` (the staff user of the queue with a tenth of all tickets) through
Django's test client, so the figures are server time without the network, and measures in
turns (one request to each page, then again) with the same fixed pure-Python loop as
bench_desk.py, which shows how much the machine itself varied meanwhile.

The ticket list and the searches are what a browser asks for to show rows: django-helpdesk's
list page is a shell whose rows come from a second request (`datatables_ticket_list/<query>`,
JSON); each turn times both, one after the other, as one figure. Every response is checked
after its timing: 200, and real data (the dashboard lists the user's newest open ticket, the
ticket page its title and follow-ups, each list and search at least one row).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # bench/reference.py

import hdbench

from reference import percentiles, reference_loop

PER_PAGE = 25  # django-helpdesk's default tickets_per_page, which the list's JS asks for
COMMON_WORDS = ["不通", "拠点", "受付"]  # as bench_desk.py


# A page view is a list of URLs fetched one after the other; its check is run on the last
# response, outside the timing.
Check = Callable[..., None]


def rows_of(response) -> list:
    data = json.loads(response.content)
    assert data["data"], ("no rows", data.get("recordsFiltered"))
    return data["data"]


def measure(client, pages: dict[str, list[list[str]]], checks: dict[str, Check], runs: int):
    """Milliseconds per page view for each page, taken in turns."""
    times: dict[str, list[float]] = {name: [] for name in pages}
    times["reference loop"] = []
    for turn in range(runs):
        for name, steps in pages.items():
            responses = []
            start = time.perf_counter()
            for url in steps[turn]:
                responses.append(client.get(url))
            times[name].append((time.perf_counter() - start) * 1000)
            for url, response in zip(steps[turn], responses, strict=True):
                assert response.status_code == 200, (url, response.status_code)
            checks[name](responses[-1])
        start = time.perf_counter()
        reference_loop()
        times["reference loop"].append((time.perf_counter() - start) * 1000)
    return times


def queries_of(client, urls: list[str]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for url in urls:
            client.get(url)
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="the directory generate.py filled")
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument(
        "--scope",
        choices=["queue", "all"],
        default="queue",
        help="queue: bench-0 sees its own queue, a tenth of the tickets, as a Madoguchi user "
        "sees its organization's cases (default); all: every staff user sees every queue",
    )
    parser.add_argument(
        "--only", action="append", default=[], help="measure only pages whose name has this"
    )
    args = parser.parse_args()
    if not (Path(args.data) / "helpdesk.sqlite3").exists():
        sys.exit(f"no helpdesk.sqlite3 in {args.data}: run generate.py --data {args.data} first")
    hdbench.setup(args.data, scope=args.scope)
    # The dashboard's age buckets compare `created` with naive dates (views/staff.py): not ours.
    warnings.filterwarnings("ignore", r".*received a naive datetime", RuntimeWarning)

    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse
    from helpdesk.models import Ticket
    from helpdesk.query import query_to_base64

    rng = random.Random(1)
    user = get_user_model().objects.get(username="bench-0")
    client = Client()
    client.force_login(user)
    total = Ticket.objects.count()
    own = Ticket.objects.filter(queue__slug="bench-0")
    mine = list(own.values_list("pk", "title")[:5000])
    open_statuses = [Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS]
    listed = (
        (own if args.scope == "queue" else Ticket.objects).filter(status__in=open_statuses).count()
    )
    newest_open = (
        Ticket.objects.filter(assigned_to=user)
        .exclude(status__in=[Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS])
        .order_by("-created")
        .values_list("title", flat=True)
        .first()
    )

    list_url = reverse("helpdesk:list")

    def rows_url(params: dict, page: int) -> str:
        query = reverse("helpdesk:datatables_ticket_list", args=[query_to_base64(params)])
        return f"{query}?draw=1&start={(page - 1) * PER_PAGE}&length={PER_PAGE}"

    # The query the list page hands to its rows request (views/staff.py, ticket_list): the
    # default one without filters, the keyword one with ?q=. Checked against the page below.
    default_query = {
        "filtering": {"status__in": open_statuses},
        "sorting": "created",
        "search_string": "",
        "sortreverse": False,
    }

    def keyword_query(word: str) -> dict:
        return {
            "filtering": {},
            "filtering_null": {},
            "sorting": "created",
            "sortreverse": None,
            "search_string": word,
        }

    def search(word: str) -> list[str]:
        return [f"{list_url}?q={word}", rows_url(keyword_query(word), 1)]

    pages_listed = max(1, min(50, listed // PER_PAGE))
    pages: dict[str, list[list[str]]] = {
        "dashboard": [[reverse("helpdesk:dashboard")]] * args.runs,
        "ticket list": [
            [list_url, rows_url(default_query, rng.randint(1, pages_listed))]
            for _ in range(args.runs)
        ],
        "ticket page": [
            [reverse("helpdesk:view", args=[rng.choice(mine)[0]])] for _ in range(args.runs)
        ],
        "search (common word)": [search(rng.choice(COMMON_WORDS)) for _ in range(args.runs)],
        # bench_desk.py draws `受付 NNNN` at random (at 10⁵ about one of bench-0's cases has
        # each number); here the number is taken from one of bench-0's titles, so every search
        # has a row to show.
        "search (rare word)": [
            search("受付 " + rng.choice(mine)[1].rsplit(" ", 1)[1]) for _ in range(args.runs)
        ],
    }

    def shows(text: str) -> Check:
        def check(response) -> None:
            assert text in response.content.decode(), (text, "not on the page")

        return check

    titles = dict(mine)

    def ticket_shown(response) -> None:
        body = response.content.decode()
        pk = int(response.request["PATH_INFO"].rstrip("/").rsplit("/", 1)[1])
        assert titles[pk] in body, (pk, "ticket page without its title")
        assert body.count("調査します") >= 3, (pk, "ticket page without its follow-ups")

    checks: dict[str, Check] = {
        "dashboard": shows(newest_open or "\0"),
        "ticket list": rows_of,
        "ticket page": ticket_shown,
        "search (common word)": rows_of,
        "search (rare word)": rows_of,
    }
    if args.only:
        pages = {name: urls for name, urls in pages.items() if any(w in name for w in args.only)}

    # The list page must hand its rows request the query computed above.
    for word in ["", "拠点"]:
        url = f"{list_url}?q={word}" if word else list_url
        expected = reverse(
            "helpdesk:datatables_ticket_list",
            args=[query_to_base64(keyword_query(word) if word else default_query)],
        )
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        assert expected in page.content.decode(), f"{url}: its rows request is not {expected}"

    client.get(reverse("helpdesk:dashboard"))  # warm up
    print(
        f"{total} tickets in all; {len(mine)}+ for bench-0 ({listed} open, scope {args.scope}); "
        f"{args.runs} requests each"
    )
    times = measure(client, pages, checks, args.runs)
    for name, values in times.items():
        p50, p95 = percentiles(values)
        queries = f"{queries_of(client, pages[name][-1]):2} queries" if name in pages else ""
        print(f"{name:24} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {queries}")


if __name__ == "__main__":
    main()
