from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "madoguchi.ops"
    verbose_name = _("Operations")
