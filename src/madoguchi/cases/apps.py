from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "madoguchi.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from madoguchi.cases import receivers  # noqa: F401  (connects the receivers)
