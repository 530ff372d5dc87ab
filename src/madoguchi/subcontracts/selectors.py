"""Shared reads of subcontract requests and intake links."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from madoguchi.agents.models import Agent
from madoguchi.money.models import SiteMoney
from madoguchi.orgs.types import AnyUser
from madoguchi.subcontracts.models import IntakeLink, RequestStatus, SubcontractRequest

# Findings at a job's site that point back at how the line was sold (issue 17: the agent's
# record counts the jobs where the checks find them).
JOB_TROUBLES = ("course-mismatch", "line-provider-split", "unwanted-option", "not-cheaper")

# What a list row reads (the checks are small; the long texts stay unread).
ROW_FIELDS = (
    "organization_id",
    "status",
    "channel",
    "customer_name",
    "customer_address",
    "agent_name",
    "caller_name",
    "amount_yen",
    "pay_by",
    "checks",
    "created",
    "agent_id",
)


def requests_for(user: AnyUser) -> QuerySet[SubcontractRequest]:
    """The user's organizations' requests, newest first."""
    return SubcontractRequest.objects.for_user(user).order_by("-created", "-id")


def listed_requests(user: AnyUser, *, status: str = "") -> QuerySet[SubcontractRequest]:
    rows = requests_for(user).only(*ROW_FIELDS)
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return rows


def request_for_page(user: AnyUser, pk: int) -> SubcontractRequest:
    """One request with what its page links to (raises DoesNotExist for another org's)."""
    return (
        requests_for(user)
        .select_related(
            "agent", "customer", "site", "case", "decided_by", "intake_link", "receivable"
        )
        .get(pk=pk)
    )


def intake_link_for_token(token: str) -> IntakeLink | None:
    """The live link a token opens, with its organization; None when unknown or revoked."""
    if not token or len(token) > 100:
        return None
    return (
        IntakeLink.objects.select_related("organization")
        .filter(digest=IntakeLink.hash(token), revoked__isnull=True)
        .first()
    )


def intake_links_for(user: AnyUser) -> QuerySet[IntakeLink]:
    return IntakeLink.objects.for_user(user).order_by("revoked", "-created", "-id")


@dataclass
class AgentRequests:
    """An agent's requests in brief: how many in each status, and the last few."""

    counts: dict[str, int] = field(default_factory=dict)
    latest: list[SubcontractRequest] = field(default_factory=list)
    # Per site of an accepted job: the findings there now that point back at the sale.
    troubles: dict[int, list[str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def user_agent(user: AnyUser, pk: int) -> Agent:
    """The user's agent (Agent.DoesNotExist for another organization's)."""
    return Agent.objects.for_user(user).get(pk=pk)


def agent_requests(agent: Agent, *, last: int = 5) -> AgentRequests:
    """Three queries: the counts by status, the latest rows, and what the checks find now at
    the sites of the agent's accepted jobs (from the sites' stored summaries)."""
    rows = SubcontractRequest.objects.filter(
        organization_id=agent.organization_id, agent_id=agent.pk
    )
    counts = {
        row["status"]: row["n"] for row in rows.order_by().values("status").annotate(n=Count("id"))
    }
    latest = list(rows.only(*ROW_FIELDS, "site_id").order_by("-created", "-id")[:last])
    summaries = SiteMoney.objects.filter(
        organization_id=agent.organization_id,
        site_id__in=rows.filter(status=RequestStatus.ACCEPTED).values("site_id"),
    ).values_list("site_id", "codes")
    troubles = {
        site_id: found
        for site_id, codes in summaries
        if (found := [code for code in codes if code in JOB_TROUBLES])
    }
    return AgentRequests(counts=counts, latest=latest, troubles=troubles)
