"""Pages that show or move a whole site file: the site page (contract map, assessment and
cases), import and export. The forms for a site's own rows are views.py's; the site file itself
(siteio, cards, problems) is madoguchi.sitefiles's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.bills.charts import monthly_chart
from madoguchi.bills.selectors import recurring_without_contract
from madoguchi.cases.assessment import stored_site, with_site_file_rows
from madoguchi.cases.selectors import recent_site_cases
from madoguchi.contracts.forms import party_label
from madoguchi.contracts.models import BillLine, CardBatch, Customer, Site
from madoguchi.contracts.selectors import ceased_holders
from madoguchi.contracts.services import record_card_prints
from madoguchi.directory.selectors import (
    Corrections,
    directory_with_key,
    parties_for,
)
from madoguchi.directory.services import catalog_desk
from madoguchi.engine import SiteFileError, assess, load_catalog
from madoguchi.engine import model as engine
from madoguchi.engine.dialling import number_to_dial
from madoguchi.engine.model import OnuLamps, Symptom
from madoguchi.engine.sitefile import Problem
from madoguchi.engine.sitemap import site_map
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.server.i18n import engine_lang
from madoguchi.server.uploads import refused_uploads
from madoguchi.sitefiles import card_batches
from madoguchi.sitefiles.cards import cards_pdf, site_card
from madoguchi.sitefiles.offline import staleness
from madoguchi.sitefiles.problems import problem_text
from madoguchi.sitefiles.siteio import (
    PartyReplaced,
    export_site_text,
    import_many,
    import_site_text,
)
from madoguchi.sites.forms import ImportForm, TroubleForm
from madoguchi.sites.views import user_site

# The findings that answer "a charge I do not recognise" (the unknown-charge symptom).
CHARGE_CODES = frozenset(
    {
        "unknown-charge",
        "charge-after-end",
        "double-billing",
        "residual-wholesaler-option",
        "unwanted-option",
        "convenience-store-fee",
        "not-cheaper",
        "duplicate-application",
    }
)


@login_required
@require_GET
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The rows the page lists; the open cases the site's document holds too are read only
    # when the cached document is stale (stored_site).
    site = user_site(request, pk)
    directory, corrections, key = directory_with_key(site.organization)
    stored = stored_site(site, directory=(directory, key))  # StoredSiteInvalid: unreadable_site
    record, parties = stored.record, stored.directory
    assessment = assess(record, lang=engine_lang(), catalog=load_catalog())
    writable = can_write(request.user, site.organization_id)
    routes = {route.service: route for route in assessment.routes}
    first_route = routes.get(assessment.first_call.service) if assessment.first_call else None
    contract_map = site_map(record, lang=engine_lang())
    bill_lines = site.bills.all()  # prefetched with the site's rows (user_site)
    copies = staleness(site, directory, record=record)
    return render(
        request,
        "sites/detail.html",
        {
            "site": site,
            "assessment": assessment,
            "first_route": first_route,
            "contract_map": contract_map,
            "desk_notes": desk_notes(
                site,
                corrections,
                [*contract_map, *([assessment.first_call] if assessment.first_call else [])],
                next_url=request.get_full_path(),
            ),
            "parties": parties,
            "contracts": site.contracts.all(),
            "site_cases": recent_site_cases(site),
            "events": site.events.all(),
            "can_write": writable,
            "trouble_form": TroubleForm(
                initial={
                    "symptoms": site.symptoms,
                    **{lamp: site.onu.get(lamp, "") for lamp in OnuLamps.model_fields},
                    "said_no_contract": site.said_no_contract,
                    "ceased": ceased_holders(site, directory),
                },
                site=site,
                directory=directory,
            ),
            "bill_months": bills_by_month(bill_lines, parties),
            "recurring": recurring_without_contract(site, bill_lines),
            "bill_chart": _bill_chart(site, parties, bill_lines),
            "fixed_time": site.assess_at is not None,
            "charge_trouble": Symptom.UNKNOWN_CHARGE in site.symptoms,
            "charge_findings": [
                (f, finding_dial(parties, f)) for f in assessment.findings if f.code in CHARGE_CODES
            ],
            "card_print": copies.printed,
            "copies": copies,
        },
    )


def finding_dial(directory: dict[str, engine.Party], finding: Any) -> str | None:
    """The number to dial for a finding's desk (a bill question, asked from any phone, so
    the number that reaches it from a mobile), by the engine's one rule: a finding's
    `phone` is the desk's listed number, which may be a short code that leads elsewhere."""
    party = directory.get(finding.party) if finding.party else None
    desk = next((d for d in party.desks if d.slug == finding.desk), None) if party else None
    return number_to_dial(desk, engine.PhoneFrom.MOBILE)


def desk_notes(
    site: Site, corrections: Corrections, routes: Iterable[Any], *, next_url: str
) -> dict[str, dict[str, Any]]:
    """For each catalog desk the page names ("party/desk"): the organization's correction
    of it, if any, and the page to correct it. A party the site file replaces is its own."""
    own = {data.get("slug") for data in site.parties}
    notes: dict[str, dict[str, Any]] = {}
    for route in routes:
        party, desk = getattr(route, "party", None), getattr(route, "desk", None)
        if not party or not desk or party in own or catalog_desk(party, desk) is None:
            continue
        url = reverse("facts:desk-override", args=[site.organization_id, party, desk])
        notes[f"{party}/{desk}"] = {
            "correction": corrections.get((party, desk)),
            "url": f"{url}?{urlencode({'next': next_url})}",
        }
    return notes


def _bill_chart(site: Site, parties: dict[str, engine.Party], lines: Iterable[BillLine]) -> Any:
    from madoguchi.server.templatetags.madoguchi import month, party_name, yen

    return monthly_chart(
        site,
        name=lambda slug: party_name(slug, parties),
        month_label=month,
        yen=lambda amount: yen(amount),
        lines=lines,
    )


@dataclass
class PartyBill:
    """One company's lines on one month's bill, and their total."""

    name: str
    lines: list[BillLine] = field(default_factory=list)
    total: int = 0


@dataclass
class MonthBills:
    month: str  # YYYY-MM
    title: str  # 2026年2月
    parties: list[PartyBill] = field(default_factory=list)
    total: int = 0


def month_title(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    if engine_lang() == "en":
        return dt.date(year, number, 1).strftime("%B %Y")
    return f"{year}年{number}月"


def bills_by_month(
    lines: Iterable[BillLine], directory: dict[str, engine.Party]
) -> list[MonthBills]:
    """A site's bill lines by month (newest first), each month by company with totals."""
    months: dict[str, dict[str, PartyBill]] = defaultdict(dict)
    for line in lines:
        party = directory.get(line.party)
        bill = months[line.month].setdefault(
            line.party, PartyBill(party_label(party) if party else line.party)
        )
        bill.lines.append(line)
        bill.total += line.yen
    answer = []
    for month in sorted(months, reverse=True):
        parties = sorted(months[month].values(), key=lambda bill: (-bill.total, bill.name))
        answer.append(MonthBills(month, month_title(month), parties, sum(b.total for b in parties)))
    return answer


@login_required
@require_http_methods(["GET", "POST"])
def site_import(request: HttpRequest) -> HttpResponse:
    organizations = organizations_for(request.user, write=True)
    if not organizations.exists():
        raise PermissionDenied
    if request.method == "POST" and "existing" in request.POST:
        return _import_decided(request, organizations)
    posted = request.method == "POST"  # bound even when every file was refused
    form = ImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        refused=refused_uploads(request),
    )
    failed: dict[str, Sequence[object]] = {}
    pending: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        organization = _chosen(request, organizations)
        keep_time = form.cleaned_data["keep_time"]
        files = []
        for upload in form.cleaned_data["files"]:
            try:
                files.append((upload.name, upload.read().decode("utf-8")))
            except UnicodeDecodeError:
                failed[upload.name] = [_("The file is not UTF-8 text.")]
        warned: dict[str, list[Problem]] = {}
        found: dict[str, Site] = {}
        # each file parsed, then saved on its own; one for a site we have waits for a choice
        saved, problems = import_many(
            organization, files, warned=warned, keep_time=keep_time, existing="ask", found=found
        )
        failed.update({name: [problem_text(p) for p in ps] for name, ps in problems.items()})
        texts = dict(files)
        pending = [
            {"name": name, "site": site, "content": texts[name], "keep_time": keep_time}
            for name, site in found.items()
        ]
        if saved:
            messages.success(request, _("%(count)d site(s) imported.") % {"count": len(saved)})
        for name, warnings in warned.items():
            for warning in warnings:
                messages.warning(request, _import_warning(name, warning))
        if not failed and not pending:
            return (
                redirect("sites:detail", pk=saved[0].pk)
                if len(saved) == 1
                else redirect("sites:list")
            )
    return render(
        request,
        "sites/import.html",
        {
            "form": form,
            "failed": failed,
            "pending": pending,
            "organizations": organizations,
            "organization": request.POST.get("organization", ""),
        },
    )


def _chosen(request: HttpRequest, organizations: QuerySet[Organization]) -> Organization:
    chosen = request.POST.get("organization")
    organization = organizations.filter(slug=chosen).first() if chosen else organizations.first()
    if organization is None:
        raise PermissionDenied
    return organization


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 12 else 0


def _import_decided(request: HttpRequest, organizations: QuerySet[Organization]) -> HttpResponse:
    """A file for a site that already exists, sent back with the person's choice: update
    that site (all its rows replaced, all or nothing) or add it as a new site."""
    organization = _chosen(request, organizations)
    name = request.POST.get("name", "")[:200]
    keep_time = request.POST.get("keep_time") == "on"
    site = None
    if request.POST["existing"] == "update":
        site = get_object_or_404(
            Site.objects.filter(organization=organization), pk=_int(request.POST.get("site"))
        )
    try:
        stored, warnings = import_site_text(
            organization, request.POST.get("content", ""), site=site, keep_time=keep_time
        )
    except SiteFileError as exc:
        return render(
            request,
            "sites/import.html",
            {
                "form": ImportForm(),
                "failed": {name: [problem_text(p) for p in exc.problems]},
                "pending": [],
                "organizations": organizations,
            },
        )
    for warning in warnings:
        messages.warning(request, _import_warning(name, warning))
    if site is not None:
        messages.success(request, _("The site was updated from the file."))
    else:
        messages.success(request, _("%(count)d site(s) imported.") % {"count": 1})
    return redirect("sites:detail", pk=stored.pk)


def _import_warning(name: str, warning: Problem) -> str:
    if isinstance(warning, PartyReplaced):
        return _(
            "%(file)s: %(path)s replaces %(party)s for this site only; "
            "your organization's directory is unchanged."
        ) % {"file": name, "path": warning.path, "party": warning.name}
    return f"{name}: {problem_text(warning)}"


@login_required
@require_GET
def site_export(request: HttpRequest, pk: int) -> HttpResponse:
    site = user_site(request, pk, rows=with_site_file_rows)
    response = HttpResponse(export_site_text(site), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="site-{site.pk}.yaml"'
    return response


# --- the emergency card beside the ONU ------------------------------------------------


def _card_response(request: HttpRequest, sites: list[Site], name: str) -> HttpResponse:
    """The cards of `sites` in one PDF; a POST (by someone who may write) records the print,
    so the site page can say when a printed card goes out of date."""
    size = request.POST.get("size") or request.GET.get("size") or "a4"
    printed = timezone.now()
    directories: dict[int, dict[str, engine.Party]] = {}
    made = []
    for site in sites:
        if site.organization_id not in directories:
            directories[site.organization_id] = parties_for(site.organization)
        directory = directories[site.organization_id]
        url = request.build_absolute_uri(reverse("sites:detail", args=[site.pk]))
        made.append(site_card(site, url, directory))
    pdf = cards_pdf(made, size=size, printed=printed)
    if request.method == "POST":
        record_card_prints(
            [(c.site, c.card.fingerprint()) for c in made], user=request.user, at=printed
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}-{size}.pdf"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def site_card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """One site's card: GET to look at it, POST to print it (recorded)."""
    site = user_site(request, pk, write=request.method == "POST", rows=with_site_file_rows)
    return _card_response(request, [site], f"card-{site.pk}")


@login_required
@require_POST
def cards_batch_start(request: HttpRequest) -> HttpResponse:
    """The cards of every site of a customer (`customer`), or of the organization, in one
    PDF, for an installer to print and hand over: made on the task queue; the person is
    sent to the page that shows how far it got and then offers the file."""
    organization = _chosen(request, organizations_for(request.user, write=True))
    customer = None
    if customer_id := _int(request.POST.get("customer")):
        customer = get_object_or_404(
            Customer.objects.filter(organization=organization), pk=customer_id
        )
    batch = card_batches.start(
        organization=organization,
        customer=customer,
        user=request.user,
        size=request.POST.get("size") or "a4",
        base_url=request.build_absolute_uri("/"),
    )
    if batch is None:
        messages.info(request, _("There are no sites to print cards for."))
        return redirect("sites:list")
    return redirect("sites:card-batch", batch_pk=batch.pk)


@login_required
@require_GET
def card_batch(request: HttpRequest, batch_pk: int) -> HttpResponse:
    """How a card batch is going; reloads itself until it has ended, then offers the PDF."""
    batch = get_object_or_404(
        CardBatch.objects.for_user(request.user).select_related("customer"), pk=batch_pk
    )
    running = batch.state == CardBatch.State.RUNNING
    ready = card_batches.file_path(batch) is not None
    percent = batch.done * 100 // batch.total if batch.total else 0
    return render(
        request,
        "sites/card_batch.html",
        {
            "batch": batch,
            "running": running,
            "waiting": running and batch.heartbeat is None,
            "writing": running and batch.total and batch.done >= batch.total,
            "percent": min(99, percent) if running else 100,
            "ready": ready,
        },
    )


@login_required
@require_GET
def card_batch_file(request: HttpRequest, batch_pk: int) -> FileResponse:
    """The finished batch's PDF (404 while it is being made, or after it was cleared away)."""
    batch = get_object_or_404(
        CardBatch.objects.for_user(request.user).select_related("organization"), pk=batch_pk
    )
    path = card_batches.file_path(batch)
    if path is None:
        raise Http404
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"cards-{batch.organization.slug}-{batch.size}.pdf",
        content_type="application/pdf",
    )
