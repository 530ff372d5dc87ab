"""The agents register: list and search, create, read, update, set the status, and ask which
agents on record resemble some details (before accepting a new agent's job)."""

import datetime as dt
from typing import Annotated, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator

from madoguchi.agents import services
from madoguchi.agents.models import Agent
from madoguchi.agents.selectors import Similar, agents_for, searched_agents, similar_agents
from madoguchi.agents.texts import similar_line
from madoguchi.engine import bounds
from madoguchi.orgs.api import owned_row, target_organization
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import organizations_for
from madoguchi.server.api_common import (
    TEXT_MAX,
    Date,
    Invalid,
    Pages,
    PathId,
    answers,
    as_422,
    unset,
)

router = Router(tags=["sales agents"])


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Clean = AfterValidator(_no_nul)
AgentName = Annotated[str, Field(min_length=1, max_length=bounds.NAME, pattern=r"\S"), Clean]
DetailValue = Annotated[str, Field(min_length=1, max_length=bounds.ADDRESS, pattern=r"\S"), Clean]
Reason = Annotated[str, Field(max_length=TEXT_MAX), Clean]
DetailKindName = Literal["former-name", "address", "phone", "fax", "domain", "person"]
StatusName = Literal["ok", "caution", "refused"]
DETAILS_MAX = 100


class DetailIn(Schema):
    kind: DetailKindName
    value: DetailValue = Field(description="as written; matched however it is written")


class DetailOut(Schema):
    kind: str
    value: str


class AgentIn(Schema):
    organization: str | None = Field(
        None, max_length=50, description="organization slug; needed if you belong to several"
    )
    name: AgentName
    details: list[DetailIn] = Field([], max_length=DETAILS_MAX)
    status: StatusName = "ok"
    status_reason: Reason = Field("", description="needed for caution and refused")
    status_since: Date | None = Field(None, description="default: today for caution and refused")
    note: Reason = ""


class AgentPatch(Schema):
    name: AgentName = unset()
    details: list[DetailIn] = unset(
        max_length=DETAILS_MAX, description="replaces all of the agent's details"
    )
    note: Reason = unset()


class StatusIn(Schema):
    status: StatusName
    reason: Reason = Field("", description="needed for caution and refused")
    since: Date | None = Field(None, description="default: today for caution and refused")


class AgentOut(Schema):
    id: int
    organization: str = Field(alias="organization.slug")
    name: str
    status: str
    status_reason: str
    status_since: dt.date | None
    note: str
    details: list[DetailOut]
    created: dt.datetime
    updated: dt.datetime

    @staticmethod
    def resolve_details(agent: Agent) -> list[DetailOut]:
        return [DetailOut(kind=d.kind, value=d.value) for d in agent.details.all()]


class AgentBrief(Schema):
    id: int
    name: str
    status: str
    status_reason: str
    status_since: dt.date | None


class SimilarOut(Schema):
    agent: AgentBrief
    shared: list[str] = Field(description="address, number, domain, name, person")
    values: list[str] = Field(description="the agent's matching details as recorded")
    text: str = Field(description="the flag as the web page words it")


class AgentRecord(AgentOut):
    resembles: list[SimilarOut]


class ResemblanceIn(Schema):
    organization: str | None = Field(None, max_length=50)
    name: Annotated[str, Field(max_length=bounds.NAME), Clean] = ""
    details: list[DetailIn] = Field([], max_length=DETAILS_MAX)
    exclude: int | None = Field(None, ge=1, le=2**63 - 1, description="an agent id to leave out")


def _similar_out(similar: list[Similar]) -> list[SimilarOut]:
    return [
        SimilarOut(
            agent=AgentBrief.from_orm(s.agent),
            shared=list(s.groups),
            values=list(s.values),
            text=similar_line(s),
        )
        for s in similar
    ]


def _record(agent: Agent) -> AgentRecord:
    agent = agents_for_agent(agent)
    details = [(d.kind, d.value) for d in agent.details.all()]
    similar = similar_agents(agent.organization, details, name=agent.name, exclude=agent)
    setattr(agent, "resembles", _similar_out(similar))  # noqa: B010 (read by the schema)
    return AgentRecord.from_orm(agent)


def agents_for_agent(agent: Agent) -> Agent:
    """The agent again with its organization and details (after a write)."""
    return Agent.objects.select_related("organization").prefetch_related("details").get(pk=agent.pk)


def _own_agent(request: HttpRequest, pk: int, *, write: bool = False) -> Agent:
    return owned_row(request, agents_for(request.user), pk, write=write)


@router.get("/agents", response=answers(200, list[AgentOut]))
@paginate(Pages, page_size=100)
def list_agents(
    request: HttpRequest,
    q: str = Query("", max_length=200, description="a name, number, address, domain or caller"),
    status: StatusName | None = None,
) -> QuerySet[Agent]:
    rows = searched_agents(request.user, q.replace("\x00", ""))
    return rows.filter(status=status) if status else rows


@router.post("/agents", response=answers(201, AgentRecord))
def create_agent(request: HttpRequest, payload: AgentIn) -> Status[AgentRecord]:
    organization = target_organization(request, payload.organization)
    with as_422():
        agent = services.create_agent(
            organization,
            name=payload.name,
            details=[(d.kind, d.value) for d in payload.details],
            status=payload.status,
            status_reason=payload.status_reason,
            status_since=payload.status_since,
            note=payload.note,
        )
    return Status(201, _record(agent))


@router.post("/agents/resemblances", response=answers(200, list[SimilarOut]))
def resemblances(request: HttpRequest, payload: ResemblanceIn) -> list[SimilarOut]:
    """Which agents on record share a name, address, number or domain with these details,
    refused ones first: ask before accepting a job from an agent you do not know."""
    organization = _readable_organization(request, payload.organization)
    exclude = None
    if payload.exclude is not None:
        exclude = agents_for(request.user).filter(pk=payload.exclude).first()
    similar = similar_agents(
        organization,
        [(d.kind, d.value) for d in payload.details],
        name=payload.name,
        exclude=exclude,
    )
    return _similar_out(similar)


@router.get("/agents/{agent_id}", response=answers(200, AgentRecord))
def get_agent(request: HttpRequest, agent_id: PathId) -> AgentRecord:
    return _record(_own_agent(request, agent_id))


@router.patch("/agents/{agent_id}", response=answers(200, AgentRecord))
def update_agent(request: HttpRequest, agent_id: PathId, payload: AgentPatch) -> AgentRecord:
    agent = _own_agent(request, agent_id, write=True)
    changes = payload.dict(exclude_unset=True)
    details = changes.get("details")
    with as_422():
        services.update_agent(
            agent,
            name=changes.get("name"),
            details=None if details is None else [(d["kind"], d["value"]) for d in details],
            note=changes.get("note"),
        )
    return _record(agent)


@router.post("/agents/{agent_id}/status", response=answers(200, AgentRecord))
def set_status(request: HttpRequest, agent_id: PathId, payload: StatusIn) -> AgentRecord:
    agent = _own_agent(request, agent_id, write=True)
    with as_422():
        services.set_status(agent, payload.status, reason=payload.reason, since=payload.since)
    return _record(agent)


def _readable_organization(request: HttpRequest, slug: str | None) -> Organization:
    """The organization to look in: the one named, or the user's only one (reading is
    enough: a viewer may ask before taking a call)."""
    choices = organizations_for(request.user)
    if slug:
        organization = choices.filter(slug=slug).first()
        if organization is None:
            raise Invalid(
                "no such organization", [{"path": "organization", "message": "unknown"}], status=404
            )
        return organization
    organizations = list(choices[:2])
    if len(organizations) != 1:
        raise Invalid(
            "give 'organization'",
            [{"path": "organization", "message": "you belong to several organizations"}],
        )
    return organizations[0]
