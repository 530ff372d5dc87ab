"""The checks made when a request arrives (and again on demand), before anyone accepts it:
the agent's standing and its likeness to agents on record, the engine's course-mismatch and
line-provider-split rules on the request's own contracts, and the IDs the job will need.

Each result is a plain dict stored with the request: `code`, `severity` ("critical", "warn"
or "info") and what the page needs to say it in words. The engine's sentences are kept in
both languages (they are the engine's own words, made at the time of the check).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.selectors import Resemblance, resemblances
from madoguchi.directory.selectors import catalog_for
from madoguchi.engine import findings
from madoguchi.engine.context import Context
from madoguchi.engine.messages import LANGS
from madoguchi.engine.model import TOKYO, Service
from madoguchi.server.id_kinds import id_kind_name
from madoguchi.subcontracts.records import site_file

type Check = dict[str, Any]

# The engine's rules run on a request, by their finding code.
ENGINE_RULES = {
    "course-mismatch": findings.course_mismatch,
    "line-provider-split": findings.line_provider_split,
}
# IDs the job cannot do without: the line's customer ID always, the provider's user ID when
# a provider is signed apart from the line.
LINE_ID = "customer_id"
ISP_ID = "isp_user_id"
SEVERITY_ORDER = {"critical": 0, "warn": 1, "info": 2}


def agent_details(request: Any) -> list[tuple[str, str]]:
    """What recognizes the agent: its address and numbers, and the person who called."""
    return [
        (kind, value)
        for kind, value in (
            ("address", request.agent_address),
            ("phone", request.agent_phone),
            ("fax", request.agent_fax),
            ("person", request.caller_name),
        )
        if value
    ]


def agent_checks(request: Any, agent: Agent | None, found: list[Resemblance]) -> list[Check]:
    """The agent's own standing, and every other agent on record it resembles."""
    checks: list[Check] = []
    if agent is not None and agent.status != AgentStatus.OK:
        checks.append(
            {
                "code": f"agent-{agent.status}",
                "severity": "critical" if agent.status == AgentStatus.REFUSED else "warn",
                "agent": agent.pk,
                "agent_name": agent.name,
                "reason": agent.status_reason,
                "since": agent.status_since.isoformat() if agent.status_since else "",
            }
        )
    seen: set[tuple[int, str]] = set()
    for match in found:
        if agent is not None and match.agent.pk == agent.pk:
            continue
        if (match.agent.pk, match.group) in seen:
            continue
        seen.add((match.agent.pk, match.group))
        refused = match.agent.status == AgentStatus.REFUSED
        checks.append(
            {
                "code": "agent-resembles",
                "severity": "critical"
                if refused
                else ("warn" if match.agent.status == AgentStatus.CAUTION else "info"),
                "agent": match.agent.pk,
                "agent_name": match.agent.name,
                "status": match.agent.status,
                "group": match.group,
                "value": match.value,
            }
        )
    return checks


def engine_checks(request: Any, *, now: dt.datetime | None = None) -> list[Check]:
    """The engine's rules on the request's contracts, as the site would be assessed."""
    from madoguchi.contracts.forms import prefecture_in

    record = site_file(request, prefecture=prefecture_in(request.customer_address))
    catalog = catalog_for(request.organization)
    moment = (now or dt.datetime.now(TOKYO)).astimezone(TOKYO)
    words: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        ctx = Context(site=record, catalog=catalog, now=moment, lang=lang)
        for code, rule in ENGINE_RULES.items():
            for finding in rule(ctx):
                words.setdefault(code, {})[lang] = finding.why
    severity = {"course-mismatch": "critical", "line-provider-split": "warn"}
    return [{"code": code, "severity": severity[code], "why": why} for code, why in words.items()]


def id_checks(request: Any) -> list[Check]:
    """IDs the job needs that are missing, and IDs given under names the shop does not know."""
    ids = request.ids or {}
    holders = request.holders or {}
    checks: list[Check] = []
    if holders.get(Service.ACCESS.value) and not ids.get(LINE_ID):
        checks.append({"code": "id-missing", "severity": "warn", "id": LINE_ID})
    separate_isp = holders.get(Service.ISP.value) and (
        not request.includes_isp or holders.get(Service.ISP.value) != holders.get("access")
    )
    if separate_isp and not ids.get(ISP_ID):
        checks.append({"code": "id-missing", "severity": "warn", "id": ISP_ID})
    for key in ids:
        if id_kind_name(key) is None:
            checks.append({"code": "id-unknown", "severity": "info", "label": key})
    return checks


def run_checks(
    request: Any, agent: Agent | None, found: list[Resemblance], *, now: dt.datetime | None = None
) -> list[Check]:
    """Every check, the most serious first."""
    checks = [
        *agent_checks(request, agent, found),
        *engine_checks(request, now=now),
        *id_checks(request),
    ]
    return sorted(checks, key=lambda c: SEVERITY_ORDER.get(c["severity"], 9))


def find_resemblances(request: Any, *, exclude: Agent | None = None) -> list[Resemblance]:
    return resemblances(
        request.organization, agent_details(request), name=request.agent_name, exclude=exclude
    )
