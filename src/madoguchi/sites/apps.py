"""The pages under /sites/: the site list, a new site, a site's rows, its trouble, and the
site page with import, export, cards, the offline copy and contacts. No models: the rows are
madoguchi.contracts's (whose label is "sites"), so this app's label is "site_pages"."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SitePagesConfig(AppConfig):
    name = "madoguchi.sites"
    label = "site_pages"
    verbose_name = _("Site pages")
