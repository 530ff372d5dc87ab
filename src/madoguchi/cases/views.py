"""The desk: dashboard, case page with the call assistant, the report, and statistics."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from madoguchi.cases import rows, selectors
from madoguchi.cases.assessment import stored_site
from madoguchi.cases.filters import CaseFilter
from madoguchi.cases.forms import (
    LogForm,
    OpenCaseForm,
    OutageForm,
    ReminderSettingsForm,
    SenderForm,
    SettleForm,
    blank_log_form,
    outage_form,
    party_choices,
)
from madoguchi.cases.ladder import ladder_progress, what_to_say
from madoguchi.cases.models import (
    Case,
    EntryKind,
    Outcome,
    Promise,
    ReminderSettings,
    Status,
)
from madoguchi.cases.report import letter_pdf, letter_text, report_markdown, report_pdf
from madoguchi.cases.services import (
    CaseError,
    assign,
    assignee_by_id,
    change_status,
    log_entry,
    open_case,
    save_reminder_settings,
    set_outage,
    settle_promise,
)
from madoguchi.cases.stats import party_figures
from madoguchi.contracts.models import Site
from madoguchi.contracts.records import site_directory
from madoguchi.contracts.services import save_sender
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import assess, load_catalog
from madoguchi.orgs.selectors import can_write, colleagues, members_of
from madoguchi.server.i18n import duration_text, engine_lang
from madoguchi.server.inputs import page_number

PAGE_SIZE = 20
# The findings that say what this case's customer is owed (or why nothing is owed yet).
OWED = ("outage-compensation", "outage-clock-not-started", "cancellation-fee-over-cap")
CALLS = (EntryKind.CALL_OUT, EntryKind.CALL_IN)


def _can_write(request: HttpRequest, case: Case) -> bool:
    return can_write(request.user, case.organization_id)


def _case(request: HttpRequest, pk: int, *, write: bool = False) -> Case:
    try:
        case = selectors.case_for_page(request.user, pk)
    except Case.DoesNotExist:
        raise Http404 from None
    if write and not _can_write(request, case):
        raise PermissionDenied
    return case


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """Every case, newest first, with keyword search and filters (the API's `GET /cases`)."""
    filters = CaseFilter.from_query(request.GET)
    number = _page_number(request, "page")
    found = selectors.listed_cases(request.user, filters, newest=number * PAGE_SIZE + 1)
    newest_first = rows.case_rows(found.order_by("-created", "-id"))
    items, more = rows.page_without_count(newest_first, number, PAGE_SIZE)
    return render(
        request,
        "cases/list.html",
        {
            "cases": rows.as_case_rows(items),
            "number": number,
            "more": more,
            "q": filters.q,
            "status": filters.status,
            "statuses": Status.choices,
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    filters = CaseFilter.from_query(request.GET)
    overdue_page = _page_number(request, "overdue_page")
    case_page = _page_number(request, "page")
    lists = selectors.desk_lists(request.user, filters, now, case_page, overdue_page, PAGE_SIZE)
    if lists is not None:  # statements prepared once: no party, no search
        cases, more_cases, case_count = lists.cases, lists.more_cases, lists.case_count
        overdue, more_overdue = lists.overdue, lists.more_overdue
        due_soon, overdue_count = lists.due_soon, lists.overdue_count
    else:
        cases, more_cases, overdue, more_overdue, due_soon, overdue_count, case_count = _desk_lists(
            request.user, now, filters, case_page, overdue_page
        )
    lang = engine_lang()
    directories = filters.directories(request.user)
    return render(
        request,
        "cases/dashboard.html",
        {
            "now": now,
            "overdue": rows.with_calls(rows.as_promise_rows(overdue), directories, lang),
            "overdue_count": overdue_count,
            "overdue_page": overdue_page,
            "more_overdue": more_overdue,
            "due_soon": rows.as_promise_rows(due_soon),
            "cases": rows.as_case_rows(cases),
            "case_count": case_count,
            "case_page": case_page,
            "more_cases": more_cases,
            "filters": request.GET,
            "assignees": colleagues(request.user),
            "site_choices": selectors.site_choices(request.user, filters.site),
            "party_choices": selectors.party_choices(directories, lang),
        },
    )


def _desk_lists(
    user: Any, now: dt.datetime, filters: CaseFilter, case_page: int, overdue_page: int
) -> tuple[list[Any], bool, list[Any], bool, list[Any], str, str]:
    """The dashboard's lists through the ORM (a party, a search, a far page)."""
    # The open cases are read up to the end of their page and one more row (whether there
    # is another page); the counts read their own lists (capped).
    case_rows = selectors.open_cases(user, filters, first=case_page * PAGE_SIZE + 1)
    cases, more_cases = rows.page_without_count(rows.case_rows(case_rows), case_page, PAGE_SIZE)
    if filters.party:
        overdue, more_overdue, due_soon, overdue_count = _awaited_of_party(
            user, now, filters, overdue_page
        )
        (case_count,) = rows.capped_counts(selectors.open_cases(user, filters, counting=True))
    else:
        overdue_rows = selectors.overdue_promises(user, now, filters)
        overdue, more_overdue = rows.page_without_count(
            rows.promise_rows(overdue_rows), overdue_page, PAGE_SIZE
        )
        soon_rows = selectors.promises_due_soon(user, now, filters)
        due_soon = list(rows.promise_rows(soon_rows)[:PAGE_SIZE])
        overdue_count, case_count = rows.capped_counts(
            overdue_rows, selectors.open_cases(user, filters, counting=True)
        )
    return cases, more_cases, overdue, more_overdue, due_soon, overdue_count, case_count


def _awaited_of_party(
    user: Any, now: dt.datetime, filters: CaseFilter, page: int
) -> tuple[list[dict[str, Any]], bool, list[dict[str, Any]], str]:
    """The dashboard's promises for a party through the ORM (selectors.awaited_of_party
    says why they are read this way)."""
    late, soon = selectors.awaited_of_party(user, now, filters)
    return selectors.party_promise_page(
        late,
        soon,
        page,
        PAGE_SIZE,
        lambda shown: rows.promise_rows(selectors.promises_by_ids(user, shown)),
    )


def _page_number(request: HttpRequest, name: str) -> int:
    return page_number(request.GET, name)


def _next_step(assessment: Any, party: str) -> Any:
    """The rung of the escalation ladder after the party that broke its promise."""
    ladder = assessment.escalation
    for index, step in enumerate(ladder):
        if step.party == party and index + 1 < len(ladder):
            return ladder[index + 1]
    return next((s for s in ladder if s.party != party), None)


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, _case(request, pk))


def _case_page(request: HttpRequest, case: Case, log_form: LogForm | None = None) -> HttpResponse:
    """The case page; with a refused call log form, that form again with what was typed."""
    now = timezone.now()
    site = case.site
    stored = stored_site(site, case)
    directory = stored.directory
    assessment = assess(stored.record, lang=engine_lang(), catalog=load_catalog())
    entries = selectors.timeline(case)
    promises = sorted(
        case.promises.all(), key=lambda p: (not p.is_overdue(now), p.state != "open", p.due)
    )
    overdue = [(p, _next_step(assessment, p.by)) for p in promises if p.is_overdue(now)]
    routes = {r.service: r for r in assessment.routes}
    first = assessment.first_call
    route = routes.get(first.service) if first else None
    references = [e.reference for e in entries if e.reference]
    ladder = ladder_progress(assessment.escalation, entries)
    holder = ladder.rungs[0].party_name if ladder.rungs else ""
    can_write_case = _can_write(request, case)
    if log_form is None:
        log_form_html = blank_log_form(party_choices(directory), first.party if first else "")
    else:
        log_form_html = log_form.as_p()
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "site": site,
            "assessment": assessment,
            "entries": entries,
            "promises": promises,
            "overdue": overdue,
            "first": first,
            "route": route,
            "parties": directory,
            "references": references,
            "outage": duration_text(case.outage(now)),
            "now_minute": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M"),
            "now": now,
            "can_write": can_write_case,
            "member_choices": _member_choices(case) if can_write_case else [],
            "log_form": log_form_html,
            "statuses": Status.choices,
            "ladder": ladder,
            "say": what_to_say(
                ladder.next,
                holder or "",
                broken=any(p.state == "broken" for p in promises),
                refused=any(e.outcome == Outcome.REFUSED for e in entries),
            )
            if ladder.next
            else "",
            "holder_unknown": [f for f in assessment.findings if f.code == "holder-unknown"],
            "owed": [f for f in assessment.findings if f.case == case.ref and f.code in OWED],
            "money": [f for f in assessment.findings if f.yearly_yen],
            "first_called": next((e for e in entries if e.kind in CALLS and e.party), None),
            "sender_form": SenderForm(
                initial={
                    "sender_name": site.sender_name,
                    "sender_address": site.sender_address,
                    "sender_phone": site.sender_phone,
                }
            ),
            "outage_form": outage_form(case.outage_started or now, case.outage_ended),
        },
        status=200 if log_form is None else 400,
    )


def _member_choices(case: Case) -> list[tuple[int, str]]:
    """Who the case can be assigned to, as (id, name) for the assignee picker."""
    return [
        (person.pk, person.get_full_name() or person.username)
        for person in members_of(case.organization_id)
    ]


@login_required
@require_POST
def case_open(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = get_object_or_404(Site.objects.for_user(request.user), pk=site_pk)
    if not can_write(request.user, site.organization_id):
        raise PermissionDenied
    form = OpenCaseForm(request.POST)
    if not form.is_valid():
        problems = " ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(
            request, _("The case could not be opened: %(problems)s") % {"problems": problems}
        )
        return redirect("sites:detail", pk=site.pk)
    case = open_case(
        site,
        user=request.user,
        title=form.cleaned_data["title"],
        outage_started=form.cleaned_data["outage_started"],
    )
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_log(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    directory = site_directory(case.site, parties_for(case.organization))
    form = LogForm(request.POST, parties=party_choices(directory))
    if form.is_valid():
        try:
            log_entry(case, user=request.user, **form.entry_values())
        except CaseError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Logged."))
    else:
        messages.error(request, _("Not logged yet: check the marked fields."))
        return _case_page(request, case, log_form=form)
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_status(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    try:
        change_status(
            case,
            user=request.user,
            to=request.POST.get("status", ""),
            said=request.POST.get("said", ""),
        )
    except (CaseError, KeyError):
        messages.error(request, _("That status change is not allowed."))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_outage(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    form = OutageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not saved: check the times."))
        return redirect("cases:detail", pk=case.pk)
    try:
        set_outage(
            case,
            user=request.user,
            started=form.cleaned_data["outage_started"],
            ended=form.cleaned_data["outage_ended"],
        )
    except CaseError as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def case_sender(request: HttpRequest, pk: int) -> HttpResponse:
    """Who signs the letter: kept on the case's site, for every letter of that site."""
    case = _case(request, pk, write=True)
    form = SenderForm(request.POST)
    if not form.is_valid():
        problems = " ".join(
            f"{form.fields[name].label}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        )
        messages.error(request, _("Not saved: %(problems)s") % {"problems": problems})
    else:
        data = form.cleaned_data
        save_sender(
            case.site,
            name=data["sender_name"],
            address=data["sender_address"],
            phone=data["sender_phone"],
        )
        messages.success(request, _("Saved: the letter carries your name, address and phone."))
    return redirect(f"{reverse('cases:detail', args=[case.pk])}#letter")


@login_required
@require_POST
def case_assign(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk, write=True)
    try:
        assign(case, user=request.user, to=assignee_by_id(request.POST.get("assignee", "")))
    except CaseError as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def promise_settle(request: HttpRequest, pk: int, promise_pk: int, verdict: str) -> HttpResponse:
    if verdict not in ("kept", "broken"):
        raise Http404
    case = _case(request, pk, write=True)
    promise = get_object_or_404(Promise.objects.filter(case=case), pk=promise_pk)
    form = SettleForm(request.POST)
    at = form.cleaned_data["at"] if form.is_valid() else None
    try:
        settle_promise(promise, user=request.user, kept=verdict == "kept", at=at)
    except CaseError as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_GET
def case_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in ("md", "pdf"):
        raise Http404
    case = _case(request, pk)
    stamp = timezone.localdate().isoformat()
    if fmt == "pdf":
        response = HttpResponse(report_pdf(case), content_type="application/pdf")
    else:
        response = HttpResponse(report_markdown(case), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}-{stamp}.{fmt}"'
    return response


@login_required
@require_GET
def case_letter(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The complaint letter (申入書) to the next desk: a PDF, or text to paste into a form."""
    if fmt not in ("txt", "pdf"):
        raise Http404
    case = _case(request, pk)
    stamp = timezone.localdate().isoformat()
    if fmt == "pdf":
        response = HttpResponse(letter_pdf(case), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="letter-{case.pk}-{stamp}.pdf"'
    else:
        response = HttpResponse(letter_text(case), content_type="text/plain; charset=utf-8")
    return response


@login_required
@require_GET
def party_stats(request: HttpRequest) -> HttpResponse:
    figures = party_figures(request.user, timezone.now())
    longest = max((f.p90_restore.total_seconds() for f in figures if f.p90_restore), default=0)
    rows = [
        {
            "f": f,
            "median": duration_text(f.median_restore),
            "p90": duration_text(f.p90_restore),
            "bar": int(100 * f.median_restore.total_seconds() / longest)
            if longest and f.median_restore
            else 0,
            "bar90": int(100 * f.p90_restore.total_seconds() / longest)
            if longest and f.p90_restore
            else 0,
            "kept": f"{f.kept_share:.0%}" if f.kept_share is not None else "—",
        }
        for f in figures
    ]
    return render(request, "cases/stats.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """The user's own e-mail address and which reminders they want."""
    user: Any = request.user
    current = ReminderSettings.objects.filter(user=user).first()
    initial = {
        "email": user.email,
        "deadlines": current.deadlines if current else True,
        "contract_ends": current.contract_ends if current else True,
    }
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        save_reminder_settings(user, **form.cleaned_data)
        messages.success(request, _("Reminder settings saved."))
        return redirect("cases:reminders")
    return render(request, "cases/reminders.html", {"form": form})
