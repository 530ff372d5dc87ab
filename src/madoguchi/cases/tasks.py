"""Sites' records kept on the worker (cases.stored_records): `periodic_records` runs the
sweep every RECORDS_EVERY, kept on the queue by the worker (no cron), and at once again
while sites are left out of date, each run a batch so that other tasks take their turn."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import DatabaseError
from django.tasks import task
from django.utils import timezone

from madoguchi.cases.stored_records import refresh_records
from madoguchi.server.queue import keep_scheduled

log = logging.getLogger(__name__)

RECORDS_EVERY = dt.timedelta(minutes=1)
# Sites a run makes records for (~5 ms each): a run of about ten seconds at most.
RECORDS_PER_RUN = 2000


@task
def periodic_records() -> int:
    """One sweep of at most RECORDS_PER_RUN sites, then the next run queued: at once when
    sites were left, else after RECORDS_EVERY (even when this one failed: a database error
    is tried again then). How many records it made."""
    more = False
    try:
        sweep = refresh_records(limit=RECORDS_PER_RUN)
        more = sweep.left
        return sweep.made
    except DatabaseError as exc:  # a locked or dropped database: the next run tries again
        log.warning("the sites' records were not made: %s", exc)
        return 0
    finally:
        keep_scheduled(
            periodic_records, timezone.now() + (dt.timedelta(0) if more else RECORDS_EVERY)
        )
