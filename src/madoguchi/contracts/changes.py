"""The one place a write says "this site's contracts, events, bills or columns changed".

Pages that list many sites by what their assessment finds (the money ranking) cannot assess
every site when they load: they read a summary stored per site. Every write that can change
what a site's checks find calls `site_changed` (contracts.integrity.keeping_site_valid covers the
row forms, the API and the site-file import; bills and cases call it for their writes), which
stamps the site's `changed`. This app sits below what is derived from a site, so it tells
no one: the apps above read the stamp and refresh what is older than it (money.tasks)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from madoguchi.contracts.models import Site


def bump_version(site_id: int) -> None:
    """Raise the site's `version` in the current transaction (a row lock until it ends).

    In the write's own transaction, so the new version is seen exactly when the write is: a
    reader that finds the old version may cache a document read before the write (or just
    after it), never one read before a version it has not seen. Every writer calls this
    (through `site_changed` or `contracts.services.lock_site`), so a document cached under a
    version is never older than that version's rows."""
    Site.objects.filter(pk=site_id).update(version=F("version") + 1)


def site_changed(site_id: int) -> None:
    """Raise the site's version now (`bump_version`) and stamp it as changed once the current
    transaction commits.

    The stamp after the commit, so a rolled-back write stamps nothing; never backwards, so a
    write that commits after a later one keeps the later stamp."""
    bump_version(site_id)
    since = timezone.now()
    transaction.on_commit(
        lambda: Site.objects.filter(
            Q(changed__isnull=True) | Q(changed__lt=since), pk=site_id
        ).update(changed=since)
    )
