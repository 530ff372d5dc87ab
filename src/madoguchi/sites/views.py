"""Web pages for sites: list, site page with the contract map and the call-now panel,
forms for contracts, events and the current trouble, import and export."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.cases.models import Case
from madoguchi.directory.services import parties_for
from madoguchi.engine.sitefile import Problem
from madoguchi.engine.sitemap import site_map
from madoguchi.orgs.models import can_write, organizations_for
from madoguchi.server.i18n import engine_lang
from madoguchi.server.uploads import refused_uploads
from madoguchi.sites.adapter import assess_site, site_directory, site_record, with_site_file_rows
from madoguchi.sites.forms import ContractForm, EventForm, ImportForm, TroubleForm
from madoguchi.sites.integrity import SiteWouldBreak, field_of, keeping_site_valid, row_prefix
from madoguchi.sites.models import Contract, Event, Site
from madoguchi.sites.services import save_trouble
from madoguchi.sites.siteio import PartyReplaced, export_site_text, import_many

PAGE_SIZE = 25


def _get_site(request: HttpRequest, pk: int, *, write: bool = False) -> Site:
    """The user's site, 404 if it is another organization's, 403 if they may only read it.

    Prefetches what the site page and the assessment read.
    """
    site = get_object_or_404(with_site_file_rows(Site.objects.for_user(request.user)), pk=pk)
    if write and not can_write(request.user, site.organization_id):
        raise PermissionDenied
    return site


def searched_sites(request: HttpRequest) -> QuerySet[Site]:
    sites = Site.objects.for_user(request.user).select_related("customer", "organization")
    if query := request.GET.get("q", "").strip():
        sites = sites.filter(
            Q(name__icontains=query)
            | Q(customer__name__icontains=query)
            | Q(prefecture__icontains=query)
            | Q(contracts__ids__icontains=query)
        ).distinct()
    return sites.annotate(contract_count=Count("contracts", distinct=True)).order_by("name", "id")


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(searched_sites(request), PAGE_SIZE).get_page(request.GET.get("page"))
    can_write = organizations_for(request.user, write=True).exists()
    return render(
        request,
        "sites/list.html",
        {"page": page, "q": request.GET.get("q", ""), "can_write": can_write},
    )


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = _get_site(request, pk)
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
            "contracts": site.contracts.all(),
            "site_cases": Case.objects.filter(site=site).order_by("-created", "-id")[:20],
            "events": site.events.all(),
            "can_write": writable,
            "trouble_form": TroubleForm(initial={"symptoms": site.symptoms, **site.onu}),
        },
    )


def _known_parties(site: Site) -> set[str]:
    return set(site_directory(site))


@dataclass(frozen=True)
class ChildKind:
    """How the site page edits one kind of row of a site (contracts, events)."""

    model: type[Contract | Event]
    form: type[ContractForm | EventForm]
    related: str
    title_add: str
    title_edit: str
    saved: str
    deleted: str
    delete_url: str


CONTRACTS = ChildKind(
    Contract,
    ContractForm,
    "contracts",
    gettext_lazy("Add contract"),
    gettext_lazy("Edit contract"),
    gettext_lazy("Contract saved."),
    gettext_lazy("Contract deleted."),
    "sites:contract-delete",
)
EVENTS = ChildKind(
    Event,
    EventForm,
    "events",
    gettext_lazy("Add event"),
    gettext_lazy("Edit event"),
    gettext_lazy("Event saved."),
    gettext_lazy("Event deleted."),
    "sites:event-delete",
)


def _edit_child(
    request: HttpRequest, kind: ChildKind, pk: int, child_pk: int | None
) -> HttpResponse:
    site = _get_site(request, pk, write=True)
    if child_pk is not None:
        row = get_object_or_404(kind.model.objects.filter(site=site), pk=child_pk)
    else:
        position = getattr(site, kind.related).count()
        row = kind.model(site=site, organization=site.organization, position=position)
    form = kind.form(
        request.POST or None, instance=row, site=site, known_parties=_known_parties(site)
    )
    if request.method == "POST" and form.is_valid() and _saved_keeping_site_valid(form, kind):
        messages.success(request, kind.saved)
        return redirect("sites:detail", pk=site.pk)
    title = kind.title_edit if row.pk else kind.title_add
    context = {"site": site, "form": form, "title": title, "delete_url": kind.delete_url}
    return render(request, "sites/child_form.html", context)


def _saved_keeping_site_valid(form: ContractForm | EventForm, kind: ChildKind) -> bool:
    """Save, unless the site would then no longer read as a site file (the problem is shown
    on the form, on the field when it is this row's)."""
    prefix, pk = "", form.instance.pk
    try:
        with keeping_site_valid(form.instance.site_id):
            row = form.save()
            prefix = row_prefix(row.site_id, kind.model, row.pk, kind.related)
    except SiteWouldBreak as exc:
        form.instance.pk = pk  # a new row was rolled back: it has no id
        for problem in exc.problems:
            field = field_of(problem.path, prefix)
            form.add_error(field if field in form.fields else None, f"{field}: {problem.message}")
        return False
    return True


def _delete_child(request: HttpRequest, kind: ChildKind, pk: int, child_pk: int) -> HttpResponse:
    site = _get_site(request, pk, write=True)
    row = get_object_or_404(kind.model.objects.filter(site=site), pk=child_pk)
    try:
        with keeping_site_valid(site.pk):
            row.delete()
    except SiteWouldBreak as exc:
        detail = "; ".join(str(p) for p in exc.problems)
        messages.error(
            request, _("Not deleted: other records refer to it (%(detail)s).") % {"detail": detail}
        )
    else:
        messages.success(request, kind.deleted)
    return redirect("sites:detail", pk=site.pk)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request: HttpRequest, pk: int, contract_pk: int | None = None) -> HttpResponse:
    return _edit_child(request, CONTRACTS, pk, contract_pk)


@login_required
@require_POST
def contract_delete(request: HttpRequest, pk: int, contract_pk: int) -> HttpResponse:
    return _delete_child(request, CONTRACTS, pk, contract_pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int, event_pk: int | None = None) -> HttpResponse:
    return _edit_child(request, EVENTS, pk, event_pk)


@login_required
@require_POST
def event_delete(request: HttpRequest, pk: int, event_pk: int) -> HttpResponse:
    return _delete_child(request, EVENTS, pk, event_pk)


@login_required
@require_POST
def trouble_update(request: HttpRequest, pk: int) -> HttpResponse:
    site = _get_site(request, pk, write=True)
    form = TroubleForm(request.POST)
    if form.is_valid():
        save_trouble(site, symptoms=form.cleaned_data["symptoms"], lamps=form.lamps())
        messages.success(request, _("Trouble updated."))
    return redirect("sites:detail", pk=site.pk)


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
    failed: dict[str, list[object]] = {}
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
    site = _get_site(request, pk)
    response = HttpResponse(export_site_text(site), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="site-{site.pk}.yaml"'
    return response
