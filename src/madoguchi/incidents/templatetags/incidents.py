"""Incidents on the desk's other pages: `{% incident_suggestions %}` (dashboard),
`{% case_incident case %}` (case page), `{% site_outages site %}` (site page) and
`{% incident_figures %}` (statistics). Each a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.incidents import selectors
from madoguchi.orgs.selectors import can_write
from madoguchi.server.i18n import duration_text

register = template.Library()


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("incidents/_suggestions.html", takes_context=True)
def incident_suggestions(context: template.Context) -> dict[str, Any]:
    user = _user(context)
    found = selectors.suggestions(user, timezone.now()) if user is not None else []
    return {
        "suggestions": [(s, can_write(user, s.organization_id)) for s in found],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("incidents/_case.html", takes_context=True)
def case_incident(context: template.Context, case: Case) -> dict[str, Any]:
    user = _user(context)
    if user is None:
        return {}
    incident = selectors.open_incident_of_case(user, case.pk)
    suggestion = (
        None
        if incident is not None or not case.is_active
        else selectors.suggestion_for_case(user, case.pk, timezone.now())
    )
    return {
        "incident": incident,
        "suggestions": [(suggestion, can_write(user, case.organization_id))] if suggestion else [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("incidents/_site_outages.html")
def site_outages(site: Site) -> dict[str, Any]:
    rows = selectors.site_outages(site.pk, site.organization_id)
    for row in rows:
        row["duration_text"] = duration_text(row["duration"])
    return {"outages": rows}


@register.inclusion_tag("incidents/_figures.html", takes_context=True)
def incident_figures(context: template.Context) -> dict[str, Any]:
    user = _user(context)
    rows = selectors.incident_figures(user, timezone.now()) if user is not None else []
    return {
        "rows": [
            {
                "f": f,
                "median": duration_text(f.median),
                "kept": f"{round(100 * f.kept / f.promises)}%" if f.promises else "—",
            }
            for f in rows
        ]
    }


@register.filter
def span(value: Any) -> str:
    """A length of time in its two largest units (3日4時間), — when unknown."""
    return duration_text(value)
