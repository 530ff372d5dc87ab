"""Money summaries as tasks: a write's refresh of its site runs on the worker, after the
write committed, not in the web request; the nightly recomputation too."""

from __future__ import annotations

import datetime as dt

from django.db import DatabaseError
from django.tasks import task

from madoguchi.money.services import recompute_all, refresh_site_money
from madoguchi.server.queue import again_later


@task
def refresh_site(site_id: int, since: str, attempt: int = 1) -> None:
    """Refresh one site's summary (`since`: when the write happened, ISO 8601)."""
    try:
        refresh_site_money(site_id, since=dt.datetime.fromisoformat(since))
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
