"""Money summaries as tasks: the refresh of a site a write changed runs on the worker, not
in the web request that wrote; the nightly recomputation too.

A write stamps its site (contracts.changes); `enqueue_changed` finds the sites whose summary is
older than their stamp and enqueues their refresh. The ranking calls it as it loads, and the
timer with `recompute_money --changed`, so nothing below this app has to know of it."""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError
from django.db.models import F, Q, QuerySet
from django.tasks import task

from madoguchi.contracts.models import Site
from madoguchi.money.services import recompute_all, refresh_site_money
from madoguchi.server.queue import again_later


@task
def refresh_site(site_id: int, since: str, attempt: int = 1) -> None:
    """Refresh one site's summary (`since`: when the write happened, ISO 8601)."""
    try:
        refresh_site_money(site_id, since=dt.datetime.fromisoformat(since) if since else None)
    except DatabaseError as exc:
        again_later(refresh_site, site_id, since, attempt=attempt, error=exc)


@task
def recompute(organization_id: int | None = None, attempt: int = 1) -> list[int]:
    """Every site's summary (or one organization's): [summarized, skipped]."""
    try:
        done, skipped = recompute_all(organization_id=organization_id)
    except DatabaseError as exc:
        again_later(recompute, organization_id, attempt=attempt, error=exc)
        return [0, 0]
    return [done, skipped]


def enqueue_changed(sites: QuerySet[Site]) -> int:
    """Enqueue the refresh of each of `sites` changed since its summary was computed (or
    changed and never summarized); how many. A refresh already done since skips at once."""
    stale = list(
        sites.filter(changed__isnull=False)
        .filter(Q(money__isnull=True) | Q(money__computed__lt=F("changed")))
        .values_list("pk", "changed")
    )
    for site_id, changed in stale:
        refresh_site.enqueue(site_id, changed.isoformat() if changed else "")
    return len(stale)
