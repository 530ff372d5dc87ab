"""The agents register in words: a status with its icon, and the line that flags an agent
resembling one on record ("同じ所在地: 以前お断りした ○○ (2025年3月、理由: …)")."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.selectors import Similar

# An icon beside the word, never the colour alone.
STATUS_ICONS = {AgentStatus.OK: "✓", AgentStatus.CAUTION: "⚠", AgentStatus.REFUSED: "✖"}
STATUS_CLASSES = {AgentStatus.OK: "good", AgentStatus.CAUTION: "warn", AgentStatus.REFUSED: "bad"}


def status_word(status: str) -> str:
    """What the status means for the person answering the phone."""
    return {
        AgentStatus.OK: _("Jobs accepted"),
        AgentStatus.CAUTION: _("Caution"),
        AgentStatus.REFUSED: _("Refused: do not take their jobs"),
    }.get(AgentStatus(status), "—")


def group_word(group: str) -> str:
    return {
        "address": _("Same address"),
        "number": _("Same phone or FAX number"),
        "domain": _("Same web domain"),
        "name": _("Same company name"),
        "person": _("Same caller's name"),
    }.get(group, group)


def month_word(value: dt.date) -> str:
    """2025年3月, or Mar 2025."""
    if (get_language() or "ja").startswith("en"):
        return f"{value:%b %Y}"
    return f"{value.year}年{value.month}月"


def who_word(agent: Agent) -> str:
    """以前お断りした ○○ (2025年3月、理由: …)."""
    if agent.status == AgentStatus.REFUSED:
        who = _("%(name)s, refused before") % {"name": agent.name}
    elif agent.status == AgentStatus.CAUTION:
        who = _("%(name)s, under caution") % {"name": agent.name}
    else:
        who = _("%(name)s, on record") % {"name": agent.name}
    facts = []
    if agent.status != AgentStatus.OK and agent.status_since:
        facts.append(month_word(agent.status_since))
    if agent.status != AgentStatus.OK and agent.status_reason:
        reason = agent.status_reason.splitlines()[0]
        reason = reason if len(reason) <= 60 else reason[:59] + "…"
        facts.append(_("reason: %(reason)s") % {"reason": reason})
    if facts:
        who += " (" + pgettext("list of facts", ", ").join(facts) + ")"
    return who


def similar_line(similar: Similar) -> str:
    groups = pgettext("list of facts", ", ").join(group_word(g) for g in similar.groups)
    return f"{groups}: {who_word(similar.agent)}"
