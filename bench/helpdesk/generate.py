"""Generate django-helpdesk tickets comparable to Madoguchi's bench data (bench/generate.py),
in bulk, into a SQLite file in the data directory given.

    bench/helpdesk/.venv/bin/python bench/helpdesk/generate.py --data /tmp/hd-helpdesk \
        --tickets 100000

Madoguchi's organizations become queues, each with one staff user `bench-N` who holds the
permission for that queue alone (bench.py logs in as `bench-0`). As in bench/generate.py the
first queue has a tenth of all tickets and the rest are spread over `--queues` queues; every
ticket is assigned to its queue's user; a fifth are open (half of them on hold, Madoguchi's
"waiting"), the rest closed or resolved; each has 3 follow-ups (Madoguchi's 3 timeline
entries: who was called, what they said, their reference number) and a due date (Madoguchi's
promise). Titles are generate.py's (`不通 {n} 受付 {4 digits}`), the descriptions name the
site (`拠点 …`), so the same common and rare words find tickets. Ends with ANALYZE, as
Madoguchi's generator ends with `optimize_db`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import hdbench

PARTIES = ["docomo-hikari", "softbank-hikari", "so-net", "ntt-east", "ntt-west", "biglobe", "ocn"]
STATUSES = ["closed"] * 7 + ["resolved"] + ["open", "waiting"]  # as bench/generate.py
CASES_PER_SITE = 10
BATCH = 5000


@contextlib.contextmanager
def own_timestamps(model: type) -> Iterator[None]:
    """Let bulk_create keep the `created` and `modified` given (auto_now would overwrite)."""
    fields = [model._meta.get_field("created"), model._meta.get_field("modified")]
    saved = [(field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, (now, now_add) in zip(fields, saved, strict=True):
            field.auto_now, field.auto_now_add = now, now_add


def generate(total: int, queues: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission
    from django.db import transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    status_of = {
        "closed": Ticket.CLOSED_STATUS,
        "resolved": Ticket.RESOLVED_STATUS,
        "open": Ticket.OPEN_STATUS,
        "waiting": Ticket.OPEN_STATUS,
    }
    rng = random.Random(seed)
    now = timezone.now()
    user_model = get_user_model()
    shares = [total // 10] + [max(1, (total - total // 10) // max(queues - 1, 1))] * (queues - 1)
    started = time.perf_counter()
    made = 0

    def children(tickets: list, user: object) -> int:
        followups = []
        for ticket in tickets:
            closing = ticket.status in (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS)
            party = PARTIES[ticket.pk % len(PARTIES)]
            for step in range(3):
                followups.append(
                    FollowUp(
                        ticket=ticket,
                        date=ticket.created + dt.timedelta(hours=step),
                        title="発信",
                        comment=f"{party} 担当: 調査します（受付番号 R{ticket.pk}-{step}）",
                        public=False,
                        user=user,
                        new_status=ticket.status if closing and step == 2 else None,
                    )
                )
        FollowUp.objects.bulk_create(followups, batch_size=BATCH)
        return len(tickets)

    with own_timestamps(Ticket):
        for index, share in enumerate(shares):
            with transaction.atomic():
                queue = Queue(
                    title=f"Bench {index}",
                    slug=f"bench-{index}",
                    allow_public_submission=False,
                    allow_email_submission=False,
                )
                queue.save()  # also makes the queue's permission
                user = user_model.objects.create_user(
                    f"bench-{index}", password="bench-password", is_staff=True
                )
                codename = queue.permission_name.split(".", 1)[1]
                user.user_permissions.add(Permission.objects.get(codename=codename))
                sites = max(1, share // CASES_PER_SITE)
                tickets = []
                for n in range(share):
                    opened = now - dt.timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
                    status = rng.choice(STATUSES)
                    active = status in ("open", "waiting")
                    ended = None if active else opened + dt.timedelta(hours=rng.randint(1, 96))
                    due = (
                        now + dt.timedelta(hours=rng.randint(-48, 48))
                        if active
                        else opened + dt.timedelta(hours=rng.randint(1, 72))
                    )
                    tickets.append(
                        Ticket(
                            queue=queue,
                            title=f"不通 {n} 受付 {rng.randint(1000, 9999)}",
                            created=opened,
                            modified=ended or opened + dt.timedelta(hours=2),
                            status=status_of[status],
                            on_hold=status == "waiting",
                            assigned_to=user,
                            submitter_email=f"site-{index}-{n % sites}@example.jp",
                            description=(
                                f"拠点 {index}-{n % sites}（東京都）: インターネットも"
                                "ひかり電話もつながらない。ONU の PON は点灯、LOS が点滅。"
                            ),
                            priority=3,
                            due_date=due,
                        )
                    )
                    if len(tickets) >= BATCH:
                        made += children(Ticket.objects.bulk_create(tickets), user)
                        tickets = []
                if tickets:
                    made += children(Ticket.objects.bulk_create(tickets), user)
            elapsed = time.perf_counter() - started
            print(f"queue {index}: {share} tickets ({made} so far, {elapsed:.0f} s)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="directory for helpdesk.sqlite3")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--queues", type=int, default=10)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    hdbench.setup(args.data)

    from django.core.management import call_command
    from django.db import connection
    from helpdesk.models import Queue

    call_command("migrate", verbosity=0)
    if Queue.objects.filter(slug="bench-0").exists():
        sys.exit("bench data already present: use a fresh --data directory")
    generate(args.tickets, args.queues, args.seed)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


if __name__ == "__main__":
    main()
