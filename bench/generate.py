"""Generate a desk's worth of data: organizations, sites, contracts, cases, timeline entries
and promises, in bulk.

    MADOGUCHI_DATA_DIR=bench/data .venv/bin/python bench/generate.py --cases 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/madoguchi_bench \
        .venv/bin/python bench/generate.py --cases 100000

The first organization is a big installer with a tenth of all cases (its user `bench-0`
is the one the benchmark logs in as); the rest are spread over `--orgs` organizations.
Each case has 3 timeline entries and 1 promise; about a fifth of the cases are still open,
and some of their promises are overdue. Like a real case, each keeps the assessment of its
opening moment (the seed-000 site's, a few kilobytes of JSON), its symptoms and ONU lamps, so
pages pay for those columns as they would in use. At the end each site's record is kept as
the worker's sweep keeps it on a running server (cases.stored_records; about 2 ms a site),
unless `--no-kept-records`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.server.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from madoguchi.cases.models import Case, Promise, TimelineEntry  # noqa: E402
from madoguchi.cases.stored_records import refresh_records  # noqa: E402
from madoguchi.contracts.models import Contract, Site  # noqa: E402
from madoguchi.engine.kinds import Lamp, Symptom  # noqa: E402
from madoguchi.orgs.models import Membership, Organization, Role  # noqa: E402

PARTIES = ["docomo-hikari", "softbank-hikari", "so-net", "ntt-east", "ntt-west", "biglobe", "ocn"]
STATUSES = ["closed"] * 7 + ["resolved"] + ["open", "waiting"]
CASES_PER_SITE = 10
BATCH = 5000
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def flush(model: type, rows: list) -> list:
    created = model.objects.bulk_create(rows, batch_size=BATCH)
    rows.clear()
    return created


def opening_snapshot() -> dict:
    """The assessment a case keeps from its opening, taken from a demo site file."""
    from madoguchi.engine.assess import assess
    from madoguchi.engine.catalog import load_catalog
    from madoguchi.engine.sitefile import parse_site

    text = (EXAMPLES / "seed000-office-unknown-collabo.yaml").read_text(encoding="utf-8")
    return assess(parse_site(text, load_catalog()).site).to_dict()


def generate(total: int, orgs: int, seed: int) -> None:
    rng = random.Random(seed)
    snapshot = opening_snapshot()
    now = timezone.now()
    user_model = get_user_model()
    shares = [total // 10] + [max(1, (total - total // 10) // max(orgs - 1, 1))] * (orgs - 1)
    started = time.perf_counter()
    made = 0
    for index, share in enumerate(shares):
        with transaction.atomic():
            org = Organization.objects.create(name=f"Bench {index}", slug=f"bench-{index}")
            user = user_model.objects.create_user(f"bench-{index}", password="bench-password")
            Membership.objects.create(organization=org, user=user, role=Role.OWNER)
            sites = flush(
                Site,
                [
                    Site(organization=org, name=f"拠点 {index}-{n}", prefecture="東京都")
                    for n in range(max(1, share // CASES_PER_SITE))
                ],
            )
            contracts, cases = [], []
            for site in sites:
                party = rng.choice(PARTIES)
                contracts.append(
                    Contract(
                        organization=org,
                        site=site,
                        ref="line",
                        service="access",
                        party=party,
                        includes_isp=True,
                    )
                )
            flush(Contract, contracts)
            for n in range(share):
                site = sites[n % len(sites)]
                opened = now - dt.timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
                status = rng.choice(STATUSES)
                ended = (
                    opened + dt.timedelta(hours=rng.randint(1, 96))
                    if status in ("closed", "resolved")
                    else None
                )
                cases.append(
                    Case(
                        organization=org,
                        site=site,
                        ref=f"case-{n}",
                        title=f"不通 {n} 受付 {rng.randint(1000, 9999)}",
                        status=status,
                        first_party=rng.choice(PARTIES),
                        outage_started=opened,
                        outage_ended=ended,
                        created=opened,
                        assignee=user,
                        symptoms=[Symptom.INTERNET_DOWN, Symptom.PHONE_DOWN],
                        observations={
                            "onu": {"power": Lamp.ON, "optical": Lamp.RED},
                            "said_no_contract": [],
                        },
                        assessment=snapshot,
                    )
                )
                if len(cases) >= BATCH:
                    made += _children(org, flush(Case, cases), rng, now)
            if cases:
                made += _children(org, flush(Case, cases), rng, now)
        elapsed = time.perf_counter() - started
        print(f"org {index}: {share} cases ({made} so far, {elapsed:.0f} s)", flush=True)


def _children(org: Organization, cases: list[Case], rng: random.Random, now: dt.datetime) -> int:
    entries, promises = [], []
    for case in cases:
        for step in range(3):
            entries.append(
                TimelineEntry(
                    organization=org,
                    case=case,
                    kind="call-out",
                    at=case.created + dt.timedelta(hours=step),
                    recorded=case.created,
                    party=case.first_party,
                    person="担当",
                    reference=f"R{case.pk}-{step}",
                    said="調査します",
                )
            )
        due = case.created + dt.timedelta(hours=rng.randint(1, 72))
        active = case.status in ("open", "waiting")
        kept = None if active or rng.random() < 0.2 else due - dt.timedelta(minutes=5)
        promises.append(
            Promise(
                organization=org,
                case=case,
                case_active=active,
                by=case.first_party,
                what="callback",
                due=due if not active else now + dt.timedelta(hours=rng.randint(-48, 48)),
                kept=kept,
            )
        )
    TimelineEntry.objects.bulk_create(entries, batch_size=BATCH)
    Promise.objects.bulk_create(promises, batch_size=BATCH)
    return len(cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--no-kept-records",
        dest="keep_records",
        action="store_false",
        help="leave the sites' records to be made by the pages (as before the worker's sweep)",
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("sync_catalog", verbosity=0)
    if Organization.objects.filter(slug="bench-0").exists():
        sys.exit("bench data already present: use a fresh MADOGUCHI_DATA_DIR or database")
    generate(args.cases, args.orgs, args.seed)
    if args.keep_records:
        # What the worker's sweep does within minutes of the data's arrival
        # (cases.stored_records): the desk is measured as a running server has it.
        start = time.perf_counter()
        sweep = refresh_records()
        print(f"kept records: {sweep.made} sites ({time.perf_counter() - start:.0f} s)")
    call_command("optimize_db")


if __name__ == "__main__":
    main()
