"""Calendar pages: the user's private feed address (made, shown once, revoked), the feed
itself (no login: the secret address is the key), and an .ics file per site and per case."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.cases.models import Case
from madoguchi.contracts.models import Site
from madoguchi.contracts.selectors import user_site
from madoguchi.orgs.models import CalendarFeed
from madoguchi.orgs.selectors import calendar_feed_user
from madoguchi.orgs.services import issue_calendar_feed, revoke_calendar_feed
from madoguchi.sitefiles.calendar import calendar_for, feed_sites

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _urls(request: HttpRequest, sites: list[Site]) -> dict[str, str]:
    base = request.build_absolute_uri("/").rstrip("/")
    urls = {f"site:{s.pk}": base + reverse("sites:detail", args=[s.pk]) for s in sites}
    for site in sites:
        for case in site.cases.all():
            urls[f"case:{case.pk}"] = base + reverse("cases:detail", args=[case.pk])
    return urls


def _ics(body: bytes, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribed calendar: every deadline and open promise of the user's sites."""
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    sites = feed_sites(Site.objects.for_user(user))
    return _ics(calendar_for(sites, url_of=_urls(request, sites)))


@login_required
@require_GET
def site_ics(request: HttpRequest, site_pk: int) -> HttpResponse:
    site = user_site(request.user, site_pk)
    sites = feed_sites(Site.objects.filter(organization_id=site.organization_id, pk=site.pk))
    body = calendar_for(sites, url_of=_urls(request, sites), name=site.name)
    return _ics(body, f"site-{site.pk}.ics")


@login_required
@require_GET
def case_ics(request: HttpRequest, case_pk: int) -> HttpResponse:
    case = get_object_or_404(Case.objects.for_user(request.user), pk=case_pk)
    sites = feed_sites(Site.objects.filter(organization_id=case.organization_id, pk=case.site_id))
    if not any(c.pk == case.pk for s in sites for c in s.cases.all()):
        raise Http404  # a closed case has no deadlines to follow
    body = calendar_for(sites, url_of=_urls(request, sites), case=case, name=str(case))
    return _ics(body, f"case-{case.pk}.ics")


@login_required
@require_http_methods(["GET", "POST"])
def feed_page(request: HttpRequest) -> HttpResponse:
    """Make (or make anew) or revoke the user's private calendar address."""
    address = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_calendar_feed(request.user):  # type: ignore[arg-type]
                messages.success(request, _("The calendar address no longer works."))
            return redirect("calendar:page")
        _row, token = issue_calendar_feed(request.user)  # type: ignore[arg-type]
        address = request.build_absolute_uri(reverse("calendar:feed", args=[token]))
    current = CalendarFeed.objects.filter(user=request.user).first()  # type: ignore[misc]
    return render(request, "sites/calendar.html", {"address": address, "current": current})
