from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubcontractsConfig(AppConfig):
    name = "madoguchi.subcontracts"
    verbose_name = _("subcontract requests")
