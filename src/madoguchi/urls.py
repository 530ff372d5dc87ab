from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from madoguchi.api.api import api
from madoguchi.bills.urls import urlpatterns as bills_urls
from madoguchi.incidents.urls import status_urlpatterns
from madoguchi.notifications.urls import contact_urlpatterns
from madoguchi.sites import offline_views
from madoguchi.sites.urls import urlpatterns as sites_urls
from madoguchi.subcontracts.urls import intake_urlpatterns


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on every site whatever the page links: the icon."""
    return redirect(static("madoguchi/icon.svg"), permanent=True)


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="sites:list", permanent=False)),
    # Browsers ask for /favicon.ico on every site whatever the page links; answer with the icon.
    path("favicon.ico", favicon),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", offline_views.LogoutView.as_view(), name="logout"),
    path("sw.js", offline_views.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sites/", include((sites_urls + bills_urls, "sites"))),
    path("sites/<int:site_pk>/contacts/", include((contact_urlpatterns, "contacts"))),
    path("cases/", include("madoguchi.cases.urls")),
    path("money/", include("madoguchi.money.urls")),
    path("calendar/", include("madoguchi.sitefiles.calendar_urls")),
    path("agents/", include("madoguchi.agents.urls")),
    path("receivables/", include("madoguchi.receivables.urls")),
    path("subcontracts/", include("madoguchi.subcontracts.urls")),
    path("incidents/", include("madoguchi.incidents.urls")),
    path("notifications/", include("madoguchi.notifications.urls")),
    path("status/", include((status_urlpatterns, "status"))),
    path("intake/", include((intake_urlpatterns, "intake"))),
    path("facts/", include(("madoguchi.directory.urls", "facts"))),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
