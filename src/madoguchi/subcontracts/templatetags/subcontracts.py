"""`{% agent_requests agent %}`: an agent's subcontract requests in brief, for the agent's
page (how many in each status, the last few, each with its trouble in words)."""

from __future__ import annotations

from typing import Any

from django import template

from madoguchi.agents.models import Agent
from madoguchi.engine.messages import label
from madoguchi.server.i18n import engine_lang
from madoguchi.subcontracts.models import RequestStatus
from madoguchi.subcontracts.selectors import agent_requests as read_agent_requests
from madoguchi.subcontracts.words import summary

register = template.Library()


@register.inclusion_tag("subcontracts/agent_requests.html")
def agent_requests(agent: Agent, last: int = 5) -> dict[str, Any]:
    found = read_agent_requests(agent, last=last)
    return {
        "summary": found,
        "counts": [
            (value, name, found.counts.get(value, 0)) for value, name in RequestStatus.choices
        ],
        "rows": [
            (
                row,
                summary(row.checks),
                bool(row.troubles),
                _words(found.troubles.get(row.site_id or 0)),
            )
            for row in found.latest
        ],
        "troubled_jobs": len(found.troubles),
        "accepted": found.counts.get(RequestStatus.ACCEPTED, 0),
    }


def _words(codes: list[str] | None) -> str:
    lang = engine_lang()
    return "、".join(label(lang, f"finding:{code}") for code in codes or ())
