from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteFilesConfig(AppConfig):
    name = "madoguchi.sitefiles"
    verbose_name = _("Site files")
