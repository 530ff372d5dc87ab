"""Web pages for a site's own rows: the site list, forms for contracts, events and the
current trouble. The site page, import and export show a whole site file (its cases too):
they are document_views.py's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.contracts import selectors, services
from madoguchi.contracts.forms import BillForm
from madoguchi.contracts.integrity import SiteWouldBreak
from madoguchi.contracts.models import Contract, Customer, Site
from madoguchi.contracts.records import (
    BILLS,
    CONTRACTS,
    EVENTS,
    RowKind,
    site_directory,
    with_site_rows,
)
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import load_catalog
from madoguchi.engine import model as engine
from madoguchi.orgs.choosing import organization_to_write
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write, organizations_for
from madoguchi.sites.forms import (
    ID_HELP,
    SERVICE_QUESTIONS,
    UNKNOWN,
    ContractPageForm,
    EventPageForm,
    HoldersForm,
    NewSiteForm,
    TroubleForm,
)

PAGE_SIZE = 25


def user_site(
    request: HttpRequest,
    pk: int,
    *,
    write: bool = False,
    rows: Callable[[QuerySet[Site]], QuerySet[Site]] = with_site_rows,
) -> Site:
    """The user's site, 404 if it is another organization's, 403 if they may only read it."""
    site = selectors.user_site(request.user, pk, rows)
    if write and not can_write(request.user, site.organization_id):
        raise PermissionDenied
    return site


@login_required
@require_GET
def site_list(request: HttpRequest) -> HttpResponse:
    sites = selectors.searched_sites(request.user, q=request.GET.get("q", ""))
    # Counted by a subquery per listed site, not a join and GROUP BY over every match: the
    # page's count then leaves it out (PostgreSQL at 10⁶ cases: 30 ms for the count alone).
    contracts = Contract.objects.filter(site=OuterRef("pk")).order_by().values("site")
    counted = contracts.annotate(n=Count("pk")).values("n")
    sites = sites.annotate(contract_count=Coalesce(Subquery(counted), 0))
    page = Paginator(sites, PAGE_SIZE).get_page(request.GET.get("page"))
    can_write = organizations_for(request.user, write=True).exists()
    return render(
        request,
        "sites/list.html",
        {"page": page, "q": request.GET.get("q", ""), "can_write": can_write},
    )


@dataclass(frozen=True)
class RowPages:
    """How the site page edits one kind of a site's rows (contracts, events, bill lines)."""

    kind: RowKind
    form: type[ContractPageForm | EventPageForm | BillForm]
    url: str  # the URL names' stem: `contract` gives contract-add, -edit, -delete
    title_add: str | Promise
    title_edit: str | Promise
    saved: str | Promise
    deleted: str | Promise
    delete: str | Promise  # the button: "この出来事を削除"
    delete_question: str | Promise  # asked once before: "この出来事を削除しますか？"


ROW_PAGES = (
    RowPages(
        CONTRACTS,
        ContractPageForm,
        "contract",
        gettext_lazy("Add contract"),
        gettext_lazy("Edit contract"),
        gettext_lazy("Contract saved."),
        gettext_lazy("Contract deleted."),
        gettext_lazy("Delete this contract"),
        gettext_lazy("Delete this contract?"),
    ),
    RowPages(
        EVENTS,
        EventPageForm,
        "event",
        gettext_lazy("Add event"),
        gettext_lazy("Edit event"),
        gettext_lazy("Event saved."),
        gettext_lazy("Event deleted."),
        gettext_lazy("Delete this event"),
        gettext_lazy("Delete this event?"),
    ),
    RowPages(
        BILLS,
        BillForm,
        "bill",
        gettext_lazy("Add a bill line"),
        gettext_lazy("Edit bill line"),
        gettext_lazy("Bill line saved."),
        gettext_lazy("Bill line deleted."),
        gettext_lazy("Delete this bill line"),
        gettext_lazy("Delete this bill line?"),
    ),
)


@login_required
@require_http_methods(["GET", "POST"])
def row_edit(request: HttpRequest, pk: int, pages: RowPages, **row_pk: int) -> HttpResponse:
    """Add a row (no row id in the URL) or edit one."""
    site = user_site(request, pk, write=True)
    if row_pk:
        row = get_object_or_404(
            pages.kind.model.objects.filter(site=site), pk=next(iter(row_pk.values()))
        )
    else:
        row = services.new_row(pages.kind, site=site)
    form = pages.form(request.POST or None, instance=row, site=site, directory=site_directory(site))
    if request.method == "POST" and form.is_valid() and _saved(form, pages.kind):
        messages.success(request, str(pages.saved))
        return redirect("sites:detail", pk=site.pk)
    title = pages.title_edit if row.pk else pages.title_add
    context = {
        "site": site,
        "form": form,
        "title": title,
        "delete_url": f"sites:{pages.url}-delete",
        "delete": pages.delete,
        "id_help": ID_HELP,
    }
    return render(request, "sites/child_form.html", context)


def _saved(form: ContractPageForm | EventPageForm | BillForm, kind: RowKind) -> bool:
    """Save, unless the site would then no longer read as a site file (the problem is shown
    on the form, on the field when it is this row's)."""
    values = {name: form.cleaned_data[name] for name in kind.fields}
    try:
        services.save_row(form.instance, values=values)
    except SiteWouldBreak as exc:
        for field, message in exc.fields():
            form.add_error(field if field in form.fields else None, f"{field}: {message}")
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def row_delete(request: HttpRequest, pk: int, pages: RowPages, **row_pk: int) -> HttpResponse:
    """GET asks once what is about to be deleted (and deletes nothing); POST deletes."""
    site = user_site(request, pk, write=True)
    row = get_object_or_404(
        pages.kind.model.objects.filter(site=site), pk=next(iter(row_pk.values()))
    )
    if request.method == "GET":
        context = {
            "site": site,
            "row": row,
            "kind": pages.url,
            "parties": site_directory(site),
            "question": pages.delete_question,
            "button": pages.delete,
            "action": request.path,
            "back": reverse(f"sites:{pages.url}-edit", args=[site.pk, row.pk]),
        }
        return render(request, "sites/row_delete.html", context)
    try:
        services.delete_row(row)
    except SiteWouldBreak as exc:
        detail = "; ".join(str(p) for p in exc.problems)
        messages.error(
            request, _("Not deleted: other records refer to it (%(detail)s).") % {"detail": detail}
        )
    else:
        messages.success(request, str(pages.deleted))
    return redirect("sites:detail", pk=site.pk)


@login_required
@require_POST
def trouble_update(request: HttpRequest, pk: int) -> HttpResponse:
    site = user_site(request, pk, write=True)
    form = TroubleForm(request.POST, site=site)
    if not form.is_valid():
        messages.error(request, _("Not saved: choose from the choices shown."))
        return redirect("sites:detail", pk=site.pk)
    services.save_trouble(site, symptoms=form.cleaned_data["symptoms"], lamps=form.lamps())
    said = form.ticked_no_contract()
    if said is not None and said != list(site.said_no_contract):
        services.save_said_no_contract(site, parties=said)
    ceased = form.ticked_ceased()
    if ceased is not None and set(ceased) != set(selectors.ceased_holders(site)):
        services.save_ceased_holders(site, ceased=ceased)
    messages.success(request, _("Trouble updated."))
    return redirect("sites:detail", pk=site.pk)


@login_required
@require_POST
def live_clock(request: HttpRequest, pk: int) -> HttpResponse:
    """Stop assessing the site at the fixed time of an imported file."""
    site = user_site(request, pk, write=True, rows=lambda sites: sites)
    services.use_live_clock(site)
    messages.success(request, _("The site is checked at the current time again."))
    return redirect("sites:detail", pk=site.pk)


# --- a new site in two steps: where and whose it is, then who holds each service ----------

CUSTOMERS_LISTED = 1000  # more than an installer's customers; the list is a plain <select>


@login_required
@require_http_methods(["GET", "POST"])
def site_new(request: HttpRequest) -> HttpResponse:
    """Step 1 asks for the place; step 2 (the same URL, step 1's answers carried along)
    asks who holds each service and creates everything at once."""
    organization, writable = organization_to_write(request)
    customers = list(
        Customer.objects.filter(organization=organization).values_list("pk", "name")[
            :CUSTOMERS_LISTED
        ]
    )
    step = request.POST.get("step", "")
    site_form = NewSiteForm(request.POST if step else None, customers=customers)
    context: dict[str, object] = {
        "organization": organization,
        "organizations": writable,
        "site_form": site_form,
    }
    if step in ("", "back") or not site_form.is_valid():
        if step == "back":
            site_form.errors.clear()
        return render(request, "sites/new.html", context)
    place = site_form.cleaned_data
    prefecture = load_catalog().prefecture(place["prefecture"])
    region = prefecture.region.value if prefecture else None
    directory = parties_for(organization)
    holders_form = HoldersForm(
        request.POST if step == "holders" else None, directory=directory, region=region
    )
    context |= {"holders_form": holders_form, "prefecture": place["prefecture"]}
    if step != "holders" or not holders_form.is_valid():
        return render(request, "sites/new_holders.html", context)
    try:
        site = _create_site(organization, place, holders_form, region, customers)
    except (SiteWouldBreak, ValidationError) as exc:
        holders_form.add_error(None, _("Nothing was saved: %(problem)s") % {"problem": exc})
        return render(request, "sites/new_holders.html", context)
    answers = holders_form.holders()
    unknown = [str(q) for s, q, _ref in SERVICE_QUESTIONS if answers.get(s) == UNKNOWN]
    messages.success(request, _("Site created."))
    if unknown:
        messages.info(
            request,
            _(
                "Not known yet: %(services)s. The company's name is usually on bills, card or "
                "bank statements, the e-mail address, router labels or the application copy; "
                "add it with “Add contract” when you find it."
            )
            % {"services": ", ".join(unknown)},
        )
    return redirect("sites:detail", pk=site.pk)


def _create_site(
    organization: Organization,
    place: dict[str, Any],
    form: HoldersForm,
    region: str | None,
    customers: list[tuple[int, str]],
) -> Site:
    refs = {service: ref for service, _question, ref in SERVICE_QUESTIONS}
    holders = {
        service: (refs[service], holder)
        for service, holder in form.holders().items()
        if holder != UNKNOWN
    }
    party = form.new_party()
    customer_id = int(place["customer"]) if place.get("customer") else None
    customer = (
        Customer.objects.get(organization=organization, pk=customer_id)
        if customer_id in {pk for pk, _name in customers}
        else None
    )
    return services.create_site_with_holders(
        organization=organization,
        values={
            "name": place["name"],
            "prefecture": place["prefecture"],
            "region": region or "",
            "building": place.get("building") or "",
            "holder": place.get("holder") or engine.Holder.PERSON,
        },
        holders=holders,
        includes_isp=bool(form.cleaned_data.get("includes_isp")),
        customer=customer,
        new_customer=place.get("new_customer", ""),
        new_party=services.OwnParty(**party) if party else None,
    )
