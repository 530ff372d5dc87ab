"""Receivables on other pages: `{% agent_payments agent %}` for the agent record (the open
total, the on-time record, the late/short/unpaid counts and the letter), `{% receivables_panel %}`
for the desk, and `{% standing_badge s %}` for a receivable's state in words."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.agents.models import Agent
from madoguchi.orgs.selectors import organization_ids
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.selectors import Standing, organization_totals, today, totals

register = template.Library()


@register.inclusion_tag("receivables/standing_badge.html")
def standing_badge(standing: Standing) -> dict[str, Any]:
    return {"s": standing}


@register.inclusion_tag("receivables/agent_payments.html")
def agent_payments(agent: Agent) -> dict[str, Any]:
    """The agent's payment record: one query."""
    return {"agent": agent, "t": totals(Receivable.objects.filter(agent=agent), today())}


@register.inclusion_tag("receivables/panel.html", takes_context=True)
def receivables_panel(context: template.Context) -> dict[str, Any]:
    """The desk's panel: late, short and unpaid amounts of the user's organizations, one
    query through a statement compiled once (`organization_totals` says why)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {"t": None}
    t = organization_totals(organization_ids(user), today())
    return {"t": t if t["all"] else None}
