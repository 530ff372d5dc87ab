"""The one place a write says "this site's contracts, events, bills or columns changed".

Pages that list many sites by what their assessment finds (the money ranking) cannot assess
every site when they load: they read a summary stored per site. Every write that can change
what a site's checks find calls `site_changed` (sites.integrity.keeping_site_valid covers the
row forms, the API and the site-file import; bills and cases call it for their writes), which
stamps the site's `changed`. This app sits below what is derived from a site, so it tells
no one: the apps above read the stamp and refresh what is older than it (money.tasks)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from madoguchi.contracts.models import Site


def site_changed(site_id: int) -> None:
    """Stamp the site as changed now, once the current transaction commits.

    After the commit, so a rolled-back write stamps nothing and takes no lock on the site's
    row in the write's transaction; never backwards, so a write that commits after a later
    one keeps the later stamp."""
    since = timezone.now()
    transaction.on_commit(
        lambda: Site.objects.filter(
            Q(changed__isnull=True) | Q(changed__lt=since), pk=site_id
        ).update(changed=since)
    )
