"""Pages that show or move a whole site file: the site page (contract map, assessment and
cases), import and export. The forms for a site's own rows are sites.views."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.cases.models import Case
from madoguchi.directory.selectors import parties_for
from madoguchi.engine.sitefile import Problem
from madoguchi.engine.sitemap import site_map
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.server.i18n import engine_lang
from madoguchi.server.uploads import refused_uploads
from madoguchi.sitefiles.adapter import assess_site, site_record, with_site_file_rows
from madoguchi.sitefiles.forms import ImportForm
from madoguchi.sitefiles.siteio import PartyReplaced, export_site_text, import_many
from madoguchi.sites.forms import TroubleForm
from madoguchi.sites.records import site_directory
from madoguchi.sites.views import user_site


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = user_site(request, pk, rows=with_site_file_rows)
    directory = parties_for(site.organization)
    record = site_record(site, directory)
    assessment = assess_site(site, lang=engine_lang(), directory=directory)
    writable = can_write(request.user, site.organization_id)
    routes = {route.service: route for route in assessment.routes}
    first_route = routes.get(assessment.first_call.service) if assessment.first_call else None
    return render(
        request,
        "sites/detail.html",
        {
            "site": site,
            "assessment": assessment,
            "first_route": first_route,
            "contract_map": site_map(record, lang=engine_lang()),
            "parties": site_directory(site, directory),
            "contracts": site.contracts.all(),
            "site_cases": Case.objects.filter(site=site).order_by("-created", "-id")[:20],
            "events": site.events.all(),
            "can_write": writable,
            "trouble_form": TroubleForm(initial={"symptoms": site.symptoms, **site.onu}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    organizations = organizations_for(request.user, write=True)
    if not organizations.exists():
        raise PermissionDenied
    posted = request.method == "POST"  # bound even when every file was refused
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        refused=refused_uploads(request),
    )
    failed: dict[str, Sequence[object]] = {}
    if request.method == "POST" and form.is_valid():
        chosen = request.POST.get("organization")
        organization = (
            organizations.filter(slug=chosen).first() if chosen else organizations.first()
        )
        if organization is None:
            raise PermissionDenied
        files = []
        for upload in form.cleaned_data["files"]:
            try:
                files.append((upload.name, upload.read().decode("utf-8")))
            except UnicodeDecodeError:
                failed[upload.name] = [_("not UTF-8 text")]
        warned: dict[str, list[Problem]] = {}
        # each file parsed, then saved on its own
        saved, problems = import_many(organization, files, warned=warned)
        failed.update(problems)
        if saved:
            messages.success(request, _("%(count)d site(s) imported.") % {"count": len(saved)})
        for name, warnings in warned.items():
            for warning in warnings:
                messages.warning(request, _import_warning(name, warning))
        if not failed:
            return (
                redirect("sites:detail", pk=saved[0].pk)
                if len(saved) == 1
                else redirect("sites:list")
            )
    return render(
        request,
        "sites/import.html",
        {"form": form, "failed": failed, "organizations": organizations},
    )


def _import_warning(name: str, warning: Problem) -> str:
    if isinstance(warning, PartyReplaced):
        return _(
            "%(file)s: %(path)s replaces %(party)s for this site only; "
            "your organization's directory is unchanged."
        ) % {"file": name, "path": warning.path, "party": warning.name}
    return f"{name}: {warning}"


@login_required
@require_GET
def site_export(request: HttpRequest, pk: int) -> HttpResponse:
    site = user_site(request, pk, rows=with_site_file_rows)
    response = HttpResponse(export_site_text(site), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="site-{site.pk}.yaml"'
    return response
