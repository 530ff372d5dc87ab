"""The facts page: every catalog fact no official page confirms, with its source, and the
organization's own confirmations (its source and date), which replace 要確認 for it only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.directory import services
from madoguchi.directory.forms import FactConfirmationForm
from madoguchi.directory.models import FactConfirmation
from madoguchi.directory.selectors import confirmations_for
from madoguchi.engine import load_catalog
from madoguchi.engine.catalog import unverified_facts
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for


def _organization(request: HttpRequest, org_id: int, *, write: bool = False) -> Organization:
    """One of the user's organizations (404 for another's; 403 to write as a viewer)."""
    organization = get_object_or_404(organizations_for(request.user), pk=org_id)
    if write and not can_write(request.user, organization.pk):
        raise PermissionDenied
    return organization


@login_required
@require_GET
def facts_home(request: HttpRequest) -> HttpResponse:
    """The facts page of the user's first organization."""
    first = organizations_for(request.user).order_by("name").first()
    if first is None:
        raise Http404
    return redirect("facts:list", org_id=first.pk)


@login_required
@require_http_methods(["GET", "POST"])
def fact_list(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = _organization(request, org_id, write=request.method == "POST")
    failed: dict[str, FactConfirmationForm] = {}
    if request.method == "POST":
        try:
            services.confirm_fact(organization, user=request.user, values=request.POST)
        except ValidationError as error:
            if "key" in error.error_dict:
                messages.error(request, _("This fact cannot be confirmed here."))
                return redirect("facts:list", org_id=organization.pk)
            form = FactConfirmationForm(request.POST, confirmable=services.confirmable_keys())
            for field, problems in error.error_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
            failed[request.POST.get("key", "")] = form
        else:
            messages.success(request, _("Confirmed for your organization."))
            return redirect("facts:list", org_id=organization.pk)
    lang = "en" if (get_language() or "ja").startswith("en") else "ja"
    confirmed = confirmations_for(organization)
    confirmable = services.confirmable_keys()
    today = timezone.localdate()
    rows = [
        {
            "fact": fact,
            "confirmation": confirmed.get(fact.key),
            "form": failed.get(fact.key)
            or (
                FactConfirmationForm(
                    initial={"key": fact.key, "checked": today},
                    confirmable=confirmable,
                    auto_id=f"id_%s_{index}",
                )
                if fact.key in confirmable
                else None
            ),
        }
        for index, fact in enumerate(unverified_facts(load_catalog(), lang))
    ]
    others = organizations_for(request.user).exclude(pk=organization.pk).order_by("name")
    return render(
        request,
        "directory/facts.html",
        {
            "organization": organization,
            "rows": rows,
            "others": others,
            "can_write": can_write(request.user, organization.pk),
            "open_count": sum(1 for r in rows if r["confirmation"] is None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirmation_delete(request: HttpRequest, org_id: int, confirmation_id: int) -> HttpResponse:
    """GET asks once (and deletes nothing); POST withdraws the confirmation."""
    organization = _organization(request, org_id, write=True)
    row = get_object_or_404(
        FactConfirmation.objects.filter(organization=organization), pk=confirmation_id
    )
    if request.method == "GET":
        lang = "en" if (get_language() or "ja").startswith("en") else "ja"
        fact = next((f for f in unverified_facts(load_catalog(), lang) if f.key == row.key), None)
        context = {
            "confirmation": row,
            "fact": fact,
            "question": _("Delete this confirmation?"),
            "button": _("Delete this confirmation"),
            "action": request.path,
            "back": reverse("facts:list", args=[organization.pk]),
        }
        return render(request, "directory/confirmation_delete.html", context)
    services.withdraw_confirmation(row)
    messages.success(request, _("The confirmation was withdrawn: the fact says unverified again."))
    return redirect("facts:list", org_id=organization.pk)
