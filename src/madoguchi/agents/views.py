"""The agents register's pages: the list, the agent's record (status first), and the form
that flags an agent resembling one on record as soon as it is previewed or saved."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.agents import services
from madoguchi.agents.forms import AgentForm, StatusForm
from madoguchi.agents.models import Agent, AgentStatus
from madoguchi.agents.selectors import (
    Similar,
    agents_for,
    refused_lookalikes,
    searched_agents,
    similar_agents,
)
from madoguchi.agents.texts import similar_line
from madoguchi.orgs.choosing import organization_to_write
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for

PAGE_SIZE = 25


def _agent(request: HttpRequest, pk: int, *, write: bool = False) -> Agent:
    """The user's agent, 404 if it is another organization's, 403 if they may only read."""
    agent = get_object_or_404(agents_for(request.user), pk=pk)
    if write and not can_write(request.user, agent.organization_id):
        raise PermissionDenied
    return agent


@login_required
@require_GET
def agent_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(searched_agents(request.user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    can_add = organizations_for(request.user, write=True).exists()
    lookalikes = refused_lookalikes(page.object_list)
    rows = [
        (agent, similar_line(found) if (found := lookalikes.get(agent.pk)) else None)
        for agent in page.object_list
    ]
    return render(
        request, "agents/list.html", {"page": page, "rows": rows, "q": q, "can_add": can_add}
    )


def _similar(agent: Agent) -> list[Similar]:
    details = [(d.kind, d.value) for d in agent.details.all()]
    return similar_agents(agent.organization, details, name=agent.name, exclude=agent)


@login_required
@require_GET
def agent_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _agent(request, pk))


def _detail_page(
    request: HttpRequest, agent: Agent, status_form: StatusForm | None = None
) -> HttpResponse:
    similar = _similar(agent)
    writable = can_write(request.user, agent.organization_id)
    if writable and status_form is None:
        status_form = StatusForm(initial={"status": agent.status})
    context = {
        "agent": agent,
        "similar": [(s, similar_line(s)) for s in similar],
        "can_write": writable,
        "status_form": status_form if writable else None,
        # The requests and payments sections come from their own apps when installed.
        "show_requests": apps.is_installed("madoguchi.subcontracts"),
        "show_payments": apps.is_installed("madoguchi.receivables"),
    }
    return render(request, "agents/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agent_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an agent (no pk) or edit one. 「確認する」 shows the agents on record that it
    resembles without saving; 「保存する」 saves and shows them again on the agent's page."""
    agent = _agent(request, pk, write=True) if pk is not None else None
    organizations: list[Organization] = []
    if agent is None:
        organization, organizations = organization_to_write(request)
    else:
        organization = agent.organization
    form = AgentForm(request.POST or None, agent=agent)
    similar: list[Similar] | None = None
    if request.method == "POST":
        similar = similar_agents(
            organization, form.details(), name=form.typed_name(), exclude=agent
        )
        saved = None
        if "preview" not in request.POST and form.is_valid():
            saved = _saved(form, organization, agent)
        if saved is not None:
            if any(found.agent.status != AgentStatus.OK for found in similar):
                messages.warning(
                    request,
                    _(
                        "Saved. It resembles an agent you refused or are wary of: read why "
                        "below before accepting its jobs."
                    ),
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("agents:detail", pk=saved.pk)
    context = {
        "form": form,
        "agent": agent,
        "organization": organization,
        "organizations": organizations if len(organizations) > 1 else [],
        "similar": None if similar is None else [(s, similar_line(s)) for s in similar],
        "previewed": request.method == "POST" and "preview" in request.POST,
    }
    return render(request, "agents/form.html", context)


def _saved(form: AgentForm, organization: Organization, agent: Agent | None) -> Agent | None:
    """The agent saved, or None with the service's refusal on the form."""
    data = form.cleaned_data
    try:
        if agent is None:
            return services.create_agent(
                organization,
                name=data["name"],
                details=form.details(),
                status=data["status"],
                status_reason=data["status_reason"],
                status_since=data["status_since"],
                note=data["note"],
            )
        services.update_agent(agent, name=data["name"], details=form.details(), note=data["note"])
        if (data["status"], data["status_reason"].strip(), data["status_since"]) != (
            agent.status,
            agent.status_reason,
            agent.status_since,
        ):
            services.set_status(
                agent, data["status"], reason=data["status_reason"], since=data["status_since"]
            )
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return None
    return agent


@login_required
@require_POST
def agent_status(request: HttpRequest, pk: int) -> HttpResponse:
    agent = _agent(request, pk, write=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, agent, form)
    data = form.cleaned_data
    services.set_status(
        agent, data["status"], reason=data["status_reason"], since=data["status_since"]
    )
    messages.success(request, _("Status saved."))
    return redirect("agents:detail", pk=agent.pk)
