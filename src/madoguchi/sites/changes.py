"""The one place a write says "this site's contracts, events, bills or columns changed".

Pages that list many sites by what their assessment finds (the money ranking) cannot assess
every site when they load: they read a summary stored per site. Every write that can change
what a site's checks find calls `site_changed` (sites.integrity.keeping_site_valid covers the
row forms, the API and the site-file import; bills and cases call it for their writes), and
the receivers of SITE_CHANGED (madoguchi.money) refresh their summaries.

This app sits below the assessment (madoguchi.sitefiles), so it cannot refresh a summary
itself: a signal lets the higher app listen without the lower one importing it."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

log = logging.getLogger(__name__)

# Sent after the commit of a write to a site: site_id, and `since` (when the write happened)
# so that a receiver can skip a site it already refreshed after it.
SITE_CHANGED = Signal()


def site_changed(site_id: int) -> None:
    """Say, once the current transaction commits, that the site's rows changed.

    After the commit, so a rolled-back write refreshes nothing and the receiver reads what was
    written; robust, so a receiver's failure never undoes or fails the write (the summary
    stays as it was, and `madoguchi manage recompute_money` repairs it)."""
    since = timezone.now()
    transaction.on_commit(lambda: _send(site_id, since))


def _send(site_id: int, since: dt.datetime) -> None:
    for receiver, answer in SITE_CHANGED.send_robust(sender=None, site_id=site_id, since=since):
        if isinstance(answer, Exception):
            log.error("%s failed for site %s", receiver, site_id, exc_info=answer)
