"""Incidents on the site page: `{% site_outages site %}` (a fixed number of queries), and the
`span` filter. (The desk's suggestions, a case's incident and the figures per party and area
are fragments at their own addresses, which those pages load after them: `incidents.views`.)"""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.contracts.models import Site
from madoguchi.incidents import selectors
from madoguchi.server.i18n import duration_text

register = template.Library()


@register.inclusion_tag("incidents/_site_outages.html")
def site_outages(site: Site) -> dict[str, Any]:
    rows = selectors.site_outages(site.pk, site.organization_id)
    for row in rows:
        row["duration_text"] = duration_text(row["duration"])
    return {"outages": rows}


@register.filter
def span(value: Any) -> str:
    """A length of time in its two largest units (3日4時間), — when unknown."""
    return duration_text(value)
