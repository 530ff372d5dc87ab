"""The receivable pages: the organization's open amounts (overdue first), one agent's, one
receivable with its payments and the form to record one, a new receivable, and the dunning
letter."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.agents.models import Agent
from madoguchi.cases.rows import page_without_count
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.receivables import selectors
from madoguchi.receivables.forms import PaymentForm, ReceivableForm
from madoguchi.receivables.letter import letter_pdf, letter_text
from madoguchi.receivables.models import Receivable
from madoguchi.receivables.services import ReceivableError, create_receivable, record_payment
from madoguchi.server.inputs import page_number

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    return page_number(request.GET)


def _rows(items: list[Receivable], on: Any) -> list[tuple[Receivable, selectors.Standing]]:
    return [(row, selectors.standing(row, on)) for row in items]


def _agent(request: HttpRequest, pk: int) -> Agent:
    try:
        return selectors.user_agent(request.user, pk)
    except Agent.DoesNotExist:
        raise Http404 from None


def _receivable(request: HttpRequest, pk: int, on: Any) -> Receivable:
    try:
        return selectors.user_receivable(request.user, pk, on)
    except Receivable.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def receivable_list(request: HttpRequest) -> HttpResponse:
    """Every open amount of the user's organizations, overdue first."""
    on = selectors.today()
    number = _page_number(request)
    items, more = page_without_count(
        selectors.open_receivables(request.user, on), number, PAGE_SIZE
    )
    return render(
        request,
        "receivables/list.html",
        {
            "rows": _rows(items, on),
            "number": number,
            "more": more,
            "can_write": bool(organizations_for(request.user, write=True).exists()),
        },
    )


@login_required
@require_GET
def agent_receivables(request: HttpRequest, agent_pk: int) -> HttpResponse:
    """One agent's open amounts and its payment record."""
    agent = _agent(request, agent_pk)
    on = selectors.today()
    number = _page_number(request)
    items, more = page_without_count(
        selectors.open_receivables(request.user, on, agent), number, PAGE_SIZE
    )
    return render(
        request,
        "receivables/agent.html",
        {
            "agent": agent,
            "rows": _rows(items, on),
            "totals": selectors.totals(Receivable.objects.filter(agent=agent), on),
            "number": number,
            "more": more,
            "can_write": can_write(request.user, agent.organization_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def receivable_add(request: HttpRequest) -> HttpResponse:
    if not organizations_for(request.user, write=True).exists():
        raise PermissionDenied
    initial = {}
    if (agent := request.GET.get("agent", "")).isdigit():
        initial["agent"] = int(agent)
    form = ReceivableForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agent = data["agent"]
        try:
            receivable = create_receivable(
                agent.organization,
                agent=agent,
                description=data["description"],
                amount_yen=data["amount_yen"],
                due=data["due"],
                site=data["site"],
                case=data["case"],
                note=data["note"],
            )
        except ReceivableError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Receivable saved."))
            return redirect("receivables:detail", receivable_pk=receivable.pk)
    return render(request, "receivables/add.html", {"form": form})


def _detail(request: HttpRequest, receivable: Receivable, form: PaymentForm, on: Any) -> Any:
    payments = receivable.payments.prefetch_related("deductions")
    return render(
        request,
        "receivables/detail.html",
        {
            "receivable": receivable,
            "standing": selectors.standing(receivable, on),
            "payments": payments,
            "form": form,
            "can_write": can_write(request.user, receivable.organization_id),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_GET
def receivable_detail(request: HttpRequest, receivable_pk: int) -> HttpResponse:
    on = selectors.today()
    receivable = _receivable(request, receivable_pk, on)
    return _detail(request, receivable, PaymentForm(initial={"paid_on": on}), on)


@login_required
@require_POST
def receivable_pay(request: HttpRequest, receivable_pk: int) -> HttpResponse:
    """Record a payment (with what was deducted from it)."""
    on = selectors.today()
    receivable = _receivable(request, receivable_pk, on)
    if not can_write(request.user, receivable.organization_id):
        raise PermissionDenied
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            record_payment(
                receivable,
                paid_on=data["paid_on"],
                amount_yen=data["amount_yen"],
                fee_yen=data["fee_yen"] or 0,
                other_yen=data["other_yen"] or 0,
                other_what=data["other_what"],
                note=data["note"],
            )
        except ReceivableError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("receivables:detail", receivable_pk=receivable.pk)
    return _detail(request, receivable, form, on)


@login_required
@require_GET
def agent_letter(request: HttpRequest, agent_pk: int, fmt: str) -> HttpResponse:
    """The dunning letter to the agent, as text or PDF."""
    agent = _agent(request, agent_pk)
    if fmt == "pdf":
        response = HttpResponse(letter_pdf(agent), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="dunning-{agent.pk}.pdf"'
        return response
    if fmt == "txt":
        return HttpResponse(letter_text(agent), content_type="text/plain; charset=utf-8")
    raise Http404


# --- panels other pages load after them (HTML fragments) ------------------------------------


@login_required
@never_cache
@require_GET
def desk_panel(request: HttpRequest) -> HttpResponse:
    """The desk's panel of money owed by sales agents, which the dashboard loads after the page
    (empty when the user's organizations have no receivable). One query and the memberships."""
    t = selectors.desk_totals(request.user, selectors.today())
    return render(request, "receivables/panel.html", {"t": t})


@login_required
@never_cache
@require_GET
def agent_panel(request: HttpRequest, agent_pk: int) -> HttpResponse:
    """An agent's payment record, which the agent's page loads after the page: the user's
    agent first (404 for another organization's), then one query."""
    agent = _agent(request, agent_pk)
    t = selectors.agent_record(agent, selectors.today())
    return render(request, "receivables/agent_payments.html", {"agent": agent, "t": t})
