"""Keep the money summaries fresh: sites.changes says a site changed (after the write
committed), this enqueues its refresh (money.tasks: the worker assesses the site, not the
web request that wrote)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from madoguchi.money.tasks import refresh_site
from madoguchi.sites.changes import SITE_CHANGED


@receiver(SITE_CHANGED, dispatch_uid="money-refresh")
def refresh_on_change(sender: Any, *, site_id: int, since: dt.datetime, **kwargs: Any) -> None:
    refresh_site.enqueue(site_id, since.isoformat())
