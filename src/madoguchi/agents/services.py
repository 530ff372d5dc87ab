"""Every write to the agents register (pages, API, CLI and the intake form call these)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from madoguchi.agents.keys import detail_key, match_group
from madoguchi.agents.models import Agent, AgentDetail
from madoguchi.orgs.models import Organization


@transaction.atomic
def add_details(agent: Agent, details: Iterable[tuple[str, str]]) -> list[AgentDetail]:
    """Record (kind, value as written) pairs, keyed for matching; blanks and repeats of a
    value already on record are skipped."""
    known = set(AgentDetail.objects.filter(agent=agent).values_list("match_group", "key"))
    rows = []
    for kind, value in details:
        value = value.strip()
        if not value:
            continue
        group, key = match_group(kind), detail_key(kind, value)
        if not key or (group, key) in known:
            continue
        known.add((group, key))
        rows.append(
            AgentDetail(
                organization_id=agent.organization_id,
                agent=agent,
                kind=kind,
                value=value,
                match_group=group,
                key=key,
            )
        )
    return AgentDetail.objects.bulk_create(rows)


@transaction.atomic
def create_agent(
    organization: Organization, *, name: str, details: Iterable[tuple[str, str]] = ()
) -> Agent:
    agent = Agent.objects.create(organization=organization, name=name.strip())
    add_details(agent, details)
    return agent
