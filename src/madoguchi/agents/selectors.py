"""Shared reads of the agents register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from madoguchi.agents.keys import detail_key, match_group, name_key
from madoguchi.agents.models import Agent, AgentDetail
from madoguchi.orgs.models import Organization


@dataclass(frozen=True)
class Resemblance:
    """An agent on record that shares a name, address, number or domain with what was given."""

    agent: Agent
    group: str  # "name", "address", "number", "domain", "person"
    value: str  # the matching value as it was recorded


def resemblances(
    organization: Organization,
    details: Iterable[tuple[str, str]],
    *,
    name: str = "",
    exclude: Agent | None = None,
) -> list[Resemblance]:
    """Agents of the organization that look like the one described: one indexed query for the
    details, one for the name (current names and former names)."""
    wanted = {(match_group(kind), detail_key(kind, value)) for kind, value in details if value}
    wanted.discard((match_group("phone"), ""))
    found: list[Resemblance] = []
    if wanted:
        rows = AgentDetail.objects.filter(organization=organization).select_related("agent")
        if exclude is not None:
            rows = rows.exclude(agent=exclude)
        keys = {key for _, key in wanted}
        for row in rows.filter(key__in=keys):
            if (row.match_group, row.key) in wanted:
                found.append(Resemblance(row.agent, row.match_group, row.value))
    if name and (key := name_key(name)):
        agents = Agent.objects.filter(organization=organization)
        if exclude is not None:
            agents = agents.exclude(pk=exclude.pk)
        # Current names are few per organization; compare their keys in Python.
        for agent in agents.only("id", "name", "status", "organization_id"):
            if name_key(agent.name) == key:
                found.append(Resemblance(agent, "name", agent.name))
    return found
