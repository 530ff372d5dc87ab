"""The bill-file pages: upload, preview (what will be added, skipped and matched, and the
shared payee names to answer), confirm; and the bill CSV export.

The uploaded file waits for the confirmation in a file under the data directory named by a
random token kept in the session (for that site only); it is deleted once imported, and files
left waiting for more than a day are deleted at the next upload."""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.bills.forms import BillFileForm, PayeeForm
from madoguchi.bills.selectors import own_csv
from madoguchi.bills.services import ImportRefused, Outcome, answer_payee, import_bills, preview
from madoguchi.directory.selectors import parties_for
from madoguchi.orgs.selectors import can_write
from madoguchi.sites.models import Site
from madoguchi.sites.selectors import user_site
from madoguchi.sites.templatetags.madoguchi import party_name

SESSION_KEY = "bill_uploads"
TOKEN_LENGTH = 22
KEEP_SECONDS = 24 * 3600


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "bill-uploads"


def _writable_site(request: HttpRequest, pk: int) -> Site:
    site = user_site(request.user, pk)
    if not can_write(request.user, site.organization_id):
        raise PermissionDenied
    return site


def _upload_path(request: HttpRequest, site: Site, token: str) -> Path | None:
    """The waiting upload of `token`, if this session put it there for this site."""
    uploads = request.session.get(SESSION_KEY, {})
    if uploads.get(token, {}).get("site") != site.pk or len(token) != TOKEN_LENGTH:
        return None
    path = upload_dir() / token
    return path if path.is_file() else None


def _keep(request: HttpRequest, site: Site, upload: Any) -> tuple[str, Path]:
    folder = upload_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in folder.iterdir():  # abandoned previews
        if old.stat().st_mtime < time.time() - KEEP_SECONDS:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)[:TOKEN_LENGTH]
    path = folder / token
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = request.session.get(SESSION_KEY, {})
    uploads[token] = {"site": site.pk, "name": upload.name}
    request.session[SESSION_KEY] = dict(list(uploads.items())[-5:])
    return token, path


def _forget(request: HttpRequest, token: str) -> None:
    uploads = request.session.get(SESSION_KEY, {})
    uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    (upload_dir() / token).unlink(missing_ok=True)


def _problems(outcome: Outcome) -> list[str]:
    lang = "ja" if (get_language() or "ja").startswith("ja") else "en"
    return [p.text(lang) for p in outcome.problems]


@login_required
@require_http_methods(["GET", "POST"])
def bills_import(request: HttpRequest, pk: int) -> HttpResponse:
    site = _writable_site(request, pk)
    directory = parties_for(site.organization)

    def name(slug: str) -> str:
        return party_name(slug, directory)

    context: dict[str, Any] = {"site": site, "form": BillFileForm()}
    token = request.POST.get("token", "")
    if request.method == "POST" and token:
        path = _upload_path(request, site, token)
        if path is None:
            messages.error(request, _("The uploaded file has expired. Please upload it again."))
            return redirect("sites:bills-import", pk=site.pk)
        with path.open("rb") as stream:
            outcome = preview(organization=site.organization, site=site, stream=stream)
        payees = PayeeForm(request.POST, unanswered=outcome.unanswered, party_name=name)
        if payees.is_valid() and not outcome.problems:
            for payee, party in payees.answers().items():
                answer_payee(organization=site.organization, name=payee, party=party)
            try:
                with path.open("rb") as stream:
                    done = import_bills(organization=site.organization, site=site, stream=stream)
            except ImportRefused as exc:
                outcome = exc.outcome
            else:
                _forget(request, token)
                messages.success(
                    request,
                    _("%(added)d bill line(s) added; %(already)d already imported.")
                    % {"added": done.added, "already": done.already},
                )
                return redirect(reverse("sites:detail", args=[site.pk]) + "#bills")
        context |= _preview_context(outcome, payees, token, name)
    elif request.method == "POST":
        form = BillFileForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            token, path = _keep(request, site, form.cleaned_data["file"])
            with path.open("rb") as stream:
                outcome = preview(organization=site.organization, site=site, stream=stream)
            payees = PayeeForm(unanswered=outcome.unanswered, party_name=name)
            context |= _preview_context(outcome, payees, token, name)
    return render(request, "bills/import.html", context)


def _preview_context(outcome: Outcome, payees: PayeeForm, token: str, name: Any) -> dict[str, Any]:
    matched = [
        {"name": name(party), "lines": count, "yen": yen}
        for (_site, party), (count, yen) in sorted(outcome.matched.items())
    ]
    return {
        "outcome": outcome,
        "problems": _problems(outcome),
        "matched": matched,
        "payees": payees,
        "token": token,
    }


@login_required
@require_GET
def bills_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    site = user_site(request.user, pk)
    response = StreamingHttpResponse(own_csv(site), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bills-{site.pk}.csv"'
    return response
