"""Notifications on the site page: `{% site_contacts site %}` lists the site's customer
contacts (who hear of outages) and links to the page that changes them. One query."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.contracts.models import Site
from madoguchi.notifications import selectors
from madoguchi.orgs.selectors import can_write

register = template.Library()


@register.inclusion_tag("notifications/_site_contacts.html", takes_context=True)
def site_contacts(context: template.Context, site: Site) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "site": site,
        "contacts": list(selectors.site_contacts(user, site.pk)[:20]),
        "can_write": can_write(user, site.organization_id),
    }
