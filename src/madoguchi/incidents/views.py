"""Incident pages: the list, one incident (its cases, calls, what each customer is owed),
the desk's confirm/dismiss of a suggestion, and the customers' status page (no login)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from madoguchi.cases.models import Case
from madoguchi.incidents import selectors, services
from madoguchi.incidents.forms import CallForm, EndForm
from madoguchi.incidents.models import Incident, State
from madoguchi.incidents.outcomes import site_outcomes
from madoguchi.orgs.selectors import can_write
from madoguchi.server.i18n import duration_text

PAGE_SIZE = 20


def _incident(request: HttpRequest, pk: int, *, write: bool = False) -> Incident:
    try:
        incident = selectors.incident_for_page(request.user, pk)
    except Incident.DoesNotExist:
        raise Http404 from None
    if write and not can_write(request.user, incident.organization_id):
        raise PermissionDenied
    return incident


def _case_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("case") if v.isdigit()][:200]


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    value = request.GET.get("page", "1")
    number = int(value) if value.isdigit() and 0 < int(value) < 10_000 else 1
    start = (number - 1) * PAGE_SIZE
    rows = list(selectors.incidents_for(request.user)[start : start + PAGE_SIZE + 1])
    now = timezone.now()
    return render(
        request,
        "incidents/list.html",
        {
            "incidents": rows[:PAGE_SIZE],
            "more": len(rows) > PAGE_SIZE,
            "number": number,
            "now": now,
            "suggestions": selectors.suggestions(request.user, now),
        },
    )


def _suggested_org(request: HttpRequest, case_ids: list[int]) -> int:
    """The one organization of the posted cases the user may write to (404 otherwise)."""
    orgs = set(
        Case.objects.for_user(request.user)
        .filter(pk__in=case_ids)
        .values_list("organization_id", flat=True)
    )
    if len(orgs) != 1:
        raise Http404
    (org,) = orgs
    if not can_write(request.user, org):
        raise PermissionDenied
    return org


@login_required
@require_POST
def suggestion_confirm(request: HttpRequest) -> HttpResponse:
    ids = _case_ids(request)
    org = _suggested_org(request, ids)
    try:
        incident = services.confirm_incident(
            request.user,
            organization_id=org,
            case_ids=ids,
            party=request.POST.get("party", "")[:80],
            service=request.POST.get("service", ""),
            prefecture=request.POST.get("prefecture", "")[:20],
            city=request.POST.get("city", "")[:100],
        )
    except services.IncidentError as exc:
        messages.error(request, str(exc))
        return redirect("cases:dashboard")
    messages.success(request, _("The cases are now one incident."))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def suggestion_dismiss(request: HttpRequest) -> HttpResponse:
    ids = _case_ids(request)
    org = _suggested_org(request, ids)
    try:
        services.dismiss_suggestion(
            request.user,
            organization_id=org,
            case_ids=ids,
            party=request.POST.get("party", "")[:80],
            service=request.POST.get("service", ""),
            prefecture=request.POST.get("prefecture", "")[:20],
        )
    except services.IncidentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The suggestion was dismissed."))
    return redirect("cases:dashboard")


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _incident(request, pk))


def _page(
    request: HttpRequest, incident: Incident, call_form: CallForm | None = None
) -> HttpResponse:
    now = timezone.now()
    cases = selectors.linked_cases(incident)
    writable = can_write(request.user, incident.organization_id)
    token = services.status_token(incident) if writable else None
    return render(
        request,
        "incidents/detail.html",
        {
            "incident": incident,
            "cases": cases,
            "outcomes": site_outcomes(incident, cases, now),
            "updates": selectors.updates(incident),
            "call_form": call_form or CallForm(),
            "end_form": EndForm(),
            "can_write": writable,
            "now": now,
            "ongoing": incident.state == State.OPEN,
            "status_url": request.build_absolute_uri(f"/status/{token}/") if token else "",
            "candidates": selectors.cases_to_add(incident) if writable else [],
        },
        status=200 if call_form is None else 400,
    )


@login_required
@require_POST
def incident_call(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    form = CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not logged yet: check the marked fields."))
        return _page(request, incident, call_form=form)
    try:
        services.log_call(incident, user=request.user, **form.cleaned_data)
    except services.IncidentError as exc:
        messages.error(request, str(exc))
        return _page(request, incident, call_form=form)
    messages.success(request, _("Logged on every linked case."))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def incident_add_cases(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    try:
        services.add_cases(incident, _case_ids(request), user=request.user)
    except services.IncidentError as exc:
        messages.error(request, str(exc))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def incident_remove_case(request: HttpRequest, pk: int, case_pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    try:
        services.remove_case(incident, case_pk, user=request.user)
    except services.IncidentError as exc:
        messages.error(request, str(exc))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def incident_end(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    form = EndForm(request.POST)
    ended = form.cleaned_data["ended"] if form.is_valid() else None
    try:
        services.end_incident(incident, user=request.user, ended=ended)
    except services.IncidentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The incident has ended; each case's outage end is set."))
    return redirect("incidents:detail", pk=incident.pk)


@login_required
@require_POST
def incident_status_link(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _incident(request, pk, write=True)
    if request.POST.get("revoke"):
        services.revoke_status_link(incident, user=request.user)
        messages.success(request, _("The customers' link no longer works."))
    else:
        services.issue_status_link(incident, user=request.user)
        messages.success(request, _("A new link for the customers was made."))
    return redirect("incidents:detail", pk=incident.pk)


@never_cache
@require_GET
def status_page(request: HttpRequest, status_token: str) -> HttpResponse:
    """What a customer sees from the private link: the outage, since when, what the holder
    said and promised, when the next word is due. No site, no customer, no name of anyone."""
    incident = selectors.incident_by_status_token(status_token)
    if incident is None:
        raise Http404
    response = render(
        request,
        "incidents/status.html",
        {
            "incident": incident,
            "updates": selectors.updates(incident, public_only=True).order_by("-at", "-id")[:20],
            "now": timezone.now(),
            "ongoing": incident.state == State.OPEN,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


# --- panels other pages load after them (HTML fragments) ------------------------------------


def _writable(request: HttpRequest, found: list[selectors.Suggestion]) -> list[tuple[Any, bool]]:
    return [(s, can_write(request.user, s.organization_id)) for s in found]


@login_required
@never_cache
@require_GET
def suggestions_panel(request: HttpRequest) -> HttpResponse:
    """The desk's 「同じ障害が複数の拠点で?」 panel (else a link to the incidents), which the
    dashboard loads after the page. Two queries after the memberships."""
    found = selectors.suggestions(request.user, timezone.now())
    context = {"suggestions": _writable(request, found)}
    return render(request, "incidents/_suggestions.html", context)


@login_required
@never_cache
@require_GET
def case_panel(request: HttpRequest, case_pk: int) -> HttpResponse:
    """The case page's incident panel: the user's case first (404 for another
    organization's), then its incident or the suggestion it is part of."""
    try:
        case = selectors.case_for_panel(request.user, case_pk)
    except Case.DoesNotExist:
        raise Http404 from None
    incident, suggestion = selectors.case_panel(request.user, case, timezone.now())
    suggestions = _writable(request, [suggestion] if suggestion else [])
    context = {"incident": incident, "suggestions": suggestions}
    return render(request, "incidents/_case.html", context)


@login_required
@never_cache
@require_GET
def figures_panel(request: HttpRequest) -> HttpResponse:
    """The statistics page's incidents per party and area, loaded after the page."""
    rows = [
        {
            "f": f,
            "median": duration_text(f.median),
            "kept": f"{round(100 * f.kept / f.promises)}%" if f.promises else "—",
        }
        for f in selectors.incident_figures(request.user, timezone.now())
    ]
    return render(request, "incidents/_figures.html", {"rows": rows})
