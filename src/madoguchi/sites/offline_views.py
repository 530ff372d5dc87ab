"""The site's desks taken away for when the server is out of reach: the contacts file, the
saved page a member's phone keeps (web app manifest and service worker), the single saved
file, and a logout that leaves nothing of a site on the device."""

from __future__ import annotations

import json

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from madoguchi.cases.assessment import with_site_file_rows
from madoguchi.contracts.models import OfflineCopy, Site
from madoguchi.contracts.services import record_offline_copies
from madoguchi.directory.selectors import parties_for
from madoguchi.engine import model as engine
from madoguchi.orgs.selectors import organizations_for
from madoguchi.sitefiles.contacts import phonebook_fingerprint, site_phonebook, vcard_file
from madoguchi.sitefiles.offline import offline_fingerprint, offline_html, offline_site
from madoguchi.sites.views import user_site

SITES_AT_ONCE = 200  # far above a customer's sites; bounds one request's work


def _attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _contacts_response(request: HttpRequest, sites: list[Site], name: str) -> HttpResponse:
    """The contacts of `sites` in one .vcf; a POST (by someone who may write) records the
    copy, so the site page can say when the contacts in the phone go out of date."""
    directories: dict[int, dict[str, engine.Party]] = {}
    books = []
    for site in sites:
        if site.organization_id not in directories:
            directories[site.organization_id] = parties_for(site.organization)
        books.append((site, site_phonebook(site, directories[site.organization_id])))
    if request.method == "POST":
        record_offline_copies(
            [(site, phonebook_fingerprint(entries)) for site, entries in books],
            kind=OfflineCopy.Kind.CONTACTS,
            user=request.user,
        )
    return _attachment(vcard_file(books), "text/vcard; charset=utf-8", f"{name}.vcf")


@login_required
@require_http_methods(["GET", "POST"])
def site_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    """「電話帳に入れる」: the site's desks as contacts."""
    site = user_site(request, pk, write=request.method == "POST", rows=with_site_file_rows)
    return _contacts_response(request, [site], f"contacts-{site.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def customer_contacts(request: HttpRequest) -> HttpResponse:
    """The desks of every site of a customer (`customer`) as one contacts file, for an
    installer to hand over; GET to look, POST to record the copy."""
    params = request.POST if request.method == "POST" else request.GET
    organizations = organizations_for(request.user, write=request.method == "POST")
    chosen = params.get("organization")
    organization = organizations.filter(slug=chosen).first() if chosen else organizations.first()
    customer = params.get("customer", "")
    if organization is None or not customer.isdigit() or len(customer) > 11:
        return HttpResponse(_("Choose a customer."), status=404)
    sites = Site.objects.filter(organization=organization, customer_id=int(customer))
    chosen_sites = list(with_site_file_rows(sites.order_by("name", "id"))[:SITES_AT_ONCE])
    if not chosen_sites:
        return HttpResponse(_("There are no sites for this customer."), status=404)
    return _contacts_response(request, chosen_sites, f"contacts-customer-{customer}")


def _site_url(request: HttpRequest, site: Site) -> str:
    return request.build_absolute_uri(reverse("sites:detail", args=[site.pk]))


@login_required
@require_GET
@never_cache
def site_offline_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The page a member's phone keeps (the service worker saves it when the site page is
    opened, or pinned) and shows when the server cannot be reached."""
    site = user_site(request, pk, rows=with_site_file_rows)
    offline = offline_site(site, _site_url(request, site))
    response = HttpResponse(offline_html(offline, single_file=False))
    response["X-Madoguchi-Saved"] = offline.saved.isoformat()
    return response


@login_required
@require_http_methods(["GET", "POST"])
def site_offline_file(request: HttpRequest, pk: int) -> HttpResponse:
    """「オフライン用ページを保存」: one HTML file to keep in the phone's files."""
    site = user_site(request, pk, write=request.method == "POST", rows=with_site_file_rows)
    directory = parties_for(site.organization)
    offline = offline_site(site, _site_url(request, site), directory)
    if request.method == "POST":
        record_offline_copies(
            [(site, offline_fingerprint(site, directory))],
            kind=OfflineCopy.Kind.PAGE,
            user=request.user,
            at=offline.saved,
        )
    stamp = timezone.localtime(offline.saved).strftime("%Y%m%d-%H%M")
    return _attachment(
        offline_html(offline, single_file=True).encode("utf-8"),
        "text/html; charset=utf-8",
        f"madoguchi-site-{site.pk}-{stamp}.html",
    )


# --- the installable app ------------------------------------------------------------


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: a Japanese name and icons, so a member can add Madoguchi to the
    home screen; it opens on the site list."""
    data = {
        "name": "窓口 Madoguchi",
        "short_name": "窓口",
        "lang": "ja",
        "description": "回線が止まったときの連絡先と契約",
        "start_url": reverse("sites:list"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0031d8",
        "icons": [
            {"src": static("madoguchi/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("madoguchi/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("madoguchi/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that it may answer for every page; its
    static files' addresses (hashed in production) are written into it."""
    path = finders.find("madoguchi/sw.js")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    assets = [
        static(name)
        for name in (
            "madoguchi/offline-page.css",
            "madoguchi/offline-page.js",
            "madoguchi/icon-192.png",
        )
    ]
    text = text.replace("__ASSETS__", json.dumps(assets))
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


class LogoutView(auth_views.LogoutView):
    """Django's logout, which also tells the browser to drop what this origin keeps (the
    service worker's saved pages of sites, its registration, local storage): nothing of a
    site stays readable on the device after logout. The page's script clears the caches
    first, for a browser that ignores the header."""

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
