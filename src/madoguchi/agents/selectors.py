"""Shared reads of the agents register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from madoguchi.agents.keys import (
    address_key,
    detail_key,
    domain_key,
    match_group,
    name_key,
    number_key,
)
from madoguchi.agents.models import Agent, AgentDetail, AgentStatus
from madoguchi.orgs.models import Organization
from madoguchi.orgs.types import AnyUser


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
    details, one for the names. A name (the current one or a former one given as a detail) is
    compared with the other agents' current and former names."""
    details = [(kind, value) for kind, value in details if value and value.strip()]
    if name and name.strip():
        details.append(("former-name", name))
    wanted = {(match_group(kind), detail_key(kind, value)) for kind, value in details}
    wanted = {(group, key) for group, key in wanted if key}
    found: list[Resemblance] = []
    if wanted:
        rows = AgentDetail.objects.filter(organization=organization).select_related("agent")
        if exclude is not None:
            rows = rows.exclude(agent=exclude)
        keys = {key for _, key in wanted}
        for row in rows.filter(key__in=keys).order_by("agent_id", "kind", "id"):
            if (row.match_group, row.key) in wanted:
                found.append(Resemblance(row.agent, row.match_group, row.value))
    names = {key for group, key in wanted if group == "name"}
    if names:
        agents = Agent.objects.filter(organization=organization)
        if exclude is not None:
            agents = agents.exclude(pk=exclude.pk)
        # Current names are few per organization; compare their keys in Python.
        fields = ("id", "name", "status", "status_reason", "status_since", "organization_id")
        for agent in agents.only(*fields):
            if name_key(agent.name) in names:
                found.append(Resemblance(agent, "name", agent.name))
    return found


# The order in which a person reads what two agents share: the place and the number first.
GROUP_ORDER = ("address", "number", "domain", "name", "person")
STATUS_ORDER = (AgentStatus.REFUSED, AgentStatus.CAUTION, AgentStatus.OK)


@dataclass(frozen=True)
class Similar:
    """One agent on record and everything it shares with the one described."""

    agent: Agent
    groups: tuple[str, ...]  # in GROUP_ORDER
    values: tuple[str, ...]  # the agent's matching values as recorded


def similar_agents(
    organization: Organization,
    details: Iterable[tuple[str, str]],
    *,
    name: str = "",
    exclude: Agent | None = None,
) -> list[Similar]:
    """`resemblances` by agent: refused agents first, then cautioned, then the others."""
    by_agent: dict[int, list[Resemblance]] = {}
    for found in resemblances(organization, details, name=name, exclude=exclude):
        by_agent.setdefault(found.agent.pk, []).append(found)
    result = []
    for rows in by_agent.values():
        groups = sorted({r.group for r in rows}, key=GROUP_ORDER.index)
        values = tuple(dict.fromkeys(r.value for r in rows))
        result.append(Similar(rows[0].agent, tuple(groups), values))
    return sorted(
        result,
        key=lambda s: (
            STATUS_ORDER.index(AgentStatus(s.agent.status)),
            GROUP_ORDER.index(s.groups[0]),
            s.agent.name,
        ),
    )


def agents_for(user: AnyUser) -> QuerySet[Agent]:
    """The user's agents with their details (one more query for a whole page)."""
    details = AgentDetail.objects.order_by("kind", "id")
    return (
        Agent.objects.for_user(user)
        .select_related("organization")
        .prefetch_related(Prefetch("details", queryset=details))
    )


def searched_agents(user: AnyUser, q: str = "") -> QuerySet[Agent]:
    """Agents whose name, or any name, address, number, domain or caller, matches `q`: as
    written (a part of it) or as the same key (二丁目8番1号 finds 2-8-1)."""
    agents = agents_for(user).order_by("name", "id")
    q = q.replace("\x00", "").strip()
    if not q:
        return agents
    keys = {name_key(q), domain_key(q)}
    match = Q(value__icontains=q) | Q(key__in={k for k in keys if k})
    place = address_key(q)
    if any(c.isdigit() for c in place):  # a street number: 東池袋三丁目1番1号 finds 東池袋3-1-1
        match |= Q(match_group="address", key__contains=place)
    digits = number_key(q)
    if len(digits) >= 4:
        match |= Q(match_group="number", key__contains=digits)
    details = AgentDetail.objects.for_user(user).filter(match).values("agent_id")
    return agents.filter(Q(name__icontains=q) | Q(pk__in=details))


# What two agents can share that means one company under another name (seed 003: agents
# that rename themselves at the same address).
SAME_COMPANY_GROUPS = ("address", "number", "domain")


def refused_lookalikes(agents: Iterable[Agent]) -> dict[int, Similar]:
    """For the agents of a page that are not refused: the refused agent of the same
    organization each shares an address, number or domain with (one query; the agents'
    details must be prefetched, as `agents_for` does)."""
    agents = [a for a in agents if a.status != AgentStatus.REFUSED]
    keys = {
        (a.organization_id, d.match_group, d.key): a
        for a in agents
        for d in a.details.all()
        if d.match_group in SAME_COMPANY_GROUPS and d.key
    }
    if not keys:
        return {}
    rows = (
        AgentDetail.objects.filter(
            organization_id__in={org for org, _group, _key in keys},
            agent__status=AgentStatus.REFUSED,
            match_group__in=SAME_COMPANY_GROUPS,
            key__in={key for _org, _group, key in keys},
        )
        .select_related("agent")
        .order_by("agent__name", "id")
    )
    shared: dict[int, dict[int, list[AgentDetail]]] = {}
    for row in rows:
        agent = keys.get((row.organization_id, row.match_group, row.key))
        if agent is not None and row.agent_id != agent.pk:
            shared.setdefault(agent.pk, {}).setdefault(row.agent_id, []).append(row)
    found = {}
    for agent_pk, by_refused in shared.items():
        details = next(iter(by_refused.values()))
        groups = sorted({d.match_group for d in details}, key=GROUP_ORDER.index)
        values = tuple(dict.fromkeys(d.value for d in details))
        found[agent_pk] = Similar(details[0].agent, tuple(groups), values)
    return found
