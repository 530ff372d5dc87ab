"""Pages: the requests for staff (list, page, entry form, accept, decline, re-check), the
intake links, and the public intake form an agent opens with a link's secret address."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.agents.models import Agent
from madoguchi.cases.rows import page_without_count
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Customer
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine.messages import label
from madoguchi.orgs.choosing import organization_to_write
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.server.i18n import engine_lang
from madoguchi.server.inputs import page_number
from madoguchi.subcontracts import selectors, services
from madoguchi.subcontracts.forms import (
    HOLDER_QUESTIONS,
    DeclineForm,
    IntakeLinkForm,
    RequestForm,
)
from madoguchi.subcontracts.models import Channel, IntakeLink, RequestStatus, SubcontractRequest
from madoguchi.subcontracts.throttle import allow_submission, per_minute
from madoguchi.subcontracts.words import check_rows, summary

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    return page_number(request.GET)


def _request(request: HttpRequest, pk: int, *, write: bool = False) -> SubcontractRequest:
    try:
        row = selectors.request_for_page(request.user, pk)
    except SubcontractRequest.DoesNotExist:
        raise Http404 from None
    if write and not can_write(request.user, row.organization_id):
        raise PermissionDenied
    return row


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests, new first, each with its checks in one line."""
    status = request.GET.get("status", "")
    number = _page_number(request)
    rows = selectors.listed_requests(request.user, status=status)
    items, more = page_without_count(rows, number, PAGE_SIZE)
    return render(
        request,
        "subcontracts/list.html",
        {
            "rows": [(row, summary(row.checks), bool(row.troubles)) for row in items],
            "number": number,
            "more": more,
            "status": status,
            "statuses": RequestStatus.choices,
        },
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, request_pk: int) -> HttpResponse:
    row = _request(request, request_pk)
    directory = parties_for(row.organization)
    holders = []
    for service, question, _required in HOLDER_QUESTIONS:
        slug = (row.holders or {}).get(service.value) or ""
        party = directory.get(slug)
        holders.append((question, party.name if party else (slug and "?") or "—"))
    same_name = Customer.objects.filter(
        organization_id=row.organization_id, name=row.customer_name.strip()
    ).only("id", "name")[:10]
    return render(
        request,
        "subcontracts/detail.html",
        {
            "row": row,
            "checks": check_rows(row.checks),
            "holders": holders,
            "can_write": can_write(request.user, row.organization_id),
            "decline_form": DeclineForm(),
            "same_name": list(same_name),
        },
    )


@login_required
@require_POST
def request_accept(request: HttpRequest, request_pk: int) -> HttpResponse:
    row = _request(request, request_pk, write=True)
    customer = None
    if (picked := request.POST.get("customer", "")).isdigit():
        customer = get_object_or_404(
            Customer.objects.filter(organization_id=row.organization_id), pk=int(picked)
        )
    try:
        services.accept(row, user=request.user, customer=customer)
    except (services.RequestError, SiteWouldBreak) as exc:
        messages.error(request, _("Nothing was saved: %(problem)s") % {"problem": exc})
        return redirect("subcontracts:detail", request_pk=row.pk)
    messages.success(request, _("Accepted: the customer, the site and a case were made."))
    return redirect("subcontracts:detail", request_pk=row.pk)


@login_required
@require_POST
def request_decline(request: HttpRequest, request_pk: int) -> HttpResponse:
    row = _request(request, request_pk, write=True)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write why the request is declined."))
        return redirect("subcontracts:detail", request_pk=row.pk)
    try:
        services.decline(row, user=request.user, reason=form.cleaned_data["reason"])
    except services.RequestError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The request was declined."))
    return redirect("subcontracts:detail", request_pk=row.pk)


@login_required
@require_POST
def request_recheck(request: HttpRequest, request_pk: int) -> HttpResponse:
    row = _request(request, request_pk, write=True)
    services.recheck(row)
    messages.success(request, _("Checked again."))
    return redirect("subcontracts:detail", request_pk=row.pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    """Staff record a request taken by phone: the same form and service as the intake page."""
    organization = organization_to_write(request)[0]
    form = RequestForm(
        request.POST if request.method == "POST" else None, directory=parties_for(organization)
    )
    if request.method == "POST" and form.is_valid():
        row = services.receive_request(organization, values=form.values(), channel=Channel.STAFF)
        messages.success(request, _("The request was recorded and checked."))
        return redirect("subcontracts:detail", request_pk=row.pk)
    return render(request, "subcontracts/new.html", {"form": form, "organization": organization})


@login_required
@require_http_methods(["GET", "POST"])
def intake_links(request: HttpRequest) -> HttpResponse:
    """Make an intake link (its address shown once) and see which are live."""
    address = None
    form = IntakeLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        organization = organization_to_write(request)[0]
        if form.is_valid():
            _link, token = services.issue_intake_link(
                organization, name=form.cleaned_data["name"], user=request.user
            )
            address = request.build_absolute_uri(reverse("intake:form", args=[token]))
            form = IntakeLinkForm()
    links = list(selectors.intake_links_for(request.user)[:100])
    writable = {o.pk for o in organizations_for(request.user, write=True)}
    return render(
        request,
        "subcontracts/links.html",
        {
            "form": form,
            "address": address,
            "links": links,
            "can_write": bool(writable),
            "per_minute": per_minute(),
        },
    )


@login_required
@require_POST
def intake_link_revoke(request: HttpRequest, link_pk: int) -> HttpResponse:
    link = get_object_or_404(IntakeLink.objects.for_user(request.user), pk=link_pk)
    if not can_write(request.user, link.organization_id):
        raise PermissionDenied
    services.revoke_intake_link(link)
    messages.success(request, _("The link no longer works."))
    return redirect("subcontracts:links")


@never_cache
@require_http_methods(["GET", "POST"])
def intake_form(request: HttpRequest, intake_token: str) -> HttpResponse:
    """The public form: no login, the secret address is the key. Shows the organization's
    name and the form, nothing else of it; its pickers list the shipped catalog only."""
    link = selectors.intake_link_for_token(intake_token)
    if link is None:
        raise Http404
    context: dict[str, Any] = {"organization_name": link.organization.name}
    directory = load_catalog().parties
    if request.method == "POST":
        form = RequestForm(request.POST, directory=directory)
        if not allow_submission(request):
            context |= {"form": form, "throttled": True, "per_minute": per_minute()}
            return render(request, "subcontracts/intake.html", context, status=429)
        if form.is_valid():
            services.receive_request(
                link.organization,
                values=form.values(),
                channel=Channel.INTAKE,
                intake_link=link,
            )
            return render(request, "subcontracts/intake_sent.html", context)
    else:
        form = RequestForm(directory=directory)
    context["form"] = form
    return render(request, "subcontracts/intake.html", context)


# --- a panel another page loads after it (an HTML fragment) -----------------------------------


@login_required
@never_cache
@require_GET
def agent_panel(request: HttpRequest, agent_pk: int) -> HttpResponse:
    """An agent's requests in brief (how many in each status, the last few, each with its
    trouble in words), which the agent's page loads after the page: the user's agent first
    (404 for another organization's), then three queries."""
    try:
        agent = selectors.user_agent(request.user, agent_pk)
    except Agent.DoesNotExist:
        raise Http404 from None
    found = selectors.agent_requests(agent, last=5)
    lang = engine_lang()
    context = {
        "summary": found,
        "counts": [
            (value, name, found.counts.get(value, 0)) for value, name in RequestStatus.choices
        ],
        "rows": [
            (
                row,
                summary(row.checks),
                bool(row.troubles),
                "、".join(
                    label(lang, f"finding:{code}")
                    for code in found.troubles.get(row.site_id or 0, ())
                ),
            )
            for row in found.latest
        ],
        "troubled_jobs": len(found.troubles),
        "accepted": found.counts.get(RequestStatus.ACCEPTED, 0),
    }
    return render(request, "subcontracts/agent_requests.html", context)
