"""Every write to a site's rows (site, contracts, events, bill lines, the current trouble).

Views, the API and the site-file import call these; each runs in one transaction."""

from __future__ import annotations

from django.db import transaction

from madoguchi.sites.models import Site


@transaction.atomic
def save_trouble(site: Site, *, symptoms: list[str], lamps: dict[str, str]) -> Site:
    """Set the symptoms and the lamp readings in `lamps` ("" clears one); a lamp not named
    keeps its stored reading (e.g. an imported `ppp: red` the form did not change)."""
    onu = {**site.onu, **lamps}
    site.symptoms = list(symptoms)
    site.onu = {lamp: reading for lamp, reading in onu.items() if reading}
    site.save(update_fields=["symptoms", "onu", "updated"])
    return site
