"""Keep the money summaries fresh: sites.changes says a site changed, this refreshes it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from madoguchi.money.services import refresh_site_money
from madoguchi.sites.changes import SITE_CHANGED


@receiver(SITE_CHANGED, dispatch_uid="money-refresh")
def refresh_on_change(sender: Any, *, site_id: int, since: dt.datetime, **kwargs: Any) -> None:
    refresh_site_money(site_id, since=since)
