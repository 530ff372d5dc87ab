"""The facts page: every catalog fact no official page confirms, with its source, and the
organization's own confirmations (its source and date), which replace 要確認 for it only."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.directory import services
from madoguchi.directory.forms import (
    HOURS_KEEP,
    PHONE_FROM_KEEP,
    DeskCorrectionForm,
    FactConfirmationForm,
)
from madoguchi.directory.models import DeskOverride, FactConfirmation
from madoguchi.directory.selectors import confirmations_for, corrections_for
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.catalog import unverified_facts
from madoguchi.engine.dialling import from_words
from madoguchi.engine.hours import hours_words
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
            "correct": _desk_of(fact.key),
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
            "corrections": _correction_rows(organization, lang),
        },
    )


def _desk_of(key: str) -> tuple[str, str] | None:
    """(party, desk) of a desk fact's key (`desk:<party>/<desk>`), which a correction names."""
    if not key.startswith("desk:") or "/" not in key:
        return None
    party, desk = key.removeprefix("desk:").split("/", 1)
    return (party, desk) if services.catalog_desk(party, desk) else None


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


def _words(lang: str, name: str, value: Any) -> str:
    """A desk's field as a person reads it: hours in words, phones as where they work from."""
    if name == "hours":
        return hours_words(value, lang) or (value or "—")
    if name == "phone_from":
        return from_words(lang, list(value) or None)
    return value or "—"


FIELD_NAMES = {
    "phone": gettext_lazy("Phone number"),
    "mobile_phone": gettext_lazy("Number to call from a mobile"),
    "hours": gettext_lazy("Hours"),
    "phone_from": gettext_lazy("The phone number works from"),
}


def _correction_rows(organization: Organization, lang: str) -> list[dict[str, Any]]:
    """The organization's corrections beside the catalog's values, in words."""
    catalog = load_catalog().parties
    rows = []
    for (party_slug, desk_slug), correction in sorted(corrections_for(organization).items()):
        party = catalog.get(party_slug)
        desk = next((d for d in party.desks if d.slug == desk_slug), None) if party else None
        rows.append(
            {
                "correction": correction,
                "party_name": _party_name(party, lang) if party else party_slug,
                "desk_name": _desk_name(desk, lang) if desk else desk_slug,
                "changes": [
                    {
                        "field": FIELD_NAMES[name],
                        "catalog": _words(lang, name, correction.catalog[name]),
                        "value": _words(lang, name, correction.values[name]),
                    }
                    for name in correction.fields
                ],
                "party": party_slug,
                "desk": desk_slug,
            }
        )
    return rows


def _party_name(party: engine.Party, lang: str) -> str:
    return party.name_en if lang == "en" and party.name_en else party.name


def _desk_name(desk: engine.Desk, lang: str) -> str:
    name = desk.name_en if lang == "en" and desk.name_en else desk.name
    return name or str(_("desk"))


def _lang() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


@login_required
@require_http_methods(["GET", "POST"])
def desk_override(request: HttpRequest, org_id: int, party: str, desk: str) -> HttpResponse:
    """Correct a catalog desk for the organization: its numbers, its hours (picked as a
    preset or weekdays and times) and where its number works from, with the reason."""
    organization = _organization(request, org_id, write=request.method == "POST")
    found = services.catalog_desk(party, desk)
    if found is None:
        raise Http404
    record, shipped = found
    lang = _lang()
    current = DeskOverride.objects.filter(organization=organization, party=party, desk=desk).first()
    if request.method == "POST":
        form = DeskCorrectionForm(request.POST)
        if form.is_valid():
            try:
                services.override_desk(
                    organization, user=request.user, party=party, desk=desk, values=form.values()
                )
            except ValidationError as error:
                for field, problems in error.error_dict.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                messages.success(request, _("Corrected for your organization."))
                back = request.POST.get("next", "")
                if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                    return redirect(back)
                return redirect(
                    "facts:desk-override", org_id=organization.pk, party=party, desk=desk
                )
    else:
        form = DeskCorrectionForm(
            initial={
                "phone": (current.phone if current else "") or shipped.phone or "",
                "mobile_phone": (current.mobile_phone if current else "")
                or shipped.mobile_phone
                or "",
                "hours_mode": HOURS_KEEP,
                "phone_from_mode": PHONE_FROM_KEEP,
                "phone_from": list(current.phone_from_values or [])
                if current and current.phone_from is not None
                else [str(p) for p in shipped.phone_from],
            }
        )
    correction = corrections_for(organization).get((party, desk))
    catalog_rows = [
        {"field": FIELD_NAMES[name], "value": _words(lang, name, _value(shipped, name))}
        for name in ("phone", "mobile_phone", "hours", "phone_from")
    ]
    changes = (
        [
            {"field": FIELD_NAMES[name], "value": _words(lang, name, correction.values[name])}
            for name in correction.fields
        ]
        if correction
        else []
    )
    return render(
        request,
        "directory/desk_override.html",
        {
            "organization": organization,
            "party_name": _party_name(record, lang),
            "desk_name": _desk_name(shipped, lang),
            "catalog_rows": catalog_rows,
            "correction": correction,
            "changes": changes,
            "form": form,
            "can_write": can_write(request.user, organization.pk),
            "next": request.GET.get("next", "") or request.POST.get("next", ""),
            "party": party,
            "desk": desk,
        },
    )


def _value(desk: engine.Desk, name: str) -> Any:
    value = getattr(desk, name)
    return [str(p) for p in value] if name == "phone_from" else value


@login_required
@require_http_methods(["GET", "POST"])
def desk_override_delete(request: HttpRequest, org_id: int, party: str, desk: str) -> HttpResponse:
    """GET asks once (and deletes nothing); POST withdraws the correction."""
    organization = _organization(request, org_id, write=True)
    row = get_object_or_404(
        DeskOverride.objects.filter(organization=organization), party=party, desk=desk
    )
    if request.method == "GET":
        context = {
            "correction": row,
            "question": _("Delete this correction?"),
            "button": _("Delete this correction"),
            "action": request.path,
            "back": reverse("facts:desk-override", args=[organization.pk, party, desk]),
        }
        return render(request, "directory/desk_override_delete.html", context)
    services.withdraw_override(row)
    messages.success(request, _("The correction was withdrawn: the catalog's values apply again."))
    return redirect("facts:list", org_id=organization.pk)
