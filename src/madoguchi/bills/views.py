"""The bill-file pages: upload, preview (what will be added, skipped and matched, the shared
payee names to answer, and for a statement no preset knows which column is what), confirm;
the same for an organization's sheet with a site column; the progress of a long import; and
the bill CSV export.

The uploaded file waits for the confirmation in a file under the data directory named by a
random token kept in the session (for that site, or that organization's sheet); it is deleted
once imported, and files left waiting for more than a day are deleted at the next upload.
Bill files may be larger than site files (bills.uploads.BILL_MAX_BYTES): these pages read
uploads with their own bound, so they take the CSRF check on themselves (after choosing the
handlers, as Django asks)."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.bills import jobs
from madoguchi.bills.forms import BillFileForm, ColumnsForm, OrganizationForm, PayeeForm
from madoguchi.bills.jobs import upload_dir
from madoguchi.bills.models import BillImport
from madoguchi.bills.parsing import ColumnMap, Problem, parse_columns, peek
from madoguchi.bills.selectors import own_csv
from madoguchi.bills.services import (
    ImportRefused,
    Outcome,
    Unanswered,
    answer_payee,
    import_bills,
    preview,
)
from madoguchi.bills.uploads import use_bill_upload_handlers
from madoguchi.contracts.models import Site
from madoguchi.contracts.selectors import user_site
from madoguchi.directory.selectors import parties_for
from madoguchi.orgs.choosing import organization_to_write
from madoguchi.orgs.models import Organization
from madoguchi.orgs.selectors import can_write
from madoguchi.server.templatetags.madoguchi import party_name
from madoguchi.server.uploads import refused_uploads

SESSION_KEY = "bill_uploads"
TOKEN_LENGTH = 22
KEEP_SECONDS = 24 * 3600


def _bill_uploads(request: HttpRequest) -> None:
    use_bill_upload_handlers(request)


def _writable_site(request: HttpRequest, pk: int) -> Site:
    site = user_site(request.user, pk)
    if not can_write(request.user, site.organization_id):
        raise PermissionDenied
    return site


def _upload_path(request: HttpRequest, owner: str, token: str) -> Path | None:
    """The waiting upload of `token`, if this session put it there for `owner`."""
    uploads = request.session.get(SESSION_KEY, {})
    if uploads.get(token, {}).get("for") != owner or len(token) != TOKEN_LENGTH:
        return None
    path = upload_dir() / token
    return path if path.is_file() else None


def _keep(request: HttpRequest, owner: str, upload: Any) -> tuple[str, Path]:
    folder = upload_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # a job waiting for (or on) the worker keeps its upload, however long the queue
    queued = set(
        BillImport.objects.filter(state=BillImport.State.RUNNING).values_list("token", flat=True)
    )
    for old in folder.iterdir():  # abandoned previews
        if old.name not in queued and old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)[:TOKEN_LENGTH]
    path = folder / token
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {"for": owner, "name": upload.name}
    request.session[SESSION_KEY] = dict(list(uploads.items())[-5:])
    return token, path


def _forget(request: HttpRequest, token: str, *, delete: bool = True) -> str:
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.pop(token, {})
    request.session[SESSION_KEY] = uploads
    if delete:
        (upload_dir() / token).unlink(missing_ok=True)
    return str(entry.get("name", ""))


def _lang() -> str:
    return "ja" if (get_language() or "ja").startswith("ja") else "en"


def _problems(problems: list[Problem]) -> list[str]:
    return [p.text(_lang()) for p in problems]


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def bills_import(request: HttpRequest, pk: int) -> HttpResponse:
    _bill_uploads(request)
    return _site_import(request, pk)


@csrf_protect
def _site_import(request: HttpRequest, pk: int) -> HttpResponse:
    site = _writable_site(request, pk)
    return _import_page(
        request,
        organization=site.organization,
        site=site,
        owner=f"site:{site.pk}",
        again=reverse("sites:bills-import", args=[site.pk]),
        done=reverse("sites:detail", args=[site.pk]) + "#bills",
        context={"site": site},
    )


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def bills_import_sheet(request: HttpRequest) -> HttpResponse:
    """An installer's sheet with a site column, for the whole organization."""
    _bill_uploads(request)
    return _sheet_import(request)


@csrf_protect
def _sheet_import(request: HttpRequest) -> HttpResponse:
    organization, writable = organization_to_write(request)
    token = request.POST.get("token", "")
    if token:  # the organization is the one the upload was kept for
        entry = request.session.get(SESSION_KEY, {}).get(token, {})
        kept = str(entry.get("for", "")).removeprefix("org:")
        organization = next((o for o in writable if str(o.pk) == kept), organization)
    return _import_page(
        request,
        organization=organization,
        site=None,
        owner=f"org:{organization.pk}",
        again=reverse("sites:bills-import-sheet"),
        done=reverse("sites:list"),
        context={
            "organization": organization,
            "organizations": OrganizationForm(
                initial={"organization": organization.slug}, organizations=writable
            )
            if len(writable) > 1
            else None,
        },
    )


def _import_page(
    request: HttpRequest,
    *,
    organization: Organization,
    site: Site | None,
    owner: str,
    again: str,
    done: str,
    context: dict[str, Any],
) -> HttpResponse:
    directory = parties_for(organization)

    def name(slug: str) -> str:
        return party_name(slug, directory)

    context |= {"form": BillFileForm()}

    def show(
        outcome: Outcome,
        token: str,
        columns: ColumnMap | None,
        columns_form: ColumnsForm | None,
    ) -> None:
        """The preview of a file read without a mapping asked for, or the columns question."""
        if site is None and outcome.needs_columns is not None:
            outcome.problems[:] = [_SHEET_HEADER]
        if outcome.needs_columns is not None and site is not None:
            asked = ColumnsForm(
                header=outcome.needs_columns.header, sample=outcome.needs_columns.sample
            )
            context.update(_columns_context(outcome, asked, token))
        else:
            payees = PayeeForm(unanswered=outcome.unanswered, party_name=name)
            _previewed(request, token, outcome, columns)
            context.update(_preview_context(outcome, payees, token, name, columns_form))

    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        path = _upload_path(request, owner, token)
        if path is None:
            messages.error(request, _("The uploaded file has expired. Please upload it again."))
            return redirect(again)
        columns_form: ColumnsForm | None = None
        columns = None
        if "col_date" in request.POST:
            with path.open("rb") as stream:  # the header, to list the columns again
                header, sample = peek(stream)
            columns_form = ColumnsForm(request.POST, header=header, sample=sample)
            if not columns_form.is_valid():
                context |= _columns_context(Outcome(), columns_form, token)
                return render(request, "bills/import.html", context)
            columns = columns_form.column_map()
        confirming = "map" not in request.POST
        uploads = request.session.get(SESSION_KEY, {})
        previewed = uploads.get(token, {}).get("previewed")
        if (
            confirming
            and previewed
            and previewed["columns"] == (columns.text() if columns else "")
            and jobs.runs_in_background(previewed["rows"], path.stat().st_size)
        ):  # a large file read cleanly by its preview: not read again in this request
            payees = PayeeForm(request.POST, unanswered=_unanswered(previewed), party_name=name)
            if payees.is_valid():
                return _import_in_background(
                    request, organization, site, token, previewed["rows"], columns, payees
                )
        if (
            not confirming
            and columns is not None
            and jobs.runs_in_background(0, path.stat().st_size)
        ):
            job = jobs.start_preview(
                organization=organization,
                site=site,
                user=request.user,
                token=token,
                name=str(uploads.get(token, {}).get("name", "")),
                columns=columns,
            )
            return redirect("sites:bills-progress", pk=job.pk)
        with path.open("rb") as stream:
            outcome = preview(organization=organization, site=site, stream=stream, columns=columns)
        if outcome.needs_columns is not None and site is not None:
            columns_form = ColumnsForm(
                header=outcome.needs_columns.header, sample=outcome.needs_columns.sample
            )
            context |= _columns_context(outcome, columns_form, token)
            return render(request, "bills/import.html", context)
        if columns_form is not None and outcome.problems:  # a bad mapping: asked again
            context |= _columns_context(outcome, columns_form, token, problems=True)
            return render(request, "bills/import.html", context)
        payees = PayeeForm(
            request.POST if confirming else None, unanswered=outcome.unanswered, party_name=name
        )
        if confirming and payees.is_valid() and not outcome.problems:
            if jobs.runs_in_background(outcome.rows, path.stat().st_size):
                return _import_in_background(
                    request, organization, site, token, outcome.rows, columns, payees
                )
            for payee, party in payees.answers().items():
                answer_payee(organization=organization, name=payee, party=party)
            try:
                with path.open("rb") as stream:
                    saved = import_bills(
                        organization=organization, site=site, stream=stream, columns=columns
                    )
            except ImportRefused as exc:
                outcome = exc.outcome
            else:
                _forget(request, token)
                messages.success(
                    request,
                    _("%(added)d bill line(s) added; %(already)d already imported.")
                    % {"added": saved.added, "already": saved.already},
                )
                return redirect(done)
        _previewed(request, token, outcome, columns)
        context |= _preview_context(outcome, payees, token, name, columns_form)
    elif request.method == "POST":
        form = BillFileForm(request.POST, request.FILES, refused=refused_uploads(request))
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            token, path = _keep(request, owner, upload)
            if jobs.runs_in_background(0, path.stat().st_size):
                job = jobs.start_preview(
                    organization=organization,
                    site=site,
                    user=request.user,
                    token=token,
                    name=upload.name,
                )
                return redirect("sites:bills-progress", pk=job.pk)
            with path.open("rb") as stream:
                outcome = preview(organization=organization, site=site, stream=stream)
            show(outcome, token, None, None)
    elif request.GET.get("preview", "").isdigit() and len(request.GET["preview"]) < 12:
        # a large file's preview, read in the background
        read = (
            BillImport.objects.for_user(request.user)
            .filter(pk=int(request.GET["preview"]), preview=True, state=BillImport.State.DONE)
            .first()
        )
        waiting = _upload_path(request, owner, read.token) if read is not None else None
        if read is not None and waiting is not None:
            given = read.result.get("given", "")
            columns = parse_columns(given) if given else None
            columns_form = None
            if columns is not None:
                with waiting.open("rb") as stream:
                    header, sample = peek(stream)
                columns_form = ColumnsForm(_columns_data(columns), header=header, sample=sample)
                columns_form.is_valid()
            show(jobs.outcome_from(read.result), read.token, columns, columns_form)
    return render(request, "bills/import.html", context)


def _import_in_background(
    request: HttpRequest,
    organization: Organization,
    site: Site | None,
    token: str,
    rows: int,
    columns: ColumnMap | None,
    payees: PayeeForm,
) -> HttpResponse:
    """Keep the shared payee names answered, start the waiting upload's import in the
    background and send the person to its progress page."""
    for payee, party in payees.answers().items():
        answer_payee(organization=organization, name=payee, party=party)
    job = jobs.start(
        organization=organization,
        site=site,
        user=request.user,
        token=token,
        name=_forget(request, token, delete=False),
        rows=rows,
        columns=columns,
    )
    return redirect("sites:bills-progress", pk=job.pk)


def _columns_data(columns: ColumnMap) -> dict[str, str]:
    """A column mapping as the columns form posts it."""
    data = {f"col_{role}": getattr(columns, role) for role in ColumnMap.ROLES}
    data["col_expenses"] = "negative" if columns.expenses_negative else "positive"
    return data


def _previewed(
    request: HttpRequest, token: str, outcome: Outcome, columns: ColumnMap | None
) -> None:
    """Note a clean preview with the waiting upload: its lines and the shared names it met
    (so confirming a large file starts its import without reading it again here)."""
    uploads = request.session.get(SESSION_KEY, {})
    if token not in uploads:
        return
    if outcome.problems:
        uploads[token].pop("previewed", None)
    else:
        uploads[token]["previewed"] = {
            "rows": outcome.rows,
            "columns": columns.text() if columns else "",
            "unanswered": [
                [key, u.name, list(u.candidates), u.first_line, u.lines]
                for key, u in outcome.unanswered.items()
            ],
        }
    request.session[SESSION_KEY] = uploads


def _unanswered(previewed: dict[str, Any]) -> dict[str, Unanswered]:
    return {
        key: Unanswered(name, tuple(candidates), first, lines)
        for key, name, candidates, first, lines in previewed["unanswered"]
    }


_SHEET_HEADER = Problem(
    1,
    "",
    "the header is not a sheet's: it needs the columns site, party, month and yen "
    "(item, contract and service if you have them)",
    "見出しの行が一覧表の形ではありません。site, party, month, yen の列が要ります "
    "(item, contract, service はあれば)",
)


def _columns_context(
    outcome: Outcome, form: ColumnsForm, token: str, *, problems: bool = False
) -> dict[str, Any]:
    return {
        "columns_form": form,
        "token": token,
        "problems": _problems(outcome.problems) if problems else [],
    }


def _preview_context(
    outcome: Outcome, payees: PayeeForm, token: str, name: Any, columns_form: ColumnsForm | None
) -> dict[str, Any]:
    matched = [
        {
            "site": outcome.sites[site_id].name if site_id in outcome.sites else "",
            "name": name(party),
            "lines": count,
            "yen": yen,
        }
        for (site_id, party), (count, yen) in sorted(
            outcome.matched.items(),
            key=lambda kv: (
                outcome.sites[kv[0][0]].name if kv[0][0] in outcome.sites else "",
                kv[0],
            ),
        )
    ]
    return {
        "outcome": outcome,
        "problems": _problems(outcome.problems),
        "matched": matched,
        "payees": payees,
        "token": token,
        "columns_form": None,
        "columns_hidden": columns_form,
    }


@login_required
@require_GET
def bills_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """How a background import is going; reloads itself until it has ended."""
    job = get_object_or_404(BillImport.objects.for_user(request.user).select_related("site"), pk=pk)
    again = (
        reverse("sites:bills-import", args=[job.site_id])
        if job.site_id
        else reverse("sites:bills-import-sheet")
    )
    if job.preview and job.state == BillImport.State.DONE:
        return redirect(f"{again}?preview={job.pk}")
    running = job.state == BillImport.State.RUNNING
    progress = jobs.progress_of(job) if running else None
    figures = {
        "lines": f"{progress.lines:,}" if progress else "",
        "rows": f"{job.rows:,}",
        "added": f"{int(job.result.get('added', 0)):,}",
        "already": f"{int(job.result.get('already', 0)):,}",
    }
    problems = [
        Problem(p["line"], p["column"], p["en"], p["ja"]) for p in job.result.get("problems", [])
    ]
    return render(
        request,
        "bills/progress.html",
        {
            "job": job,
            "running": running,
            "progress": progress,
            "figures": figures,
            "problems": _problems(problems),
            "again": again,
        },
    )


@login_required
@require_GET
def bills_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    site = user_site(request.user, pk)
    response = StreamingHttpResponse(own_csv(site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bills-{site.pk}.csv"'
    return response
